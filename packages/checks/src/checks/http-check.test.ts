import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CheckRemovedError, CheckTimeoutError } from './abort-reasons';
import { CheckConfigError } from './check-executor';
import { closedPort, listen, policyWithNames, startHttpServer, startSilentServer, type TestServer } from './check-servers.fixtures';
import { type HttpHop, httpCheck } from './http-check';
import { CHECK_REFUSED_BY_DEFAULT } from './outbound-connection';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Parameters<typeof startHttpServer>[0]): Promise<TestServer> {
  const server = await startHttpServer(handler);
  servers.push(server);
  return server;
}

/** Echoes the request as JSON: method, path, authorization, content-type, body. */
async function echoServer(): Promise<TestServer> {
  return serve((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          method: req.method,
          path: req.url,
          authorization: req.headers.authorization,
          contentType: req.headers['content-type'],
          custom: req.headers['x-estate'],
          body,
        }),
      );
    });
  });
}

async function run(config: Record<string, unknown>, policy = policyWithNames({}), signal = new AbortController().signal) {
  const check = httpCheck(policy);
  return check.run(check.validate(config), signal);
}

describe('http check: status and body conditions', () => {
  it('is up on a 200 with the default condition and down on a 503 naming the failed condition', async () => {
    let status = 200;
    const server = await serve((_req, res) => {
      res.statusCode = status;
      res.end('hello');
    });
    const up = await run({ url: `http://127.0.0.1:${server.port}/health` });
    expect(up.status).toBe('up');
    expect(up.conditions).toEqual([{ condition: '[STATUS] < 400', passed: true, reason: '[STATUS] (200) < 400' }]);
    expect(up.message).toMatch(/^HTTP 200 in \d+ ms$/);

    status = 503;
    const down = await run({ url: `http://127.0.0.1:${server.port}/health` });
    expect(down.status).toBe('down');
    expect(down.message).toBe('Condition failed: [STATUS] (503) < 400');
  });

  it('evaluates JSON body conditions and reports the first one that failed', async () => {
    const server = await serve((_req, res) => {
      res.end(JSON.stringify({ data: { ok: true, version: '2.4.1' }, items: [1, 2, 3] }));
    });
    const url = `http://127.0.0.1:${server.port}/`;
    const up = await run({ url, conditions: ['[STATUS] == any(200, 204)', '[BODY].data.ok == true', 'len([BODY].items) == 3'] });
    expect(up.status).toBe('up');
    expect(up.conditions.every((c) => c.passed)).toBe(true);

    const down = await run({ url, conditions: ['[STATUS] == 200', '[BODY].data.version == pat(3.*)', '[BODY].missing == 1'] });
    expect(down.status).toBe('down');
    expect(down.conditions.map((c) => c.passed)).toEqual([true, false, false]);
    expect(down.message).toBe('Condition failed: [BODY].data.version (2.4.1) == pat(3.*)');
    expect(down.conditions[2]!.reason).toBe('[BODY].missing (absent) == 1');
  });

  it('sends the method, headers, body and basic or bearer credentials', async () => {
    const server = await echoServer();
    const url = `http://127.0.0.1:${server.port}/submit?x=1`;
    const basic = await run({
      url,
      method: 'post',
      headers: { 'content-type': 'application/json', 'X-Estate': 'yes' },
      body: '{"a":1}',
      auth: { type: 'basic', username: 'mon', password: 's3cret' },
      conditions: [
        '[BODY].method == POST',
        '[BODY].path == /submit?x=1',
        `[BODY].authorization == Basic ${Buffer.from('mon:s3cret').toString('base64')}`,
        '[BODY].custom == yes',
        '[BODY].body == {"a":1}',
      ],
    });
    expect(basic.conditions.filter((c) => !c.passed)).toEqual([]);
    expect(JSON.stringify(basic)).not.toContain('s3cret');

    const bearer = await run({ url, auth: { type: 'bearer', token: 'tok' }, conditions: ['[BODY].authorization == Bearer tok'] });
    expect(bearer.status).toBe('up');
  });

  it('records the address reached and a timing breakdown, DNS included for a name', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const outcome = await run(
      { url: `http://app.test:${server.port}/`, conditions: ['[IP] == 127.0.0.1', '[CONNECTED] == true'] },
      policyWithNames({ 'app.test': ['127.0.0.1'] }),
    );
    expect(outcome.status).toBe('up');
    const timings = outcome.details.timings as Record<string, number | undefined>;
    for (const phase of ['dnsMs', 'connectMs', 'firstByteMs', 'totalMs']) expect(timings[phase], phase).toBeGreaterThanOrEqual(0);
    expect(timings.tlsMs).toBeUndefined();
  });
});

