import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AgentCheckExecutor } from './agent-check';

const DAY_MS = 86_400_000;
/** Certificate files larger than this are not read. */
const MAX_FILE_BYTES = 1024 * 1024;

/**
 * The first certificate of a PEM file: down once expired, not yet valid, or under `critDays` left (default 7),
 * degraded under `warnDays` (default 30). Days left become a series.
 */
export const certificateFileCheck: AgentCheckExecutor<'certificate-file'> = async (config, { now }) => {
  let pem: Buffer;
  try {
    pem = await readFile(config.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      status: code === 'ENOENT' ? 'down' : 'unknown',
      message: code === 'ENOENT' ? `${config.path} does not exist` : `Cannot read ${config.path}: ${(err as Error).message}`,
      details: { path: config.path },
    };
  }
  if (pem.length > MAX_FILE_BYTES)
    return { status: 'unknown', message: `${config.path} is larger than 1 MiB: not a certificate file`, details: { path: config.path } };
  const block = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem.toString('latin1'))?.[0];
  if (!block)
    return {
      status: 'unknown',
      message: `${config.path} holds no PEM certificate (no BEGIN CERTIFICATE block)`,
      details: { path: config.path },
    };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(block);
  } catch (err) {
    return {
      status: 'unknown',
      message: `${config.path}: the certificate cannot be read: ${(err as Error).message}`,
      details: { path: config.path },
    };
  }
  const notAfter = Date.parse(cert.validTo);
  const notBefore = Date.parse(cert.validFrom);
  const at = now();
  const daysLeft = Math.floor(((notAfter - at) / DAY_MS) * 100) / 100;
  const details = {
    path: config.path,
    subject: cert.subject,
    issuer: cert.issuer,
    notBefore,
    notAfter,
    daysLeft,
    serialNumber: cert.serialNumber,
  };
  const series = [{ name: 'estate_check_certificate_days_left', labels: { path: config.path }, value: daysLeft }];
  const subject =
    cert.subject
      .split('\n')
      .find((part) => part.startsWith('CN='))
      ?.slice(3) ?? cert.subject.replace(/\n/g, ', ');
  const until = new Date(notAfter).toISOString();
  if (at < notBefore)
    return { status: 'down', message: `${subject}: not valid before ${new Date(notBefore).toISOString()}`, details, series };
  if (at >= notAfter) return { status: 'down', message: `${subject}: expired at ${until}`, details, series };
  const warn = config.warnDays ?? 30;
  const crit = config.critDays ?? Math.min(7, warn);
  const left = `${Math.floor(daysLeft)} days left (until ${until})`;
  if (daysLeft < crit) return { status: 'down', message: `${subject}: ${left}, under ${crit}`, details, series };
  if (daysLeft < warn) return { status: 'degraded', message: `${subject}: ${left}, under ${warn}`, details, series };
  return { status: 'up', message: `${subject}: ${left}`, details, series };
};
