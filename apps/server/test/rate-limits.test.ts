import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEstate, type TestEstate, testEngines } from './harness';

/*
 * The API rate limit is a budget per signed-in user, per API token and per agent, so people behind one address (an
 * office NAT, a reverse proxy) do not share one; the web UI's files are not counted at all. Requests that fail to
 * authenticate are counted per address, and an address that fails too often is refused only for requests that do
 * not authenticate.
 */
const LIMIT = 20;

describe.each(testEngines().filter((engine) => engine.dialect === 'sqlite'))('rate limits ($name)', (engine) => {
  let t: TestEstate;

  beforeAll(async () => {
    t = await createTestEstate(engine, { rateLimitPerMinute: LIMIT, logLevel: 'error' });
  });
  afterAll(async () => t?.close());

  it('the web UI and its files are never rate limited; anonymous API requests are, per address', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'estate-web-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Estate</title>');
    writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    const served = await createTestEstate(engine, { rateLimitPerMinute: LIMIT, webDir: dir });
    try {
      const anonymous = served.anonymous();
      for (let i = 0; i < LIMIT * 2; i++) {
        for (const url of ['/', '/assets/app.js', '/inventory/some-id', '/healthz']) {
          expect((await anonymous.request('GET', url)).statusCode, `${url} #${i}`).toBe(200);
        }
      }
      const statuses: number[] = [];
      for (let i = 0; i <= LIMIT; i++) statuses.push((await anonymous.request('GET', '/api/v1/setup')).statusCode);
      expect(statuses.slice(0, LIMIT).every((status) => status === 200)).toBe(true);
      expect(statuses[LIMIT]).toBe(429);
    } finally {
      await served.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('each signed-in user and each API token has a budget of its own; past it, 429 with Retry-After', async () => {
    const admin = await t.setupAdmin();
    const viewer = await t.userWithRole('viewer');
    const created = await admin.request('POST', '/api/v1/tokens', { name: 'rate', scopes: ['inventory:read'] });
    expect(created.statusCode).toBe(201);
    const bearer = { authorization: `Bearer ${created.json().token}` };
    const anonymous = t.anonymous();

    let ok = 1; // the token's creation spent one of the admin's
    let refused = await admin.request('GET', '/api/v1/me');
    while (refused.statusCode === 200) {
      ok++;
      refused = await admin.request('GET', '/api/v1/me');
    }
    expect(ok).toBeLessThanOrEqual(LIMIT);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Same address, other principals: untouched by the admin's use.
    expect((await viewer.request('GET', '/api/v1/me')).statusCode).toBe(200);
    expect((await anonymous.request('GET', '/api/v1/cis', undefined, bearer)).statusCode).toBe(200);
    for (let i = 0; i < LIMIT; i++) await anonymous.request('GET', '/api/v1/cis', undefined, bearer);
    expect((await anonymous.request('GET', '/api/v1/cis', undefined, bearer)).statusCode).toBe(429);
    expect((await viewer.request('GET', '/api/v1/me')).statusCode).toBe(200);
  });

  it('an address that keeps failing to authenticate is refused, but credentials from it still work', async () => {
    const guesser = t.anonymous();
    const budget = Math.max(10, Math.ceil(LIMIT / 10));
    const wrong = { authorization: `Bearer estate_${'x'.repeat(40)}` };
    for (let i = 0; i < budget; i++) expect((await guesser.request('GET', '/api/v1/cis', undefined, wrong)).statusCode).toBe(401);
    const held = await guesser.request('GET', '/api/v1/cis', undefined, wrong);
    expect(held.statusCode).toBe(429);
    expect(held.json().title).toBe('Too many failed authentications');
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
    expect((await guesser.request('GET', '/api/v1/cis')).statusCode).toBe(429);
    // A user signing in from the same address is let through (sign-in has its own throttle).
    const operator = await t.userWithRole('operator');
    expect((await operator.request('GET', '/api/v1/me')).statusCode).toBe(200);
  });
});
