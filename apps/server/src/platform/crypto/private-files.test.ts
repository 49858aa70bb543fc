import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backup } from '../backup';
import { openDatabase } from '../db/database';
import { createPrivateFile, exposedPaths, makePrivateDir } from './private-files';
import { SecretBox } from './secret-box';

const root = mkdtempSync(path.join(tmpdir(), 'estate-modes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const modeOf = (file: string) => statSync(file).mode & 0o777;
let cases = 0;
const fresh = () => path.join(root, `case-${++cases}`);

describe('private files under a permissive umask', () => {
  let previous: number;
  beforeEach(() => {
    previous = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(previous);
  });

  it('creates directories 0700 with their missing parents, and files 0600', () => {
    const base = fresh();
    makePrivateDir(path.join(base, 'a', 'b'));
    for (const dir of [base, path.join(base, 'a'), path.join(base, 'a', 'b')]) expect(modeOf(dir), dir).toBe(0o700);
    expect(createPrivateFile(path.join(base, 'a', 'b', 'f'))).toBe(true);
    expect(modeOf(path.join(base, 'a', 'b', 'f'))).toBe(0o600);
  });

  it('leaves existing directories and files as they are', () => {
    const dir = fresh();
    mkdirSync(dir, { mode: 0o755 });
    writeFileSync(path.join(dir, 'f'), 'kept', { mode: 0o644 });
    makePrivateDir(dir);
    expect(createPrivateFile(path.join(dir, 'f'))).toBe(false);
    expect(modeOf(dir)).toBe(0o755);
    expect(modeOf(path.join(dir, 'f'))).toBe(0o644);
  });

  it('creates the SQLite store and its -wal and -shm files 0600 in a 0700 data directory', async () => {
    const dataDir = fresh();
    const database = await openDatabase({ dataDir });
    try {
      await database.db.schema.createTable('t').addColumn('x', 'integer').execute();
      const files = database.files ?? [];
      expect(files.map((f) => path.basename(f))).toEqual(['estate.db', 'estate.db-wal', 'estate.db-shm']);
      expect(modeOf(dataDir)).toBe(0o700);
      for (const file of files) expect(modeOf(file), file).toBe(0o600);
    } finally {
      await database.close();
    }
  });

  it('creates the secret key file 0600 in a 0700 directory', () => {
    const dir = fresh();
    SecretBox.fromKeyFile(path.join(dir, 'keys', 'secret.key'));
    expect(modeOf(path.join(dir, 'keys'))).toBe(0o700);
    expect(modeOf(path.join(dir, 'keys', 'secret.key'))).toBe(0o600);
  });

  it('writes backups 0600, also over a leftover partial file', async () => {
    const dir = fresh();
    const database = await openDatabase({ dataDir: dir });
    try {
      const file = path.join(dir, 'estate.backup.gz');
      writeFileSync(`${file}.partial`, 'leftover', { mode: 0o666 });
      chmodSync(`${file}.partial`, 0o666);
      await backup(database, file);
      expect(modeOf(file)).toBe(0o600);
    } finally {
      await database.close();
    }
  });
});

describe('exposedPaths', () => {
  it('names existing paths that group or others may reach, and skips missing ones', () => {
    const dir = fresh();
    mkdirSync(dir);
    chmodSync(dir, 0o750);
    const open = path.join(dir, 'estate.db');
    const closed = path.join(dir, 'secret.key');
    writeFileSync(open, '');
    chmodSync(open, 0o604);
    writeFileSync(closed, '');
    chmodSync(closed, 0o600);
    expect(exposedPaths([dir, open, closed, path.join(dir, 'missing')])).toEqual([
      { path: dir, mode: 0o750, directory: true },
      { path: open, mode: 0o604, directory: false },
    ]);
  });
});
