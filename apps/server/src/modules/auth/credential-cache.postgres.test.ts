import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { createEstate, type Estate } from '../../app';
import type { PgChangeFeed } from '../../platform/db/change-feed';
import { openDatabase } from '../../platform/db/database';
import { eventually } from '../../platform/db/test-databases';

const postgres = testEngines().find((e) => e.dialect === 'postgres');

/**
 * Two Estate processes on one PostgreSQL schema (two stores, two pools, two change feeds, as two hosts would have):
 * credentials that one of them has cached stop working there as soon as anyone, anywhere, changes them.
 */
describe.runIf(postgres)('cached credentials across processes on PostgreSQL', () => {
  let a: TestEstate;
  let b: Estate;
  let sql: pg.Client;

  beforeEach(async () => {
    a = await createTestEstate(postgres!);
    b = await createEstate(a.config, await openDatabase({ databaseUrl: a.database.location, poolSize: 2 }), { logger: false });
    sql = new pg.Client({ connectionString: a.database.location });
    await sql.connect();
    await eventually(() => Boolean(a.estate.database.changes?.live));
  });

  afterEach(async () => {
    await sql.end();
    await b.close();
    await a.close();
  });

  /** A token of a new admin's, already resolved (and so cached) by process A. */
  async function cachedToken(): Promise<{ id: string; bearer: Record<string, string>; userId: string }> {
    const admin = await a.setupAdmin().catch(() => a.userWithRole('admin'));
    const created = (await admin.request('POST', '/api/v1/tokens', { name: 'cached', scopes: ['self', 'users:read'] })).json();
    const bearer = { authorization: `Bearer ${created.token}` };
    expect(await status(bearer)).toBe(200); // notes the first use, whose notification drops the entry again
    await settled();
    expect(await status(bearer)).toBe(200); // read once more, and now kept
    return { id: created.apiToken.id, bearer, userId: created.apiToken.userId ?? admin.me!.user.id };
  }

  /** Returns once A's feed has delivered every notification committed so far (they arrive in commit order). */
  async function settled(): Promise<void> {
    const marker = `marker-${Math.random()}`;
    let seen = false;
    const unsubscribe = a.estate.database.changes!.subscribe('estate_auth', { message: (p) => (seen ||= p === marker), reset() {} });
    try {
      await sql.query('select pg_notify($1, $2)', ['estate_auth', marker]);
      await eventually(() => seen);
    } finally {
      unsubscribe();
    }
  }

  async function status(headers: Record<string, string>): Promise<number> {
    return (await a.anonymous().request('GET', '/api/v1/me', undefined, headers)).statusCode;
  }

  it('really answers from memory: a change the triggers do not announce goes unseen', async () => {
    const { bearer, id } = await cachedToken();
    await sql.query('alter table api_tokens disable trigger api_tokens_auth_notify');
    await sql.query('update api_tokens set revoked_at = 1 where id = $1', [id]);
    expect(await status(bearer)).toBe(200);
    await sql.query('alter table api_tokens enable trigger api_tokens_auth_notify');
    // Any announced change for the user drops the entry, and the revocation is then read from the store.
    await sql.query('update api_tokens set name = name where id = $1', [id]);
    await eventually(async () => (await status(bearer)) === 401);
  });

  it('refuses a token that another process revoked', async () => {
    const { bearer, id } = await cachedToken();
    const owner = (await b.auth.users.list({ limit: 10 })).items[0]!;
    const principal = { userId: owner.id, permissions: new Set(['tokens:write-all']) } as never;
    const ctx = { actor: { type: 'system' as const, id: null, label: 'test' }, requestId: null, sourceIp: null };
    await b.auth.tokens.revoke(principal, id, ctx);
    await eventually(async () => (await status(bearer)) === 401);
  });

  it('refuses a token whose owner was disabled by hand in the database', async () => {
    const { bearer, userId } = await cachedToken();
    await sql.query('update users set disabled_at = 1 where id = $1', [userId]);
    await eventually(async () => (await status(bearer)) === 401);
  });

  it('refuses a revoked token on the very next request in the process that revoked it', async () => {
    const admin = await a.setupAdmin();
    const created = (await admin.request('POST', '/api/v1/tokens', { name: 'mine', scopes: ['self'] })).json();
    const bearer = { authorization: `Bearer ${created.token}` };
    expect(await status(bearer)).toBe(200);
    expect(await status(bearer)).toBe(200);
    expect((await admin.request('DELETE', `/api/v1/tokens/${created.apiToken.id}`)).statusCode).toBe(204);
    expect(await status(bearer)).toBe(401);
  });

  it('refuses a session cookie once another process changed the user’s role', async () => {
    await a.setupAdmin();
    const viewer = await a.userWithRole('viewer');
    expect((await viewer.request('GET', '/api/v1/me')).statusCode).toBe(200);
    const { user, version } = await b.auth.users.get(viewer.me!.user.id);
    const ctx = { actor: { type: 'system' as const, id: null, label: 'test' }, requestId: null, sourceIp: null };
    await b.auth.users.update(user.id, { role: 'operator' }, version, null, ctx);
    await eventually(async () => (await viewer.request('GET', '/api/v1/me')).statusCode === 401);
  });

  it('goes to the store for every request while its feed is down', async () => {
    const { bearer, id } = await cachedToken();
    const feed = a.estate.database.changes as PgChangeFeed;
    const pid = feed.backendPid;
    expect(pid).toBeTypeOf('number');
    await sql.query('select pg_terminate_backend($1)', [pid]);
    await eventually(() => !feed.live);
    await sql.query('alter table api_tokens disable trigger api_tokens_auth_notify');
    await sql.query('update api_tokens set revoked_at = 1 where id = $1', [id]);
    await sql.query('alter table api_tokens enable trigger api_tokens_auth_notify');
    // Nobody announced the revocation: it is seen because nothing is answered from memory while the feed is down
    // (and, should it have reconnected already, because reconnecting drops everything).
    expect(await status(bearer)).toBe(401);
    await eventually(() => feed.live && feed.backendPid !== pid);
  });
});
