import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type Migration, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsFor } from '../../migrations';
import { migrateToLatest } from '../db/migrate';
import { type TestDatabase, type TestEngine, testEngines } from '../db/test-databases';
import { FIXTURE, fillEveryTable } from './backup-fixtures';
import { BackupError, backup, restore, tableChecksums, verifyBackup } from './index';

const created: TestDatabase[] = [];

async function fresh(engine: TestEngine, options?: { migrate?: boolean }): Promise<TestDatabase> {
  const database = await engine.create(options);
  created.push(database);
  return database;
}

afterAll(async () => {
  for (const database of created) await database.cleanup();
});

/** Writes a copy of a backup with its lines changed by `edit`, gzip'd properly so only the content is wrong. */
function rewrite(from: string, to: string, edit: (lines: string[]) => string[]): string {
  const lines = gunzipSync(readFileSync(from)).toString('utf8').split('\n');
  writeFileSync(to, gzipSync(edit(lines).join('\n')));
  return to;
}

async function expectEmpty(database: TestDatabase): Promise<void> {
  const checksums = await tableChecksums(database);
  expect(Object.keys(checksums).length).toBeGreaterThan(5);
  expect(Object.values(checksums).map((c) => c.rows)).toEqual(Object.values(checksums).map(() => 0));
}

async function expectRefused(promise: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BackupError);
  expect(err).toMatchObject({ code });
  expect((err as Error).message).toMatch(message);
}

