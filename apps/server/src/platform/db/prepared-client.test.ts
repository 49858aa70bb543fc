import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PreparingClient, reusePlan } from './prepared-client';
import { type TestDatabase, testEngines } from './test-databases';

const postgres = testEngines().find((e) => e.dialect === 'postgres');

describe.runIf(postgres)('named prepared statements on PostgreSQL', () => {
  let store: TestDatabase;
  let pool: pg.Pool;
  let other: pg.Client;

  beforeEach(async () => {
    store = await postgres!.create({ migrate: false });
    // One connection, so every statement below runs on the session whose prepared statements we read.
    pool = new pg.Pool({ connectionString: store.location, max: 1, Client: PreparingClient, preparedStatements: 3 } as pg.PoolConfig);
    other = new pg.Client({ connectionString: store.location });
    await other.connect();
    await other.query('create table things (id int primary key, name text)');
    await other.query("insert into things values (1, 'one'), (2, 'two')");
  });

  afterEach(async () => {
    await other.end();
    await pool.end();
    await store.cleanup();
  });

  /** The statements this session holds on the server, by SQL text. */
  async function prepared(): Promise<string[]> {
    const { rows } = await pool.query('select statement from pg_prepared_statements order by prepare_time');
    return rows.map((r: { statement: string }) => r.statement);
  }

  it('parses a marked statement once and reuses it', async () => {
    const text = reusePlan('select name from things where id = $1');
    expect((await pool.query(text, [1])).rows).toEqual([{ name: 'one' }]);
    expect((await pool.query(text, [2])).rows).toEqual([{ name: 'two' }]);
    expect(await prepared()).toEqual([text]);
  });

  it('leaves DDL, unparameterised and very wide statements unnamed', async () => {
    await pool.query('select count(*) from things');
    await pool.query('create index things_name_idx on things (name)');
    const wide = Array.from({ length: 65 }, (_, i) => `$${i + 1}`).join(', ');
    await pool.query(
      `select id from things where id in (${wide})`,
      Array.from({ length: 65 }, (_, i) => i),
    );
    expect(await prepared()).toEqual([]);
  });

  it('keeps at most its limit, deallocating the least recently used, and prepares an evicted statement again', async () => {
    const texts = [1, 2, 3, 4].map((n) => reusePlan(`select name, ${n} as n from things where id = $1`));
    for (const text of texts.slice(0, 3)) await pool.query(text, [1]);
    await pool.query(texts[0]!, [1]); // the first is now the most recent
    await pool.query(texts[3]!, [1]); // evicts the second
    expect((await prepared()).sort()).toEqual([texts[0], texts[2], texts[3]].sort());
    expect((await pool.query(texts[1]!, [2])).rows).toEqual([{ name: 'two', n: 2 }]);
    expect(await prepared()).toHaveLength(3);
  });

  it('survives a table changing shape under a prepared `select *` outside a transaction', async () => {
    const text = reusePlan('select * from things where id = $1');
    await pool.query(text, [1]);
    await other.query('alter table things add column colour text');
    await other.query("update things set colour = 'red' where id = 1");
    expect((await pool.query(text, [1])).rows).toEqual([{ id: 1, name: 'one', colour: 'red' }]);
  });

  it('fails the statement inside a transaction, then recovers once it is over', async () => {
    const text = reusePlan('select *, 1 as one from things where id = $1');
    await pool.query(text, [1]);
    await other.query('alter table things add column colour text');
    const client = await pool.connect();
    try {
      await client.query('begin');
      await expect(client.query(text, [1])).rejects.toThrow(/cached plan must not change result type/);
      await client.query('rollback');
      expect((await client.query(text, [2])).rows).toEqual([{ id: 2, name: 'two', colour: null, one: 1 }]);
    } finally {
      client.release();
    }
  });
});
