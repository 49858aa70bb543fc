import { rmSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CheckRemovedError, CheckTimeoutError } from './abort-reasons';
import { CheckConfigError } from './check-executor';
import { listen, policyWithNames, startSilentServer, type TestServer } from './check-servers.fixtures';
import { CHECK_REFUSED_BY_DEFAULT } from './outbound-connection';
import { tlsCheck } from './tls-check';
import { makeTestPki, type TestPki } from './tls-pki.fixtures';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: tls.TlsOptions): Promise<TestServer> {
  const server = await listen(tls.createServer(options, (socket) => socket.end()));
  servers.push(server);
  return server;
}

const localhost = policyWithNames({ localhost: ['127.0.0.1'] });

async function run(config: Record<string, unknown>, policy = localhost, signal = new AbortController().signal) {
  const check = tlsCheck(policy);
  return check.run(check.validate(config), signal);
}

describe('tls check', () => {
  let pki: TestPki;

  beforeAll(() => {
    pki = makeTestPki('estate-tls-check-');
  });

  afterAll(() => {
    rmSync(pki.dir, { recursive: true, force: true });
  });

  it('is up on a certificate from a trusted CA, reporting the certificate and the session', async () => {
    const server = await serve(pki.valid);
    const outcome = await run({ host: 'localhost', port: server.port, caPem: pki.caPem });
    expect(outcome.conditions.filter((c) => !c.passed)).toEqual([]);
    expect(outcome.conditions.map((c) => c.condition)).toEqual(['[CONNECTED] == true', '[CERTIFICATE_EXPIRATION] > 168h']);
    expect(outcome.status).toBe('up');
    expect(outcome.details).toMatchObject({
      address: '127.0.0.1',
      protocol: 'TLSv1.3',
      subject: 'CN=localhost',
      issuer: 'CN=Estate Test CA',
      subjectAltNames: ['DNS:localhost', 'IP Address:127.0.0.1'],
      chainLength: 2,
      authorized: true,
      authorizationError: undefined,
    });
    expect(outcome.details.cipher).toMatch(/^TLS_/);
    expect(Date.parse(outcome.details.validTo as string)).toBeGreaterThan(Date.parse(outcome.details.validFrom as string));
    expect(outcome.message).toMatch(/^TLSv1\.3 with localhost port \d+ in \d+ ms; certificate valid to \d{4}-/);

    const expiry = await run({
      host: 'localhost',
      port: server.port,
      caPem: pki.caPem,
      conditions: ['[CERTIFICATE_EXPIRATION] > 19d', '[CERTIFICATE_EXPIRATION] < 21d', '[IP] == 127.0.0.1'],
    });
    expect(expiry.conditions.filter((c) => !c.passed)).toEqual([]);
    const threshold = await run({ host: 'localhost', port: server.port, caPem: pki.caPem, minDaysValid: 30 });
    expect(threshold.status).toBe('down');
    expect(threshold.message).toMatch(/^Condition failed: \[CERTIFICATE_EXPIRATION\] \(.+\) > 30d$/);
  });

  it('reports the protocol the server settles on', async () => {
    const server = await serve({ ...pki.valid, maxVersion: 'TLSv1.2' });
    const outcome = await run({ host: 'localhost', port: server.port, caPem: pki.caPem });
    expect(outcome.status).toBe('up');
    expect(outcome.details.protocol).toBe('TLSv1.2');
  });

  it('is down on a chain it cannot verify, and reports it without failing when verification is off', async () => {
    const server = await serve(pki.valid);
    const untrusted = await run({ host: 'localhost', port: server.port });
    expect(untrusted.status).toBe('down');
    expect(untrusted.message).toBe('TLS error with localhost: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)');
    expect(untrusted.conditions.every((c) => c.passed)).toBe(true);

    const unverified = await run({ host: 'localhost', port: server.port, verify: false });
    expect(unverified.status).toBe('up');
    expect(unverified.details).toMatchObject({ authorized: false, chainLength: 1 });
    expect(unverified.details.authorizationError).toMatch(/\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)$/);
  });

  it('is down on an expired certificate, with the time left negative', async () => {
    const server = await serve(pki.expired);
    const expired = await run({ host: 'localhost', port: server.port, caPem: pki.caPem, conditions: ['[CERTIFICATE_EXPIRATION] < 0s'] });
    expect(expired.status).toBe('down');
    expect(expired.message).toBe('TLS error with localhost: certificate has expired (CERT_HAS_EXPIRED)');
    expect(expired.conditions[0]!.passed).toBe(true);

    const unverified = await run({ host: 'localhost', port: server.port, verify: false });
    expect(unverified.status).toBe('down');
    expect(unverified.message).toMatch(/^Condition failed: \[CERTIFICATE_EXPIRATION\] \(-.+\) > 168h$/);
  });

  it('is down on a name the certificate does not cover, and sends the server name it is given as SNI', async () => {
    // The server picks its certificate by the SNI it receives: other.example gets its own, anything else localhost's.
    const server = await serve({
      ...pki.valid,
      SNICallback: (name, cb) => cb(null, tls.createSecureContext(name === 'other.example' ? pki.other : pki.valid)),
    });
    const policy = policyWithNames({ 'mail.test': ['127.0.0.1'] });
    const mismatch = await run({ host: 'mail.test', port: server.port, caPem: pki.caPem }, policy);
    expect(mismatch.status).toBe('down');
    expect(mismatch.message).toMatch(
      /^TLS error with mail\.test: Hostname\/IP does not match certificate's altnames: Host: mail\.test\. is not in the cert's altnames: DNS:localhost, IP Address:127\.0\.0\.1 \(ERR_TLS_CERT_ALTNAME_INVALID\)$/,
    );

    const bySni = await run({ host: '127.0.0.1', port: server.port, serverName: 'other.example', caPem: pki.caPem });
    expect(bySni.status).toBe('up');
    expect(bySni.details.subject).toBe('CN=other.example');
  });

  it('stops a handshake that never finishes when its signal aborts', async () => {
    const silent = await startSilentServer();
    servers.push(silent);
    const timeout = new AbortController();
    setTimeout(() => timeout.abort(new CheckTimeoutError(200)), 200);
    const timedOut = await run({ host: '127.0.0.1', port: silent.port, caPem: pki.caPem }, localhost, timeout.signal);
    expect(timedOut.status).toBe('down');
    expect(timedOut.message).toBe('Timed out: The check did not finish within 200 ms.');
    expect(timedOut.conditions[0]!.reason).toBe('[CONNECTED] (false) == true');

    const removal = new AbortController();
    setTimeout(() => removal.abort(new CheckRemovedError()), 50);
    const removed = await run({ host: '127.0.0.1', port: silent.port }, localhost, removal.signal);
    expect(removed.status).toBe('unknown');
  });

  it('is down on a server that does not speak TLS, and never connects where the policy refuses', async () => {
    const plain = await listen(net.createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n')));
    servers.push(plain);
    const garbage = await run({ host: '127.0.0.1', port: plain.port });
    expect(garbage.status).toBe('down');
    expect(garbage.message).toMatch(/^TLS error with 127\.0\.0\.1: .*(wrong version number|packet length too long)/i);

    const server = await serve(pki.valid);
    const refusing = policyWithNames({ localhost: ['127.0.0.1'] }, new Set([...CHECK_REFUSED_BY_DEFAULT, 'loopback']));
    const named = await run({ host: 'localhost', port: server.port }, refusing);
    expect(named.message).toMatch(/^The outbound policy refuses localhost \(127\.0\.0\.1\): loopback/);
    const literal = await run({ host: '127.0.0.1', port: server.port }, refusing);
    expect(literal.message).toMatch(/^The outbound policy refuses 127\.0\.0\.1: loopback/);
    expect(server.connections()).toBe(0);
  });
});

