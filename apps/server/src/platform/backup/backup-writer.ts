import { type FileHandle, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { PRIVATE_FILE_MODE } from '../crypto/private-files';
import type { Database } from '../db/database';
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupHeader, type BackupSummary, type TableChecksum } from './backup-format';
import { TableHasher } from './row-checksum';
import { toTableSpec } from './store-schema';
import { withSnapshot } from './store-snapshot';

/** Where a backup or restore is: reported after every batch of rows and once at the end of each table. */
export interface BackupProgress {
  table: string;
  /** Rows of `table` done so far. */
  rows: number;
  /** Tables finished, out of `tablesTotal`. */
  tablesDone: number;
  tablesTotal: number;
}

export interface BackupOptions {
  /** Called synchronously; throwing aborts the backup (nothing is left behind). */
  onProgress?: (progress: BackupProgress) => void;
}

// Lines are gathered into chunks of about this many characters before they go to gzip.
const CHUNK_CHARS = 64 * 1024;

/**
 * Writes a consistent snapshot of `database` to `file` in the format described at {@link BACKUP_FORMAT}, while the
 * server keeps reading and writing. Rows stream from the snapshot to a gzip'd `file.partial` (mode 0600), which is flushed to
 * disk and then renamed over `file`: a failed or interrupted backup never leaves a file that looks complete (and
 * removes its partial file). Returns the per-table row counts and checksums the trailer records, and the file size.
 */
export async function backup(database: Database, file: string, options: BackupOptions = {}): Promise<BackupSummary> {
  const partial = `${file}.partial`;
  try {
    const tables = await withSnapshot(database, async (snapshot) => {
      const header: BackupHeader = {
        format: BACKUP_FORMAT,
        version: BACKUP_VERSION,
        createdAt: Date.now(),
        dialect: snapshot.dialect,
        migrations: snapshot.migrations,
        tables: snapshot.tables.map(toTableSpec),
      };
      const checksums: Record<string, TableChecksum> = {};
      async function* lines(): AsyncGenerator<string> {
        let chunk = `${JSON.stringify(header)}\n`;
        for (const [done, table] of snapshot.tables.entries()) {
          const hasher = new TableHasher(table.columns);
          const prefix = `{"t":${JSON.stringify(table.name)},"r":`;
          for await (const batch of snapshot.rows(table)) {
            for (const values of batch) {
              hasher.add(values);
              chunk += `${prefix}${JSON.stringify(values)}}\n`;
              if (chunk.length >= CHUNK_CHARS) {
                yield chunk;
                chunk = '';
              }
            }
            options.onProgress?.({ table: table.name, rows: hasher.rows, tablesDone: done, tablesTotal: snapshot.tables.length });
          }
          checksums[table.name] = hasher.digest();
          options.onProgress?.({ table: table.name, rows: hasher.rows, tablesDone: done + 1, tablesTotal: snapshot.tables.length });
        }
        yield `${chunk}${JSON.stringify({ end: true, tables: checksums })}\n`;
      }
      await pipeline(Readable.from(lines()), createGzip(), (await openPrivate(partial)).createWriteStream());
      return checksums;
    });
    await syncFile(partial);
    await rename(partial, file);
    await syncDirectory(path.dirname(path.resolve(file)));
    return { tables, bytes: (await stat(file)).size };
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

/**
 * Row count and checksum of every Estate table, read from one consistent snapshot, computed exactly as a backup's
 * trailer records them: equal results mean equal data, on either engine. Reads every row; not for a hot path.
 */
export async function tableChecksums(database: Database): Promise<Record<string, TableChecksum>> {
  return withSnapshot(database, async (snapshot) => {
    const result: Record<string, TableChecksum> = {};
    for (const table of snapshot.tables) {
      const hasher = new TableHasher(table.columns);
      for await (const batch of snapshot.rows(table)) for (const values of batch) hasher.add(values);
      result[table.name] = hasher.digest();
    }
    return result;
  });
}

/** Opens `file` for writing, truncated and 0600 whatever the umask or the mode of a leftover file: backups hold every secret hash. */
async function openPrivate(file: string): Promise<FileHandle> {
  const handle = await open(file, 'w', PRIVATE_FILE_MODE);
  try {
    await handle.chmod(PRIVATE_FILE_MODE);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}

async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes the rename itself durable; some platforms cannot open a directory, which only weakens crash safety. */
async function syncDirectory(directory: string): Promise<void> {
  try {
    await syncFile(directory);
  } catch {
    // Not fatal: the backup file itself is complete and flushed.
  }
}
