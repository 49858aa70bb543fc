import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Test certificates made with the openssl CLI: a CA, and leaves it signed. */
export interface TestPki {
  dir: string;
  caPem: string;
  /** Valid 20 days, for localhost and 127.0.0.1. */
  valid: { key: Buffer; cert: Buffer };
  /** Expired (its notAfter a day before its notBefore), for localhost and 127.0.0.1. */
  expired: { key: Buffer; cert: Buffer };
  /** Valid, for other.example only. */
  other: { key: Buffer; cert: Buffer };
}

/** Makes the CA and the three leaves in a temporary directory (removed by `rmSync(pki.dir)`). */
export function makeTestPki(prefix: string): TestPki {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const file = (name: string) => join(dir, name);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-days', '30', '-subj', '/CN=Estate Test CA', '-keyout', file('ca.key'), '-out', file('ca.pem')]);
  const leaf = (name: string, cn: string, san: string, days: string, serial: string) => {
    writeFileSync(file(`${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\n`);
    openssl(['req', '-new', ...ec, '-subj', `/CN=${cn}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`)]);
    openssl([
      'x509',
      '-req',
      '-in',
      file(`${name}.csr`),
      '-CA',
      file('ca.pem'),
      '-CAkey',
      file('ca.key'),
      '-set_serial',
      serial,
      '-days',
      days,
      '-extfile',
      file(`${name}.ext`),
      '-out',
      file(`${name}.pem`),
    ]);
    return { key: readFileSync(file(`${name}.key`)), cert: readFileSync(file(`${name}.pem`)) };
  };
  return {
    dir,
    caPem: readFileSync(file('ca.pem'), 'utf8'),
    valid: leaf('valid', 'localhost', 'DNS:localhost,IP:127.0.0.1', '20', '2'),
    expired: leaf('expired', 'localhost', 'DNS:localhost,IP:127.0.0.1', '-1', '3'),
    other: leaf('other', 'other.example', 'DNS:other.example', '20', '4'),
  };
}
