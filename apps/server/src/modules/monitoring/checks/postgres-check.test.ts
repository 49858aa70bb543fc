import net from 'node:net';
import { CheckConfigError } from '@estate/checks/checks/check-executor';
import { closedPort, listen, policyWithNames, type TestServer } from '@estate/checks/checks/check-servers.fixtures';
import { CHECK_REFUSED_BY_DEFAULT } from '@estate/checks/checks/outbound-connection';
import { postgresCheck } from '@estate/checks/checks/postgres-check';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, tierRequired } from '../../../platform/db/test-databases';
import { CheckTimeoutError } from '../scheduler/check-run';

const url = process.env.ESTATE_TEST_DATABASE_URL;
if (!url && tierRequired('postgres')) throw new Error('ESTATE_TEST_REQUIRE includes postgres but ESTATE_TEST_DATABASE_URL is not set.');

const SECRET = 'Hunter2-secret-Pa55';

async function run(
  config: Record<string, unknown>,
  options: { secrets?: Record<string, string>; policy?: ReturnType<typeof policyWithNames>; signal?: AbortSignal } = {},
) {
  const check = postgresCheck(options.policy ?? policyWithNames({}));
  return check.run(check.validate(config, options.secrets), options.signal ?? new AbortController().signal);
}

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/**
 * A server that speaks just enough of PostgreSQL's protocol to ask for a cleartext password and refuse it with
 * 28P01, recording the passwords it was sent. The real server trusts loopback connections, so it never asks.
 */
async function passwordRefusingServer(): Promise<TestServer & { passwords: string[] }> {
  const passwords: string[] = [];
  const server = await listen(
    net.createServer((socket) => {
      let buf = Buffer.alloc(0);
      let startup = true;
      socket.on('data', (chunk: Buffer) => {
        buf = Buffer.concat([buf, chunk]);
        if (startup) {
          if (buf.length < 8 || buf.length < buf.readInt32BE(0)) return;
          buf = buf.subarray(buf.readInt32BE(0));
          startup = false;
          const ask = Buffer.alloc(9);
          ask.write('R', 0);
          ask.writeInt32BE(8, 1);
          ask.writeInt32BE(3, 5);
          socket.write(ask);
          return;
        }
        if (socket.writableEnded || buf.length < 5 || buf.length < 1 + buf.readInt32BE(1)) return;
        passwords.push(buf.toString('utf8', 5, buf.readInt32BE(1)).replace(/\0$/, ''));
        const fields = Buffer.from('SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user "watcher"\0\0');
        const error = Buffer.alloc(5);
        error.write('E', 0);
        error.writeInt32BE(4 + fields.length, 1);
        socket.end(Buffer.concat([error, fields]));
      });
    }),
  );
  servers.push(server);
  return Object.assign(server, { passwords });
}

describe('postgres check: configuration and login', () => {
  it('fills defaults and refuses a missing database or user, a bad port, tls mode or condition', () => {
    const check = postgresCheck();
    const field = (config: unknown) => {
      try {
        check.validate(config);
        return 'accepted';
      } catch (err) {
        if (err instanceof CheckConfigError) return err.field;
        throw err;
      }
    };
    expect(check.validate({ host: 'db1', database: 'app', user: 'watcher' }, { password: SECRET })).toMatchObject({
      port: 5432,
      query: 'select 1',
      tls: 'disable',
      password: SECRET,
      conditionSources: ['[CONNECTED] == true'],
    });
    expect(check.target(check.validate({ host: '::1', database: 'a', user: 'u' }))).toBe('[::1]:5432');
    expect(field({ host: 'db1', user: 'u' })).toBe('database');
    expect(field({ host: 'db1', database: 'a' })).toBe('user');
    expect(field({ host: 'db1', database: 'a', user: 'u', port: 0 })).toBe('port');
    expect(field({ host: 'db1', database: 'a', user: 'u', tls: 'prefer' })).toBe('tls');
    expect(field({ host: 'db1', database: 'a', user: 'u', conditions: ['[STATUS] == 200'] })).toBe('conditions[0]');
  });

  it('sends the password when asked, and a refused login names the cause without the password', async () => {
    const server = await passwordRefusingServer();
    const outcome = await run(
      { host: 'db.test', port: server.port, database: 'app', user: 'watcher' },
      { secrets: { password: SECRET }, policy: policyWithNames({ 'db.test': ['127.0.0.1'] }) },
    );
    expect(server.passwords).toEqual([SECRET]);
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe('PostgreSQL refused the login: password authentication failed for user "watcher" (SQLSTATE 28P01)');
    expect(JSON.stringify(outcome)).not.toContain(SECRET);
  });

  it('never connects to a destination the policy refuses', async () => {
    const server = await passwordRefusingServer();
    const policy = policyWithNames({ 'db.test': ['127.0.0.1'] }, new Set([...CHECK_REFUSED_BY_DEFAULT, 'loopback']));
    const outcome = await run({ host: 'db.test', port: server.port, database: 'app', user: 'watcher' }, { policy });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(/^The outbound policy refuses db\.test \(127\.0\.0\.1\): loopback/);
    expect(server.connections()).toBe(0);
  });

  it('is down on a refused port', async () => {
    const port = await closedPort();
    const outcome = await run({ host: '127.0.0.1', port, database: 'app', user: 'watcher' });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe(`Connection refused by 127.0.0.1 port ${port}`);
  });
});

