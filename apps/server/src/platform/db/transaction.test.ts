import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { HttpProblem } from '../http/problem';
import { isUniqueViolation } from './db-errors';
import { type TestDatabase, testEngines } from './test-databases';
import { withTransaction } from './transaction';

interface Tables {
  t_items: { id: string; name: string; note: string | null };
}

/** The error the database throws for `write`, or undefined when it succeeds. */
async function errorOf(write: () => Promise<unknown>): Promise<unknown> {
  try {
    await write();
    return undefined;
  } catch (error) {
    return error;
  }
}

for (const engine of testEngines()) {
  describe(`transactions and unique violations on ${engine.dialect}`, () => {
    let database: TestDatabase;
    let db: Kysely<Tables>;
    beforeAll(async () => {
      database = await engine.create({ migrate: false });
      db = database.db as Kysely<Tables>;
      await sql`create table t_items (id text primary key, name text not null, note text)`.execute(db);
      await sql`create unique index t_items_name on t_items (name)`.execute(db);
    });
    beforeEach(async () => {
      await db.deleteFrom('t_items').execute();
    });
    afterAll(() => database?.cleanup());

    const insert = (executor: Kysely<Tables>, id: string, name: string) =>
      executor.insertInto('t_items').values({ id, name, note: null }).execute();
    const names = async () => (await db.selectFrom('t_items').select('name').orderBy('name').execute()).map((r) => r.name);

    it('recognises a violated unique index and primary key, and nothing else', async () => {
      await insert(db, 'a', 'alpha');
      expect(isUniqueViolation(await errorOf(() => insert(db, 'b', 'alpha')))).toBe(true);
      expect(isUniqueViolation(await errorOf(() => insert(db, 'a', 'beta')))).toBe(true);
      const notNull = await errorOf(() => sql`insert into t_items (id, name) values ('c', null)`.execute(db));
      expect(notNull).toBeDefined();
      expect(isUniqueViolation(notNull)).toBe(false);
      expect(isUniqueViolation(new Error('boom'))).toBe(false);
      expect(isUniqueViolation(null)).toBe(false);
      expect(isUniqueViolation(undefined)).toBe(false);
    });

    it('opens its own transaction when given the database: commits on success, rolls back on a throw', async () => {
      await withTransaction(db, async (trx) => {
        expect(trx.isTransaction).toBe(true);
        await insert(trx, 'a', 'kept');
      });
      const failure = await errorOf(() =>
        withTransaction(db, async (trx) => {
          await insert(trx, 'b', 'undone');
          throw new Error('changed my mind');
        }),
      );
      expect((failure as Error).message).toBe('changed my mind');
      expect(await names()).toEqual(['kept']);
    });

    it('joins an open transaction: the inner work commits or rolls back with the outer one', async () => {
      const rolledBack = await errorOf(() =>
        db.transaction().execute(async (outer) => {
          await withTransaction(outer, async (inner) => {
            expect(inner).toBe(outer);
            await insert(inner, 'a', 'inner');
          });
          throw new Error('outer fails after the inner work');
        }),
      );
      expect((rolledBack as Error).message).toBe('outer fails after the inner work');
      expect(await names()).toEqual([]);
      await db.transaction().execute((outer) => withTransaction(outer, (inner) => insert(inner, 'b', 'committed')));
      expect(await names()).toEqual(['committed']);
    });

    it('maps a unique violation to a 409 problem when asked, and rethrows it untouched otherwise', async () => {
      await insert(db, 'a', 'taken');
      const mapped = await errorOf(() => withTransaction(db, (trx) => insert(trx, 'b', 'taken'), { conflict: 'The name is taken.' }));
      expect(mapped).toBeInstanceOf(HttpProblem);
      expect(mapped).toMatchObject({ status: 409, detail: 'The name is taken.' });
      const raw = await errorOf(() => withTransaction(db, (trx) => insert(trx, 'b', 'taken')));
      expect(isUniqueViolation(raw)).toBe(true);
      const other = await errorOf(() =>
        withTransaction(
          db,
          async () => {
            throw new Error('not a conflict');
          },
          { conflict: 'unused' },
        ),
      );
      expect(other).not.toBeInstanceOf(HttpProblem);
      const joined = await errorOf(() =>
        db.transaction().execute((outer) => withTransaction(outer, (inner) => insert(inner, 'c', 'taken'), { conflict: 'Taken inside.' })),
      );
      expect(joined).toMatchObject({ status: 409, detail: 'Taken inside.' });
      expect(await names()).toEqual(['taken']);
    });
  });
}
