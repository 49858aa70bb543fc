import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';
import { migrationsFor } from '../../migrations';
import { type Database, type Dialect, openDatabase } from './database';
import { migrateToLatest } from './migrate';

/** A database engine a test suite runs against. */
export interface TestEngine {
  dialect: Dialect;
  /** Opens a fresh, empty, migrated store; `cleanup` drops it. */
  create(options?: { migrate?: boolean }): Promise<TestDatabase>;
}

export interface TestDatabase extends Database {
  /** SQLite: the file path; PostgreSQL: a connection URL whose search_path is the test's own schema. */
  readonly location: string;
  readonly dataDir: string;
  cleanup(): Promise<void>;
}

/** True when `ESTATE_TEST_REQUIRE` names the tier, so a missing tier must fail instead of being skipped. */
export function tierRequired(tier: 'postgres' | 'browser' | 'peers'): boolean {
  return (process.env.ESTATE_TEST_REQUIRE ?? '')
    .split(',')
    .map((s) => s.trim())
    .includes(tier);
}

/** Polls `condition` every 20 ms until it holds; throws after `ms`. For effects that arrive asynchronously. */
export async function eventually(condition: () => Promise<boolean> | boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The engines database tests run on, after Backstage's TestDatabases: SQLite always; PostgreSQL when
 * `ESTATE_TEST_DATABASE_URL` is set. Each `create()` gets its own SQLite file or PostgreSQL schema.
 */
export function testEngines(): TestEngine[] {
  const engines: TestEngine[] = [{ dialect: 'sqlite', create: createSqlite }];
  const url = process.env.ESTATE_TEST_DATABASE_URL;
  if (url) engines.push({ dialect: 'postgres', create: (o) => createPostgres(url, o) });
  else if (tierRequired('postgres')) {
    throw new Error('ESTATE_TEST_REQUIRE includes postgres but ESTATE_TEST_DATABASE_URL is not set.');
  }
  // A skipped PostgreSQL tier is announced once per run by the global set-up (scripts/test-tiers.ts).
  return engines;
}

async function createSqlite(options?: { migrate?: boolean }): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'estate-test-'));
  const file = path.join(dataDir, 'estate.db');
  const database = await openDatabase({ sqliteFile: file });
  if (options?.migrate !== false) await migrateToLatest(database, migrationsFor('sqlite'));
  return {
    ...database,
    location: file,
    dataDir,
    async cleanup() {
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function createPostgres(baseUrl: string, options?: { migrate?: boolean }): Promise<TestDatabase> {
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const location = url.toString();
  const database = await openDatabase({ databaseUrl: location, poolSize: 4 });
  if (options?.migrate !== false) await migrateToLatest(database, migrationsFor('postgres'));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'estate-test-'));
  return {
    ...database,
    location,
    dataDir,
    async cleanup() {
      await database.close();
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP SCHEMA "${schema}" CASCADE`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh, migrated database of `engine` per call, each dropped once the calling `describe` block has run: call it
 * inside the block, then `await fresh()` in each test that wants its own database.
 */
export function freshDatabases(engine: TestEngine): () => Promise<TestDatabase> {
  const created: TestDatabase[] = [];
  afterAll(async () => {
    for (const d of created) await d.cleanup();
  });
  return async () => {
    const database = await engine.create();
    created.push(database);
    return database;
  };
}