describe('http check: redirects and the outbound policy', () => {
  it('follows a redirect chain, keeping a POST through a 307 and turning it into a GET after a 303', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/a') res.writeHead(307, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(303, { location: `http://127.0.0.1:${(req.socket.localPort ?? 0).toString()}/c` }).end();
      else res.end(JSON.stringify({ method: req.method, path: req.url }));
    });
    const outcome = await run({
      url: `http://127.0.0.1:${server.port}/a`,
      method: 'POST',
      body: 'x',
      conditions: ['[BODY].method == GET', '[BODY].path == /c'],
    });
    expect(outcome.status).toBe('up');
    expect((outcome.details.hops as HttpHop[]).map((h) => [h.method, new URL(h.url).pathname, h.status])).toEqual([
      ['POST', '/a', 307],
      ['POST', '/b', 303],
      ['GET', '/c', 200],
    ]);
  });

  it('fails past the redirect limit, and judges the redirect itself when not following', async () => {
    const server = await serve((req, res) => {
      res.writeHead(302, { location: `/loop${req.url}` }).end();
    });
    const url = `http://127.0.0.1:${server.port}/`;
    const looped = await run({ url, maxRedirects: 2 });
    expect(looped.status).toBe('down');
    expect(looped.message).toMatch(/^More than 2 redirects \(last to \/loop\/loop\/loop\/\)$/);
    expect(looped.details.hops).toHaveLength(3);

    const unfollowed = await run({ url, followRedirects: false, conditions: ['[STATUS] == 302'] });
    expect(unfollowed.status).toBe('up');
  });

  it('refuses a redirect to the metadata service without connecting, whether by address or by name', async () => {
    const server = await serve((req, res) => {
      const to = req.url === '/by-name' ? 'http://metadata.test/latest/meta-data/' : 'http://169.254.169.254/latest/meta-data/';
      res.writeHead(302, { location: to }).end();
    });
    const policy = policyWithNames({ 'metadata.test': ['169.254.169.254'] });
    const byAddress = await run({ url: `http://127.0.0.1:${server.port}/` }, policy);
    expect(byAddress.status).toBe('down');
    expect(byAddress.message).toMatch(/^The outbound policy refuses 169\.254\.169\.254: link-local .* \(after 1 redirects\)$/);
    const hops = byAddress.details.hops as HttpHop[];
    expect(hops).toHaveLength(2);
    expect(hops[1]!.address).toBeUndefined();
    expect(byAddress.conditions[0]!.reason).toBe('[STATUS] (absent) < 400');

    const byName = await run({ url: `http://127.0.0.1:${server.port}/by-name` }, policy);
    expect(byName.message).toMatch(/^The outbound policy refuses metadata\.test \(169\.254\.169\.254\)/);

    // IPv4-mapped IPv6 spelling of the same address.
    const mapped = await run({ url: 'http://[::ffff:a9fe:a9fe]/' }, policy);
    expect(mapped.message).toMatch(/^The outbound policy refuses ::ffff:a9fe:a9fe/);
  });

  it('never opens a connection to an address the policy refuses', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const refusingLoopback = policyWithNames({ 'app.test': ['127.0.0.1'] }, new Set([...CHECK_REFUSED_BY_DEFAULT, 'loopback']));
    const literal = await run({ url: `http://127.0.0.1:${server.port}/` }, refusingLoopback);
    const named = await run({ url: `http://app.test:${server.port}/` }, refusingLoopback);
    expect([literal.status, named.status]).toEqual(['down', 'down']);
    expect(named.message).toMatch(/^The outbound policy refuses app\.test \(127\.0\.0\.1\): loopback/);
    expect(server.connections()).toBe(0);
  });

  it('connects only to the allowed addresses of a name that also resolves to a refused one', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    const policy = policyWithNames({ 'mixed.test': ['169.254.169.254', '127.0.0.1'] });
    const outcome = await run({ url: `http://mixed.test:${server.port}/`, conditions: ['[IP] == 127.0.0.1'] }, policy);
    expect(outcome.status).toBe('up');
  });

  it('sends credentials only to the origin they were configured for', async () => {
    const echo = await echoServer();
    const front = await serve((req, res) => {
      if (req.url === '/same') res.writeHead(307, { location: '/echo' }).end();
      else if (req.url === '/echo') res.end(JSON.stringify({ authorization: req.headers.authorization }));
      else res.writeHead(307, { location: `http://127.0.0.1:${echo.port}/` }).end();
    });
    const auth = { type: 'bearer', token: 'tok' };
    const other = await run({ url: `http://127.0.0.1:${front.port}/away`, auth, conditions: ['has([BODY].authorization) == false'] });
    expect(other.status).toBe('up');
    const same = await run({ url: `http://127.0.0.1:${front.port}/same`, auth, conditions: ['[BODY].authorization == Bearer tok'] });
    expect(same.status).toBe('up');
  });
});

