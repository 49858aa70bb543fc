import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../src/platform/audit/audit-log';
import { openDatabase } from '../src/platform/db/database';
import { type EstateProcess, startEstate } from './fixtures/estate-process';
import { STRONG_PASSWORD, testEngines } from './harness';

/**
 * "A write acknowledged to a client survives kill -9 of the server": the real server runs as a child process, takes
 * a stream of concurrent writes, and is SIGKILLed the moment the Nth success arrives. Every write the client saw
 * acknowledged must be in the store afterwards, with its audit event, and the server must start again on the data.
 */

const ACKNOWLEDGED_BEFORE_KILL = 120;
const CONCURRENCY = 16;
const ADMIN = 'admin@example.org';

interface Acknowledged {
  kind: 'token' | 'user';
  id: string;
  secret?: string;
}

async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** A fresh store location for `dialect`: a data directory, plus a PostgreSQL schema of its own when needed. */
async function freshStore(dialect: 'sqlite' | 'postgres') {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'estate-durability-'));
  const base = process.env.ESTATE_TEST_DATABASE_URL;
  if (dialect === 'sqlite' || !base) {
    return { dataDir, databaseUrl: undefined, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  const schema = `durability_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    dataDir,
    databaseUrl: url.toString(),
    async cleanup() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP SCHEMA "${schema}" CASCADE`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

for (const engine of testEngines()) {
  describe(`durability on ${engine.dialect}`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    it('keeps every acknowledged write after kill -9, and starts again on the same data', { timeout: 120_000 }, async () => {
      const store = await freshStore(engine.dialect);
      cleanups.push(store.cleanup);
      const env: Record<string, string> = {
        ESTATE_DATA_DIR: store.dataDir,
        ESTATE_WEB_DIR: path.join(store.dataDir, 'no-web'),
        ESTATE_RATE_LIMIT: '1000000',
        ...(store.databaseUrl ? { DATABASE_URL: store.databaseUrl } : {}),
      };
      let server: EstateProcess = await startEstate(env, { cwd: store.dataDir, firstRun: true });
      cleanups.push(() => server.kill9());
      expect(server.setupToken, server.output()).toMatch(/^\S{8,}$/);

      const setup = await postJson(`${server.url}/api/v1/setup`, {
        token: server.setupToken,
        email: ADMIN,
        name: 'Admin',
        password: STRONG_PASSWORD,
      });
      expect(setup.status, await setup.clone().text()).toBe(201);
      const cookie = setup.headers
        .getSetCookie()
        .find((c) => c.startsWith('estate_session='))!
        .split(';')[0]!;
      const auth = { cookie, 'x-csrf-token': ((await setup.json()) as { csrfToken: string }).csrfToken };

      // Writers keep CONCURRENCY requests in flight; the Nth acknowledgement kills the server in the same tick.
      const acknowledged: Acknowledged[] = [];
      let killed = false;
      let inFlight = 0;
      let inFlightAtKill = 0;
      let issued = 0;
      const writer = async () => {
        while (!killed) {
          const i = issued++;
          const user = i % 12 === 0;
          inFlight++;
          try {
            const res = user
              ? await postJson(
                  `${server.url}/api/v1/users`,
                  { email: `user${i}@example.org`, name: `User ${i}`, role: 'viewer', password: STRONG_PASSWORD },
                  auth,
                )
              : await postJson(`${server.url}/api/v1/tokens`, { name: `token ${i}`, scopes: ['self'] }, auth);
            const body = (await res.json()) as { id: string; token: string; apiToken: { id: string } };
            if (res.status !== 201) throw new Error(`write ${i} answered ${res.status}: ${JSON.stringify(body)}`);
            // A success read after the kill was still sent by the server, so it counts as acknowledged too.
            acknowledged.push(user ? { kind: 'user', id: body.id } : { kind: 'token', id: body.apiToken.id, secret: body.token });
            if (!killed && acknowledged.length >= ACKNOWLEDGED_BEFORE_KILL) {
              killed = true;
              inFlightAtKill = inFlight - 1;
              server.child.kill('SIGKILL');
            }
          } catch (err) {
            if (!killed) throw err;
          } finally {
            inFlight--;
          }
        }
      };
      const results = await Promise.allSettled(Array.from({ length: CONCURRENCY }, writer));
      const failed = results.find((r) => r.status === 'rejected');
      expect(failed, String((failed as PromiseRejectedResult | undefined)?.reason)).toBeUndefined();
      await server.kill9();
      expect(server.child.signalCode).toBe('SIGKILL');
      expect(acknowledged.length).toBeGreaterThanOrEqual(ACKNOWLEDGED_BEFORE_KILL);
      expect(inFlightAtKill, 'the kill landed while writes were in flight').toBeGreaterThan(0);
      expect(acknowledged.some((a) => a.kind === 'user')).toBe(true);

      // Reopen the store directly, as the next process would.
      const database = await openDatabase({ databaseUrl: store.databaseUrl, dataDir: store.dataDir });
      try {
        const tokenIds = acknowledged.filter((a) => a.kind === 'token').map((a) => a.id);
        const userIds = acknowledged.filter((a) => a.kind === 'user').map((a) => a.id);
        const tokens = await database.db.selectFrom('api_tokens').select('id').where('id', 'in', tokenIds).execute();
        const users = await database.db.selectFrom('users').select('id').where('id', 'in', userIds).execute();
        expect(
          tokenIds.filter((id) => !tokens.some((r) => r.id === id)),
          'acknowledged tokens lost',
        ).toEqual([]);
        expect(
          userIds.filter((id) => !users.some((r) => r.id === id)),
          'acknowledged users lost',
        ).toEqual([]);
        // Each change committed with its audit event, and the chain is whole.
        const audited = await database.db
          .selectFrom('audit_events')
          .select('target_id')
          .where('action', 'in', ['token.create', 'user.create'])
          .where(
            'target_id',
            'in',
            acknowledged.map((a) => a.id),
          )
          .execute();
        expect(new Set(audited.map((r) => r.target_id)).size).toBe(acknowledged.length);
        expect(await new AuditLog(database).verify()).toMatchObject({ ok: true });
      } finally {
        await database.close();
      }

      server = await startEstate(env, { cwd: store.dataDir, firstRun: false });
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { status: string }).status).toBe('ready');
      const login = await postJson(`${server.url}/api/v1/auth/login`, { email: ADMIN, password: STRONG_PASSWORD });
      expect(login.status, await login.clone().text()).toBe(200);
      const secret = acknowledged.find((a) => a.secret)!.secret!;
      const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { user: { email: string } }).user.email).toBe(ADMIN);
      expect(server.output(), 'no setup token once an admin exists').not.toContain('setup token');
      await server.stop();
      expect(server.child.exitCode, server.output()).toBe(0);
    });
  });
}
