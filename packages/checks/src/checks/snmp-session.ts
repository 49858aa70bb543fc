import { isIPv6 } from 'node:net';
import snmp from 'net-snmp';
import {
  type CheckNetworkPolicy,
  DestinationRefusedError,
  describeConnectionError,
  resolveAllowedAddress,
  untilAborted,
} from './outbound-connection';
import { authSecrets, type SnmpAuth, type SnmpCredentialResolver, type SnmpTarget, snmpTargetText } from './snmp-target';

/**
 * Requests to one SNMP agent over UDP with net-snmp (the library discovery's scans use): GET and a capped subtree
 * walk, each stopped when the run's signal aborts, and the words for what went wrong, which never quote a secret.
 */

/** One value as the agent sent it, read: numbers (Counter64 as bigint), text, or null for an exception value. */
export interface SnmpReading {
  oid: string;
  /** net-snmp's ObjectType number (2 Integer, 4 OCTET STRING, 65 Counter32, 70 Counter64, 128 noSuchObject, …). */
  type: number;
  value: number | bigint | string | boolean | null;
}

/** The exception values of SNMPv2 (RFC 3416): the agent has nothing at that OID. */
const EXCEPTIONS: Readonly<Record<number, string>> = { 128: 'noSuchObject', 129: 'noSuchInstance', 130: 'endOfMibView' };

/** Why a reading holds no value (noSuchObject, …), or undefined when it holds one. */
export function readingException(reading: SnmpReading): string | undefined {
  return EXCEPTIONS[reading.type];
}

/** A Counter64's bytes as net-snmp hands them over (big-endian, any length) as a bigint. */
function unsigned(bytes: Buffer): bigint {
  let n = 0n;
  for (const byte of bytes) n = (n << 8n) | BigInt(byte);
  return n;
}

/** An OCTET STRING as text when it is printable UTF-8 (a trailing NUL dropped), else as colon-separated hex. */
function octets(bytes: Buffer): string {
  const trimmed = bytes.at(-1) === 0 ? bytes.subarray(0, -1) : bytes;
  const text = trimmed.toString('utf8');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control bytes are what mark a binary value.
  if (!/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.test(text)) return text;
  return [...trimmed].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

function readingOf(vb: snmp.Varbind): SnmpReading {
  const type = Number(vb.type ?? 0);
  const raw = vb.value;
  let value: SnmpReading['value'];
  if (EXCEPTIONS[type] !== undefined || raw === null || raw === undefined) value = null;
  else if (type === snmp.ObjectType.Counter64 && Buffer.isBuffer(raw)) value = unsigned(raw);
  else if (Buffer.isBuffer(raw)) value = octets(raw);
  else value = raw as number | bigint | string | boolean;
  return { oid: vb.oid, type, value };
}

/** An SNMP request that failed, with the sentence for the check's message. */
export class SnmpRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnmpRequestError';
  }
}

/** USM reports (v3) net-snmp names in its messages, and what each means for an operator. */
const USM_REPORTS: Array<[RegExp, string]> = [
  [/unknown user name/i, 'the agent does not know the v3 user'],
  [/wrong digest|authentication digest/i, 'the agent refused the v3 authentication key'],
  [/decryption error|decrypt/i, 'the agent refused the v3 privacy key'],
  [/unsupported security level/i, 'the agent does not support the security level'],
  [/not in time window/i, "the agent's clock window refused the request"],
  [/unknown engine id/i, 'the agent did not accept the engine id'],
];
const KEY_FAILURES: ReadonlySet<unknown> = new Set([snmp.ResponseInvalidCode.EAuthFailure, snmp.ResponseInvalidCode.ECouldNotDecrypt]);

/** One line saying why a request to the agent got nothing usable, without any secret of `auth`. */
export function describeSnmpError(error: unknown, target: SnmpTarget, auth: SnmpAuth | undefined): string {
  const e = (error ?? {}) as { name?: string; code?: unknown; message?: string };
  const where = snmpTargetText(target);
  if (error instanceof SnmpRequestError || error instanceof DestinationRefusedError) return error.message;
  if (e.name === 'RequestTimedOutError') {
    const tries = target.retries + 1;
    const why =
      auth?.version === 'v3'
        ? 'no SNMP agent there, or a filter'
        : 'no SNMP agent there, a filter, or a wrong community, which agents do not answer either';
    return `No SNMP answer from ${where} (udp) after ${tries} ${tries === 1 ? 'try' : 'tries'} of ${target.timeoutMs} ms: ${why}`;
  }
  if (e.name === 'ResponseInvalidError') {
    if (KEY_FAILURES.has(e.code)) {
      const found = USM_REPORTS.find(([pattern]) => pattern.test(e.message ?? ''));
      return `SNMP login to ${where} failed: ${found?.[1] ?? 'the agent refused the v3 credential'}`;
    }
    // Named by its code only: the message of another invalid answer may quote a community.
    const code = typeof e.code === 'number' ? snmp.ResponseInvalidCode[e.code] : undefined;
    return `${where} sent an SNMP answer that could not be used (${code ?? 'invalid'})`;
  }
  if (e.name === 'RequestFailedError') return `${where} answered with an SNMP error: ${(e.message ?? '').slice(0, 160)}`;
  let text = describeConnectionError(error, target.host, target.port);
  for (const secret of auth ? authSecrets(auth) : []) text = text.split(secret).join('***');
  return text;
}