describe.runIf(url)('postgres check against the real server', () => {
  const target = new URL(url ?? 'postgres://localhost/x');
  const base = {
    host: target.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(target.port || 5432),
    database: decodeURIComponent(target.pathname.slice(1)),
    user: decodeURIComponent(target.username || 'postgres'),
  };
  const secrets = target.password ? { password: decodeURIComponent(target.password) } : undefined;
  const admin = new pg.Client({ connectionString: url });
  const table = `estate_chk_${Date.now().toString(36)}`;

  beforeAll(async () => {
    await admin.connect();
  });
  afterAll(async () => {
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'estate-check'`);
    await admin.query(`drop table if exists ${table}`);
    await admin.end();
  });

  it('is up with the query result as [BODY], and down when the result does not match', async () => {
    const up = await run(
      { ...base, query: 'select 1', conditions: ['[CONNECTED] == true', '[BODY] == 1', '[IP] == 127.0.0.1'] },
      { secrets },
    );
    expect(up.conditions.filter((c) => !c.passed)).toEqual([]);
    expect(up.status).toBe('up');
    expect(up.message).toMatch(/^Logged in to .+ \(127\.0\.0\.1\); the query returned 1 rows in \d+ ms$/);
    expect(up.details).toMatchObject({ rows: 1, address: '127.0.0.1' });

    const text = await run({ ...base, query: "select 'replica' as role", conditions: ['[BODY] == primary'] }, { secrets });
    expect(text.status).toBe('down');
    expect(text.message).toBe('Condition failed: [BODY] (replica) == primary');
    const none = await run({ ...base, query: 'select 1 where false', conditions: ['[BODY] == 1'] }, { secrets });
    expect(none.message).toBe('Condition failed: [BODY] (absent) == 1');
  });

  it('is down on an unknown database, naming it', async () => {
    const outcome = await run({ ...base, database: 'estate_no_such_database' }, { secrets });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe('PostgreSQL refused the login: database "estate_no_such_database" does not exist (SQLSTATE 3D000)');
    expect(outcome.conditions[0]!.reason).toBe('[CONNECTED] (false) == true');
  });

  it('runs the query read-only: a write is refused and changes nothing', async () => {
    const outcome = await run({ ...base, query: `create table ${table} (x int)` }, { secrets });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe('Query failed: cannot execute CREATE TABLE in a read-only transaction (SQLSTATE 25006)');
    const exists = await admin.query('select to_regclass($1) as t', [table]);
    expect(exists.rows[0].t).toBeNull();
    // Even a query that commits and opens a transaction of its own stays read-only.
    const sneaky = await run({ ...base, query: `commit; begin; create table ${table} (x int)` }, { secrets });
    expect(sneaky.status).toBe('down');
    expect((await admin.query('select to_regclass($1) as t', [table])).rows[0].t).toBeNull();
  });

  it('follows the TLS mode: require fails on a server without TLS, works on one with it', async () => {
    const ssl = (await admin.query('show ssl')).rows[0].ssl as string;
    const outcome = await run({ ...base, tls: 'require' }, { secrets });
    if (ssl === 'on') expect(outcome.status).toBe('up');
    else expect(outcome.message).toBe(`PostgreSQL at ${base.host}:${base.port}: The server does not support SSL connections`);
  });

  it('stops a running query when its signal aborts', async () => {
    const stop = new AbortController();
    const running = run({ ...base, query: 'select pg_sleep(30)' }, { secrets, signal: stop.signal });
    await eventually(async () => {
      const found = await admin.query(
        `select count(*)::int as n from pg_stat_activity where application_name = 'estate-check' and query like '%pg_sleep(30)%' and state = 'active'`,
      );
      return found.rows[0].n > 0;
    });
    stop.abort(new CheckTimeoutError(2000));
    const outcome = await running;
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe('Timed out: The check did not finish within 2000 ms.');
  });
});
