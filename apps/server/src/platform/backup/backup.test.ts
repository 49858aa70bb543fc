import { existsSync } from 'node:fs';
import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsFor } from '../../migrations';
import { AuditLog } from '../audit/audit-log';
import { readJson } from '../db/database';
import { type TestDatabase, type TestEngine, testEngines } from '../db/test-databases';
import { FIXTURE, fillEveryTable } from './backup-fixtures';
import { backup, restore, tableChecksums, verifyBackup } from './index';

const engines = testEngines();
const created: TestDatabase[] = [];

async function fresh(engine: TestEngine, options?: { migrate?: boolean }): Promise<TestDatabase> {
  const database = await engine.create(options);
  created.push(database);
  return database;
}

afterAll(async () => {
  for (const database of created) await database.cleanup();
});

/** Reads back the values most likely to be bent on the way, through the same queries the app uses. */
async function expectFixtureValues(database: TestDatabase): Promise<void> {
  const admin = await database.db.selectFrom('users').selectAll().where('id', '=', FIXTURE.adminId).executeTakeFirstOrThrow();
  expect(admin.last_login_at).toBe(Number.MAX_SAFE_INTEGER);
  expect(admin.disabled_at).toBeNull();
  const unicode = await database.db
    .selectFrom('users')
    .select(['name', 'email'])
    .where('id', '=', FIXTURE.unicodeUserId)
    .executeTakeFirstOrThrow();
  expect(unicode).toEqual({ name: '李小龍 🐉 Zoë עברית e\u0301', email: 'zoë@例え.jp' });
  const token = await database.db
    .selectFrom('api_tokens')
    .select(['scopes', 'expires_at'])
    .where('id', '=', FIXTURE.tokenId)
    .executeTakeFirstOrThrow();
  expect(readJson(token.scopes)).toEqual(FIXTURE.scopes);
  expect(token.expires_at).toBe(FIXTURE.maxDateMs);
  const throttle = await sql<{
    v: string;
  }>`select cast(locked_until as text) as v from login_throttle where key = ${FIXTURE.throttleKey}`.execute(database.db);
  expect(throttle.rows[0]?.v).toBe(FIXTURE.hugeInteger.toString());
  const job = await sql<{ sqlNull: number | boolean }>`select result is null as "sqlNull" from jobs where id = 'job-1'`.execute(
    database.db,
  );
  // JSON null stays a JSON value, not SQL NULL.
  expect(Number(job.rows[0]?.sqlNull)).toBe(0);
  const verification = await new AuditLog(database).verify();
  expect(verification).toMatchObject({ ok: true, checked: 3 });
}