describe('http check: targets that misbehave', () => {
  it('reads an endless body up to the cap and says it was cut', async () => {
    const server = await serve((_req, res) => {
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const pump = () => {
        while (!res.destroyed && res.write(chunk)) {}
      };
      res.on('drain', pump);
      pump();
    });
    const outcome = await run({
      url: `http://127.0.0.1:${server.port}/`,
      maxBodyBytes: 100_000,
      conditions: ['[STATUS] == 200', 'len([BODY]) == 100000'],
    });
    expect(outcome.status).toBe('up');
    expect(outcome.details).toMatchObject({ bodyBytes: 100_000, bodyTruncated: true });
    expect(outcome.message).toMatch(/body cut at 100000 bytes/);
  });

  it('stops a request that never gets an answer when its signal aborts', async () => {
    const silent = await startSilentServer();
    servers.push(silent);
    const timeout = new AbortController();
    setTimeout(() => timeout.abort(new CheckTimeoutError(200)), 200);
    const timedOut = await run({ url: `http://127.0.0.1:${silent.port}/` }, undefined, timeout.signal);
    expect(timedOut.status).toBe('down');
    expect(timedOut.message).toBe('Timed out: The check did not finish within 200 ms.');

    const removal = new AbortController();
    setTimeout(() => removal.abort(new CheckRemovedError()), 50);
    const removed = await run({ url: `http://127.0.0.1:${silent.port}/` }, undefined, removal.signal);
    expect(removed.status).toBe('unknown');
  });

  it('reports a refused connection and a failed DNS lookup clearly', async () => {
    const port = await closedPort();
    const refused = await run({ url: `http://127.0.0.1:${port}/` });
    expect(refused.status).toBe('down');
    expect(refused.message).toBe(`Connection refused by 127.0.0.1 port ${port}`);

    const check = httpCheck();
    const unresolved = await check.run(check.validate({ url: 'http://no-such-host.invalid/' }), new AbortController().signal);
    expect(unresolved.status).toBe('down');
    expect(unresolved.message).toMatch(/^DNS lookup (failed: no-such-host\.invalid has no address|of no-such-host\.invalid failed)/);
  });

  it('reports a connection closed in the middle of the body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const outcome = await run({ url: `http://127.0.0.1:${server.port}/` });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(/closed before the body ended/);
  });
});

describe('http check: TLS', () => {
  let dir: string;
  let tlsServer: TestServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'estate-http-check-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '30',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) =>
      res.end('secure'),
    );
    tlsServer = await listen(server);
  });

  afterAll(async () => {
    await tlsServer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails on a certificate it cannot verify, naming the TLS problem', async () => {
    const outcome = await run({ url: `https://127.0.0.1:${tlsServer.port}/` });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(/^TLS error with 127\.0\.0\.1: .*self-signed certificate.* \(DEPTH_ZERO_SELF_SIGNED_CERT\)$/);
  });

  it('measures TLS and the certificate expiry when verification is off', async () => {
    const url = `https://localhost:${tlsServer.port}/`;
    const policy = policyWithNames({ localhost: ['127.0.0.1'] });
    const outcome = await run(
      { url, verifyTls: false, conditions: ['[BODY] == secure', '[CERTIFICATE_EXPIRATION] > 29d', '[CERTIFICATE_EXPIRATION] < 31d'] },
      policy,
    );
    expect(outcome.conditions.filter((c) => !c.passed)).toEqual([]);
    const timings = outcome.details.timings as Record<string, number | undefined>;
    expect(timings.tlsMs).toBeGreaterThanOrEqual(0);

    const soon = await run({ url, verifyTls: false, conditions: ['[CERTIFICATE_EXPIRATION] > 60d'] }, policy);
    expect(soon.status).toBe('down');
    expect(soon.message).toMatch(/^Condition failed: \[CERTIFICATE_EXPIRATION\] \(.+\) > 60d$/);
  });
});

describe('http check: configuration', () => {
  const check = httpCheck();
  const refusal = (config: unknown) => {
    try {
      check.validate(config);
    } catch (err) {
      if (err instanceof CheckConfigError) return err.field;
      throw err;
    }
    return 'accepted';
  };

  it('refuses what it cannot run, naming the field', () => {
    expect(refusal({ url: 'not a url' })).toBe('url');
    expect(refusal({ url: 'ftp://example.com/' })).toBe('url');
    expect(refusal({ url: 'http://user:pw@example.com/' })).toBe('url');
    expect(refusal({ url: 'http://example.com/', method: 'BREW' })).toBe('method');
    expect(refusal({ url: 'http://example.com/', headers: { 'bad header': 'x' } })).toBe('headers.bad header');
    expect(refusal({ url: 'http://example.com/', body: 'x' })).toBe('body');
    expect(refusal({ url: 'http://example.com/', auth: { type: 'basic', username: 'a' } })).toBe('auth');
    expect(refusal({ url: 'http://example.com/', maxBodyBytes: 1e9 })).toBe('maxBodyBytes');
    expect(refusal({ url: 'http://example.com/', conditions: ['[STATUS] == 200', '[DNS_RCODE] == NOERROR'] })).toBe('conditions[1]');
    expect(refusal({ url: 'http://example.com/' })).toBe('accepted');
  });

  it('fills the defaults', () => {
    expect(check.validate({ url: 'http://example.com' })).toMatchObject({
      url: 'http://example.com/',
      method: 'GET',
      followRedirects: true,
      maxRedirects: 5,
      maxBodyBytes: 1024 * 1024,
      verifyTls: true,
      conditionSources: ['[STATUS] < 400'],
    });
  });
});
