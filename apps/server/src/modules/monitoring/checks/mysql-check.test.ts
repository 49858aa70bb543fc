import { randomBytes } from 'node:crypto';
import { CheckConfigError } from '@estate/checks/checks/check-executor';
import { closedPort, policyWithNames } from '@estate/checks/checks/check-servers.fixtures';
import { mysqlCheck } from '@estate/checks/checks/mysql-check';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../platform/db/test-databases';
import { CheckTimeoutError } from '../scheduler/check-run';
import { serviceTier } from './database-tier.fixtures';

const HOST = '127.0.0.1';
const PORT = 3306;
const runs = await serviceTier('MariaDB/MySQL', HOST, PORT);

async function run(config: Record<string, unknown>, options: { secrets?: Record<string, string>; signal?: AbortSignal } = {}) {
  const check = mysqlCheck(policyWithNames({ 'db.test': [HOST] }));
  return check.run(check.validate(config, options.secrets), options.signal ?? new AbortController().signal);
}

describe('mysql check: configuration', () => {
  it('fills defaults and refuses a missing user or a bad port', () => {
    const check = mysqlCheck();
    expect(check.validate({ host: 'db1', user: 'u' }, { password: 'p' })).toMatchObject({ port: 3306, query: 'select 1', password: 'p' });
    expect(() => check.validate({ host: 'db1' })).toThrow(CheckConfigError);
    expect(() => check.validate({ host: 'db1', user: 'u', port: 'x' })).toThrow(/^port: /);
  });

  it('is down on a refused port', async () => {
    const port = await closedPort();
    const outcome = await run({ host: HOST, port, user: 'u' });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe(`Connection refused by 127.0.0.1 port ${port}`);
  });
});

describe.runIf(runs)('mysql check against the real MariaDB/MySQL', () => {
  const tag = randomBytes(4).toString('hex');
  const user = `estate_chk_${tag}`;
  const database = `estate_chk_${tag}`;
  const password = `Pw-${randomBytes(8).toString('hex')}`;
  let admin: mysql.Connection;

  beforeAll(async () => {
    admin = await mysql.createConnection({ host: HOST, port: PORT, user: 'root', password: '' });
    await admin.query(`CREATE DATABASE ${database}`);
    await admin.query(`CREATE TABLE ${database}.t (x INT) ENGINE=InnoDB`);
    await admin.query(`INSERT INTO ${database}.t VALUES (42)`);
    await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    await admin.query(`GRANT ALL ON ${database}.* TO '${user}'@'%'`);
  });
  afterAll(async () => {
    if (!admin) return;
    const [sleepers] = await admin.query(`SELECT id FROM information_schema.processlist WHERE user = ?`, [user]);
    for (const row of sleepers as { id: number }[]) await admin.query(`KILL ${Number(row.id)}`).catch(() => {});
    await admin.query(`DROP USER IF EXISTS '${user}'@'%'`);
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.end();
  });

  const base = () => ({ host: 'db.test', port: PORT, user, database });

  it('is up with the query result as [BODY] through a resolved name', async () => {
    const up = await run(
      { ...base(), query: 'select x from t', conditions: ['[CONNECTED] == true', '[BODY] == 42', '[IP] == 127.0.0.1'] },
      { secrets: { password } },
    );
    expect(up.conditions.filter((c) => !c.passed)).toEqual([]);
    expect(up.status).toBe('up');
    expect(up.message).toMatch(
      new RegExp(`^Logged in to ${database} on db\\.test:3306 \\(127\\.0\\.0\\.1\\); the query returned 1 rows in \\d+ ms$`),
    );
    const wrong = await run({ ...base(), query: 'select x from t', conditions: ['[BODY] == 41'] }, { secrets: { password } });
    expect(wrong.message).toBe('Condition failed: [BODY] (42) == 41');
  });

  it('is down on a wrong password, with the cause and without the password', async () => {
    const wrongPassword = `${password}-wrong`;
    const outcome = await run(base(), { secrets: { password: wrongPassword } });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(
      new RegExp(
        `^The server refused the login: Access denied for user '${user}'@'[^']+' \\(using password: YES\\) \\(ER_ACCESS_DENIED_ERROR 1045\\)$`,
      ),
    );
    expect(JSON.stringify(outcome)).not.toContain(wrongPassword);
    expect(outcome.conditions[0]!.reason).toBe('[CONNECTED] (false) == true');
  });

  it('is down on an unknown database', async () => {
    const outcome = await run({ ...base(), database: 'estate_no_such_database' }, { secrets: { password } });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(/^The server refused the login: .*'estate_no_such_database'/);
  });

  it('runs the query read-only: a write is refused and changes nothing', async () => {
    const outcome = await run({ ...base(), query: 'insert into t values (1)' }, { secrets: { password } });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(
      /^Query failed: Cannot execute statement in a READ ONLY transaction.*\(ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION 1792\)$/,
    );
    const [rows] = await admin.query(`SELECT COUNT(*) AS n FROM ${database}.t`);
    expect((rows as { n: number }[])[0]!.n).toBe(1);
  });

  it('stops a running query when its signal aborts', async () => {
    const stop = new AbortController();
    const running = run({ ...base(), query: 'select sleep(30)' }, { secrets: { password }, signal: stop.signal });
    await eventually(async () => {
      const [rows] = await admin.query(
        `SELECT COUNT(*) AS n FROM information_schema.processlist WHERE user = ? AND info LIKE 'select sleep(30)%'`,
        [user],
      );
      return Number((rows as { n: number }[])[0]!.n) > 0;
    });
    stop.abort(new CheckTimeoutError(2000));
    const outcome = await running;
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe('Timed out: The check did not finish within 2000 ms.');
  });
});