describe('tls check: configuration', () => {
  const check = tlsCheck();
  const field = (config: unknown) => {
    try {
      check.validate(config);
      return 'accepted';
    } catch (err) {
      if (err instanceof CheckConfigError) return err.field;
      throw err;
    }
  };

  it('refuses what it cannot run, naming the field', () => {
    expect(field({ port: 443 })).toBe('host');
    expect(field({ host: 'a', port: 0 })).toBe('port');
    expect(field({ host: 'a', serverName: '10.0.0.1' })).toBe('serverName');
    expect(field({ host: 'a', verify: 'yes' })).toBe('verify');
    expect(field({ host: 'a', minDaysValid: -1 })).toBe('minDaysValid');
    expect(field({ host: 'a', caPem: 'not a certificate' })).toBe('caPem');
    expect(field({ host: 'a', caPem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' })).toBe('caPem');
    expect(field({ host: 'a', conditions: ['[STATUS] == 200'] })).toBe('conditions[0]');
  });

  it('fills the defaults, and minDaysValid sets or adds the expiry threshold', () => {
    expect(check.validate({ host: '[::1]' })).toMatchObject({
      host: '::1',
      port: 443,
      verify: true,
      conditionSources: ['[CONNECTED] == true', '[CERTIFICATE_EXPIRATION] > 168h'],
    });
    expect(check.target(check.validate({ host: '::1' }))).toBe('[::1]:443');
    expect(check.validate({ host: 'a', minDaysValid: 14 }).conditionSources).toEqual([
      '[CONNECTED] == true',
      '[CERTIFICATE_EXPIRATION] > 14d',
    ]);
    expect(check.validate({ host: 'a', minDaysValid: 14, conditions: ['[RESPONSE_TIME] < 2s'] }).conditionSources).toEqual([
      '[RESPONSE_TIME] < 2s',
      '[CERTIFICATE_EXPIRATION] > 14d',
    ]);
  });
});
