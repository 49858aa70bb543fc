import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { createEstate, createLogger, type Estate } from '../../app';

// What is logged does not depend on the engine: the embedded one is enough.
const [engine] = testEngines();

describe('request logging and the API docs page', () => {
  let t: TestEstate;
  let logged: Estate;
  const lines: string[] = [];
  /** The JSON records written since the last call. */
  const take = () =>
    lines.splice(0).flatMap((chunk) =>
      chunk
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    );

  beforeAll(async () => {
    t = await createTestEstate(engine!);
    const webDir = path.join(t.config.dataDir, 'web');
    mkdirSync(path.join(webDir, 'assets'), { recursive: true });
    writeFileSync(path.join(webDir, 'index.html'), '<!doctype html><title>Estate</title>');
    writeFileSync(path.join(webDir, 'assets', 'app.js'), 'console.log(1)');
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    // The same store behind a second Estate that serves a web UI and logs at info, as by default.
    logged = await createEstate({ ...t.config, webDir }, t.database, { logger: createLogger('info', sink) });
  });
  afterAll(async () => {
    await logged?.close();
    await t?.close();
  });

  it('logs nothing at info for the web UI, its files and health probes', async () => {
    take();
    for (const url of ['/', '/assets/app.js', '/inventory/some-id', '/setup?token=abcdef', '/healthz', '/api/docs']) {
      const res = await logged.http.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeLessThan(400);
    }
    expect(take()).toEqual([]);
  });

  it('logs one line per API request with method, path, status and time, and no query string, token or cookie', async () => {
    take();
    const res = await logged.http.inject({
      method: 'GET',
      url: '/api/v1/auth/session?token=query-secret-123',
      headers: { cookie: 'estate_session=cookie-secret-456', authorization: 'Bearer bearer-secret-789' },
    });
    expect(res.statusCode).toBe(200);
    const records = take();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 30, method: 'GET', path: '/api/v1/auth/session', status: 200, ms: expect.any(Number) });
    expect(records[0].msg).toMatch(/^GET \/api\/v1\/auth\/session 200 /);
    const text = JSON.stringify(records);
    for (const secret of ['query-secret-123', 'cookie-secret-456', 'bearer-secret-789']) expect(text).not.toContain(secret);

    const refused = await logged.http.inject({ method: 'GET', url: '/api/v1/users' });
    expect(refused.statusCode).toBe(401);
    expect(take()).toMatchObject([{ level: 30, path: '/api/v1/users', status: 401 }]);
  });

  it('logs the route pattern, not the token, for capability URLs (push pings, signed action links)', async () => {
    take();
    for (const url of ['/api/v1/push/push-capability-0123456789abcdef', '/api/v1/alerting/actions/link-capability-abcdef.0123']) {
      await logged.http.inject({ method: 'GET', url });
    }
    const records = take();
    expect(records.map((r) => r.path)).toEqual(['/api/v1/push/:token', '/api/v1/alerting/actions/:token']);
    const text = JSON.stringify(records);
    expect(text).not.toContain('push-capability');
    expect(text).not.toContain('link-capability');
  });

  it('logs static files at debug when asked for', async () => {
    const debugLines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        debugLines.push(String(chunk));
        done();
      },
    });
    const verbose = await createEstate({ ...t.config, webDir: path.join(t.config.dataDir, 'web') }, t.database, {
      logger: createLogger('debug', sink),
    });
    try {
      await verbose.http.inject({ method: 'GET', url: '/assets/app.js' });
      const records = debugLines.flatMap((c) =>
        c
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l)),
      );
      expect(records.filter((r) => r.path === '/assets/app.js')).toMatchObject([{ level: 20, status: 200 }]);
    } finally {
      await verbose.close();
    }
  });

  it('brands the API docs as Estate: page title, icon and logo, no Swagger UI title', async () => {
    const page = await logged.http.inject({ method: 'GET', url: '/api/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>Estate API</title>');
    expect(page.body).not.toContain('Swagger UI');
    expect(page.body).toContain('/api/docs/static/theme/favicon.svg');
    expect(page.body).not.toContain('favicon-32x32.png');
    const icon = await logged.http.inject({ method: 'GET', url: '/api/docs/static/theme/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.body).toContain('<title>Estate</title>');
    const init = await logged.http.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' });
    expect(init.statusCode).toBe(200);
    const logo = /data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(init.body)?.[1];
    expect(Buffer.from(logo ?? '', 'base64').toString('utf8')).toContain('Estate API');
  });
});