/** Most varbinds one GET asks for; longer lists are sent as several GETs. */
const GET_CHUNK = 40;

/** A session with one agent at an address the outbound policy allowed. Close it when done. */
export class SnmpSession {
  private readonly session: snmp.Session;
  private readonly aborted: Promise<never>;
  private readonly onAbort: () => void;

  constructor(
    address: string,
    readonly target: SnmpTarget,
    readonly auth: SnmpAuth,
    private readonly signal: AbortSignal,
  ) {
    const options = { port: target.port, timeout: target.timeoutMs, retries: target.retries, transport: isIPv6(address) ? 'udp6' : 'udp4' };
    if (auth.version === 'v3') {
      const user: snmp.User = { name: auth.user, level: snmp.SecurityLevel[auth.securityLevel] };
      if (auth.securityLevel !== 'noAuthNoPriv') {
        user.authProtocol = snmp.AuthProtocols[auth.authProtocol ?? 'sha'];
        user.authKey = auth.authKey ?? '';
      }
      if (auth.securityLevel === 'authPriv') {
        user.privProtocol = snmp.PrivProtocols[auth.privProtocol ?? 'aes'];
        user.privKey = auth.privKey ?? '';
      }
      this.session = snmp.createV3Session(address, user, { ...options, version: snmp.Version3 } as snmp.SessionOptionsV3);
    } else {
      const version = auth.version === 'v1' ? snmp.Version1 : snmp.Version2c;
      this.session = snmp.createSession(address, auth.community, { ...options, version } as snmp.SessionOptions);
    }
    this.session.on('error', () => undefined);
    let stop: (reason: unknown) => void = () => undefined;
    this.aborted = new Promise<never>((_, reject) => {
      stop = reject;
    });
    this.aborted.catch(() => undefined);
    this.onAbort = () => stop(signal.reason);
    signal.addEventListener('abort', this.onAbort, { once: true });
    if (signal.aborted) this.onAbort();
  }

  /** The values of `oids`, in their order; an OID the agent has nothing at is a reading whose value is null. */
  async get(oids: readonly string[]): Promise<SnmpReading[]> {
    const out: SnmpReading[] = [];
    for (let i = 0; i < oids.length; i += GET_CHUNK) {
      const chunk = oids.slice(i, i + GET_CHUNK);
      const varbinds = await this.race(
        new Promise<snmp.Varbind[]>((resolve, reject) => {
          this.session.get(chunk, (error, vbs) => (error ? reject(error) : resolve(vbs ?? [])));
        }),
      );
      out.push(...varbinds.map(readingOf));
    }
    return out;
  }

  /**
   * The values under `root` in OID order, at most `max` of them; `truncated` when the subtree holds more. An agent
   * without the subtree answers none.
   */
  async walk(root: string, max: number): Promise<{ readings: SnmpReading[]; truncated: boolean }> {
    const readings: SnmpReading[] = [];
    let truncated = false;
    await this.race(
      new Promise<void>((resolve, reject) => {
        this.session.subtree(
          root,
          Math.min(max + 1, 50),
          (varbinds) => {
            for (const vb of varbinds) {
              if (snmp.isVarbindError(vb)) continue;
              if (readings.length === max) {
                truncated = true;
                return true;
              }
              readings.push(readingOf(vb));
            }
          },
          (error) => (error ? reject(error) : resolve()),
        );
      }),
    );
    return { readings, truncated };
  }

  close(): void {
    this.signal.removeEventListener('abort', this.onAbort);
    try {
      this.session.close();
    } catch {
      // Already closed: nothing left to release.
    }
  }

  private race<T>(request: Promise<T>): Promise<T> {
    return Promise.race([request, this.aborted]);
  }
}

/**
 * Opens a session with the check's agent: its host resolved through the outbound policy (a refused or unknown
 * destination is a `failure`), its login from the configuration or looked up by credential id. A credential that no
 * longer exists is no verdict on the target: that throws, and the run's outcome is unknown.
 */
export async function openSnmpSession(
  target: SnmpTarget,
  policy: CheckNetworkPolicy,
  credentials: SnmpCredentialResolver | undefined,
  signal: AbortSignal,
): Promise<{ session: SnmpSession; address: string } | { failure: string }> {
  let auth = target.auth;
  if (target.credentialId !== undefined) {
    auth = await credentials?.(target.credentialId);
    if (!auth) throw new Error(`the SNMP credential ${target.credentialId} no longer exists; choose another one for the check`);
  }
  let address: string | undefined;
  try {
    address = await untilAborted(resolveAllowedAddress(target.host, policy), signal);
  } catch (err) {
    return { failure: describeConnectionError(err, target.host, target.port) };
  }
  if (address === undefined) return { failure: 'aborted' };
  return { session: new SnmpSession(address, target, auth as SnmpAuth, signal), address };
}
