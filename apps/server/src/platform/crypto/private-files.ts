/**
 * Files only Estate's own user may read: the data directory, the SQLite store and its -wal/-shm files, the secret
 * key and backups hold password hashes, token hashes, sealed secrets and the audit log. What Estate creates it
 * creates owner-only (directories 0700, files 0600) whatever the process umask; what already exists it leaves
 * alone, and `exposedPaths` finds what group or others may reach, for a warning at start.
 */
import { chmodSync, closeSync, mkdirSync, openSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';

/** Owner read, write and search. */
export const PRIVATE_DIR_MODE = 0o700;
/** Owner read and write. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` and any missing parents, each 0700. Directories that already exist keep their mode. Throws what
 * `mkdir` throws (not writable, a file in the way).
 */
export function makePrivateDir(dir: string): void {
  const target = path.resolve(dir);
  const firstCreated = mkdirSync(target, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (firstCreated === undefined) return;
  // The umask may have taken bits from the mode given to mkdir: set it on each directory made.
  const outermost = path.resolve(firstCreated);
  for (let current = target; ; current = path.dirname(current)) {
    chmodSync(current, PRIVATE_DIR_MODE);
    if (current === outermost || current === path.dirname(current)) return;
  }
}

/**
 * Creates `file` empty with mode 0600 unless it exists, making its directory as `makePrivateDir` does. Answers
 * whether it created the file; an existing file keeps its content and mode.
 */
export function createPrivateFile(file: string): boolean {
  makePrivateDir(path.dirname(path.resolve(file)));
  let fd: number;
  try {
    fd = openSync(file, 'wx', PRIVATE_FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    chmodSync(file, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** A path group or others may reach, and its permission bits. */
export interface ExposedPath {
  path: string;
  mode: number;
  directory: boolean;
}

/** Those of `paths` that exist and give group or others any permission; missing paths are skipped. */
export function exposedPaths(paths: string[]): ExposedPath[] {
  const exposed: ExposedPath[] = [];
  for (const file of paths) {
    let stats: Stats;
    try {
      stats = statSync(file);
    } catch {
      continue;
    }
    const mode = stats.mode & 0o777;
    if (mode & 0o077) exposed.push({ path: path.resolve(file), mode, directory: stats.isDirectory() });
  }
  return exposed;
}