describe.each(testEngines().map((e) => [e.dialect, e] as const))('restore on %s refuses', (_dialect, engine) => {
  let good = '';
  let dir = '';
  // One store takes every refused restore in turn: each must leave it as empty as it found it.
  let target: TestDatabase;

  beforeAll(async () => {
    const source = await fresh(engine);
    await fillEveryTable(source);
    dir = source.dataDir;
    good = path.join(dir, 'good.backup.gz');
    await backup(source, good);
    target = await fresh(engine);
  });

  it('a store that has rows, and changes nothing in it', async () => {
    const target = await fresh(engine);
    await target.db.insertInto('system_state').values({ key: 'mine', value: 'keep me', updated_at: 1 }).execute();
    const before = await tableChecksums(target);
    await expectRefused(restore(target, good), 'not-empty', /not empty \(table system_state has rows\)/);
    expect(await tableChecksums(target)).toEqual(before);
  });

  it('a truncated file, leaving the store empty', async () => {
    const bytes = readFileSync(good);
    const truncated = path.join(dir, 'truncated.backup.gz');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.8)));
    await expectRefused(restore(target, truncated), 'truncated', /truncated|incomplete/);
    await expectEmpty(target);
    await expectRefused(verifyBackup(truncated), 'truncated', /incomplete/);
  });

  it('a file cut at a line boundary (no trailer), after inserting its rows, leaving the store empty', async () => {
    const noTrailer = rewrite(good, path.join(dir, 'no-trailer.backup.gz'), (lines) => lines.filter((l) => !l.startsWith('{"end":')));
    const inserted: number[] = [];
    await expectRefused(restore(target, noTrailer, { onProgress: (p) => inserted.push(p.rows) }), 'truncated', /ends before its trailer/);
    // Rows were written before the missing trailer was found; the transaction took them back.
    expect(inserted.length).toBeGreaterThan(0);
    await expectEmpty(target);
  });

  it('a row changed after the backup was written, leaving the store empty', async () => {
    const tampered = rewrite(good, path.join(dir, 'tampered.backup.gz'), (lines) =>
      lines.map((l) => (l.startsWith('{"t":"users"') ? l.replace('Ada Admin', 'Eve Admin') : l)),
    );
    await expectRefused(restore(target, tampered), 'corrupt', /rows of table users do not match their checksum/);
    await expectEmpty(target);
    await expectRefused(verifyBackup(tampered), 'corrupt', /users/);
  });

  it('a row count that does not match the trailer', async () => {
    const dropped = rewrite(good, path.join(dir, 'dropped.backup.gz'), (lines) => {
      const i = lines.findIndex((l) => l.startsWith('{"t":"sessions"'));
      return lines.filter((_, j) => j !== i);
    });
    await expectRefused(verifyBackup(dropped), 'corrupt', /table sessions has 1 rows, its trailer says 2/);
  });

  it('a backup from a newer Estate, naming the migration it does not know', async () => {
    const newer = rewrite(good, path.join(dir, 'newer.backup.gz'), (lines) => {
      const header = JSON.parse(lines[0]!);
      header.migrations.push('9999-from-the-future');
      return [JSON.stringify(header), ...lines.slice(1)];
    });
    await expectRefused(restore(target, newer), 'newer-estate', /newer Estate.*9999-from-the-future/);
    await expectEmpty(target);

    const newerFormat = rewrite(good, path.join(dir, 'format2.backup.gz'), (lines) => [
      JSON.stringify({ ...JSON.parse(lines[0]!), version: 2 }),
      ...lines.slice(1),
    ]);
    await expectRefused(restore(target, newerFormat), 'unsupported-version', /backup format 2/);
  });

  it('files that are not backups', async () => {
    const plain = path.join(dir, 'plain.txt');
    writeFileSync(plain, 'hello\n');
    await expectRefused(restore(target, plain), 'not-a-backup', /not an Estate backup/);
    const otherJson = rewrite(good, path.join(dir, 'other.gz'), () => ['{"format":"something-else"}', '']);
    await expectRefused(verifyBackup(otherJson), 'not-a-backup', /not an Estate backup/);
    await expectEmpty(target);
  });

  it('nothing when a backup fails midway: no partial file, the previous backup untouched', async () => {
    const source = await fresh(engine);
    await fillEveryTable(source);
    const file = path.join(source.dataDir, 'nightly.backup.gz');
    const first = await backup(source, file);
    await source.db.insertInto('system_state').values({ key: 'later', value: 'x', updated_at: 2 }).execute();
    await expect(
      backup(source, file, {
        onProgress: (p) => {
          if (p.table === 'users') throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(existsSync(`${file}.partial`)).toBe(false);
    expect((await verifyBackup(file)).tables).toEqual(first.tables);
  });
});

describe.each(testEngines().map((e) => [e.dialect, e] as const))('restore on %s', (dialect, engine) => {
  it('keeps generated keys and moves their sequences past them', async () => {
    const ddl =
      dialect === 'postgres'
        ? sql`create table backup_probe (id bigint generated always as identity primary key, note text not null)`
        : sql`create table backup_probe (id integer primary key autoincrement, note text not null)`;
    const source = await fresh(engine);
    await fillEveryTable(source);
    await ddl.execute(source.db);
    await source.db
      .insertInto('backup_probe')
      .values([{ note: 'a' }, { note: 'b' }, { note: 'c' }])
      .execute();
    await source.db.deleteFrom('backup_probe').where('note', '=', 'a').execute();
    const file = path.join(source.dataDir, 'probe.backup.gz');
    const summary = await backup(source, file);

    const target = await fresh(engine);
    await ddl.execute(target.db);
    await restore(target, file);
    expect(await tableChecksums(target)).toEqual(summary.tables);
    const next = await target.db.insertInto('backup_probe').values({ note: 'd' }).returning('id').executeTakeFirstOrThrow();
    expect(Number(next.id)).toBe(4);
    const user = await target.db.selectFrom('users').select('email').where('id', '=', FIXTURE.adminId).executeTakeFirstOrThrow();
    expect(user.email).toBe('admin@example.com');
  });

  it('restores a backup older than this build, then applies the newer migrations to its rows', async () => {
    const source = await fresh(engine);
    await fillEveryTable(source);
    const file = path.join(source.dataDir, 'older.backup.gz');
    await backup(source, file);
    const renameRole: Migration = {
      async up(db) {
        await db.updateTable('users').set({ role: 'technician' }).where('role', '=', 'operator').execute();
      },
    };
    const newer = { ...migrationsFor(dialect), '9000-rename-operator-role': renameRole };
    const target = await fresh(engine, { migrate: false });
    const restored = await restore(target, file, { migrations: newer });
    expect(restored.migrated).toEqual(['9000-rename-operator-role']);
    const bare = await target.db.selectFrom('users').select('role').where('id', '=', FIXTURE.bareUserId).executeTakeFirstOrThrow();
    expect(bare.role).toBe('technician');

    // A store already migrated past the backup cannot take it: the rows would skip a migration.
    const ahead = await fresh(engine, { migrate: false });
    await migrateToLatest(ahead, newer);
    await expectRefused(restore(ahead, file, { migrations: newer }), 'schema-mismatch', /migrated past this backup/);
  });
});