describe.each(engines.map((e) => [e.dialect, e] as const))('backup on %s', (_dialect, engine) => {
  it('round-trips every table: same rows, same checksums, same values', async () => {
    const source = await fresh(engine);
    await fillEveryTable(source);
    const original = await tableChecksums(source);
    for (const [table, checksum] of Object.entries(original)) {
      expect(checksum.rows, `table ${table} is empty: give it rows in backup-fixtures.ts`).toBeGreaterThan(0);
    }
    expect(Object.keys(original)).toContain('audit_events');
    expect(Object.keys(original)).not.toContain('estate_migrations');

    const file = path.join(source.dataDir, 'estate.backup.gz');
    const summary = await backup(source, file);
    expect(summary.tables).toEqual(original);
    expect(summary.bytes).toBeGreaterThan(0);
    expect(existsSync(`${file}.partial`)).toBe(false);
    const verified = await verifyBackup(file);
    expect(verified).toMatchObject({ tables: original, bytes: summary.bytes });
    expect(verified.header).toMatchObject({
      format: 'estate-backup',
      version: 1,
      dialect: engine.dialect,
      migrations: Object.keys(migrationsFor(engine.dialect)),
    });
    // Parents before children, so foreign keys hold at every insert.
    const order = verified.header.tables.map((t) => t.name);
    expect(order.indexOf('users')).toBeLessThan(order.indexOf('sessions'));
    expect(order.indexOf('users')).toBeLessThan(order.indexOf('api_tokens'));

    const target = await fresh(engine);
    const restored = await restore(target, file);
    expect(restored.tables).toEqual(original);
    expect(restored.migrated).toEqual([]);
    expect(await tableChecksums(target)).toEqual(original);
    await expectFixtureValues(target);

    // The comparison is sharp: one changed value changes exactly its table's checksum.
    await target.db.updateTable('users').set({ name: 'Eve' }).where('id', '=', FIXTURE.bareUserId).execute();
    const changed = await tableChecksums(target);
    expect(changed.users?.rows).toBe(original.users?.rows);
    expect(changed.users?.sha256).not.toBe(original.users?.sha256);
    expect({ ...changed, users: null }).toEqual({ ...original, users: null });
  });

  it('takes a consistent snapshot while another loop keeps committing pairs of rows', async () => {
    const source = await fresh(engine);
    const seeded = 3000;
    const pair = (n: number) => ({
      job: {
        id: `pair-${String(n).padStart(6, '0')}`,
        queue: 'q',
        payload: '{}',
        status: 'queued',
        max_attempts: 1,
        run_at: n,
        created_at: n,
        updated_at: n,
      },
      event: { id: `pair-${String(n).padStart(6, '0')}`, topic: 'pair', payload: `{"n":${n}}`, created_at: n },
    });
    for (let start = 0; start < seeded; start += 500) {
      const pairs = Array.from({ length: 500 }, (_, i) => pair(start + i));
      await source.db
        .insertInto('jobs')
        .values(pairs.map((p) => p.job))
        .execute();
      await source.db
        .insertInto('outbox')
        .values(pairs.map((p) => p.event))
        .execute();
    }
    // Each pair commits in one transaction: a job row and its outbox row, read by the backup at different times.
    let committed = seeded;
    let stop = false;
    const writer = (async () => {
      // Bounded, in case a broken backup never finishes; and each pair waits a turn, as requests arriving over
      // sockets would (better-sqlite3 resolves promptly, so an unbroken await chain would starve the backup).
      while (!stop && committed < seeded + 50_000) {
        await nextTurn();
        const p = pair(committed);
        await source.db.transaction().execute(async (trx) => {
          await trx.insertInto('jobs').values(p.job).execute();
          await trx.insertInto('outbox').values(p.event).execute();
        });
        committed++;
      }
    })();
    let atFirstProgress: number | null = null;
    const file = path.join(source.dataDir, 'concurrent.backup.gz');
    const summary = await backup(source, file, {
      onProgress: () => {
        atFirstProgress ??= committed;
      },
    });
    const atEnd = committed;
    stop = true;
    await writer;

    // Pairs were committed while the backup was reading, so a torn snapshot would show.
    expect(atFirstProgress).not.toBeNull();
    expect(atEnd).toBeGreaterThan(atFirstProgress!);
    const target = await fresh(engine);
    await restore(target, file);
    const jobs = (await target.db.selectFrom('jobs').select('id').execute()).map((r) => r.id).sort();
    const events = (await target.db.selectFrom('outbox').select('id').execute()).map((r) => r.id).sort();
    expect(jobs.length).toBeGreaterThanOrEqual(seeded);
    expect(events).toEqual(jobs);
    expect(summary.tables.jobs?.rows).toBe(jobs.length);
    // The snapshot ends where it began: rows committed later are not in it.
    expect(jobs.length).toBeLessThan(committed);
  });

  it('restores into a store that was never migrated, migrating it first', async () => {
    const source = await fresh(engine);
    await fillEveryTable(source);
    const file = path.join(source.dataDir, 'estate.backup.gz');
    const summary = await backup(source, file);
    const target = await fresh(engine, { migrate: false });
    await restore(target, file);
    expect(await tableChecksums(target)).toEqual(summary.tables);
    const migrations = await target.db.selectFrom('estate_migrations').select('name').execute();
    expect(migrations.map((m) => m.name)).toEqual(Object.keys(migrationsFor(engine.dialect)));
  });
});

describe('backup across engines', () => {
  const pairs = engines.flatMap((from) =>
    engines.filter((to) => to !== from).map((to) => [`${from.dialect} → ${to.dialect}`, from, to] as const),
  );
  if (pairs.length === 0) {
    it.skip('needs both engines (set ESTATE_TEST_DATABASE_URL)', () => {});
    return;
  }
  it.each(pairs)('restores a backup taken on %s', async (_name, from, to) => {
    const source = await fresh(from);
    await fillEveryTable(source);
    const original = await tableChecksums(source);
    const file = path.join(source.dataDir, 'cross.backup.gz');
    expect((await backup(source, file)).tables).toEqual(original);
    const target = await fresh(to);
    await restore(target, file);
    expect(await tableChecksums(target)).toEqual(original);
    await expectFixtureValues(target);
  });
});
