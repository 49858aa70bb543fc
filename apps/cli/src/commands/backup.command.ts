import type { Command } from 'commander';
import { ExitCode } from '../exit-codes';
import { fail } from '../output';
import { loadServer } from '../server';
import { withStore } from './with-store';

const REFUSALS = new Set(['not-empty', 'newer-estate', 'schema-mismatch', 'unsupported-store', 'unsupported-version']);

function failBackup(err: unknown): never {
  if (err instanceof Error && err.name === 'BackupError') {
    const code = (err as Error & { code: string }).code;
    process.stderr.write(`estate: ${err.message}\n`);
    process.exit(REFUSALS.has(code) ? ExitCode.refused : ExitCode.verification);
  }
  fail(err);
}

function tableLine(tables: Record<string, { rows: number }>): string {
  const rows = Object.values(tables).reduce((n, t) => n + t.rows, 0);
  const count = (n: number, one: string) => `${n} ${n === 1 ? one : `${one}s`}`;
  return `${count(Object.keys(tables).length, 'table')}, ${count(rows, 'row')}`;
}

/** `estate backup FILE`, `estate restore FILE` and `estate backup verify FILE`. */
export function registerBackupCommands(program: Command): void {
  const backupCommand = program
    .command('backup')
    .description('Write a consistent backup of all Estate data (safe while the server runs)')
    .argument('<file>', 'where to write the backup (gzip-compressed JSON lines)')
    .action(async (file: string) => {
      const { backup } = await loadServer();
      try {
        const summary = await withStore((database) => backup(database, file));
        process.stdout.write(`Backup written to ${file}: ${tableLine(summary.tables)}, ${summary.bytes} bytes.\n`);
      } catch (err) {
        failBackup(err);
      }
    });

  backupCommand
    .command('verify')
    .description('Check a backup file end to end without a database')
    .argument('<file>', 'backup file')
    .action(async (file: string) => {
      const { verifyBackup } = await loadServer();
      try {
        const summary = await verifyBackup(file);
        process.stdout.write(`Backup ${file} is intact: ${tableLine(summary.tables)}.\n`);
      } catch (err) {
        failBackup(err);
      }
    });

  program
    .command('restore')
    .description('Restore a backup into an empty data directory or database')
    .argument('<file>', 'backup file written by `estate backup`')
    .action(async (file: string) => {
      const { ensureDataDir, loadConfig, openStore, restore } = await loadServer();
      try {
        const config = loadConfig();
        if (!config.databaseUrl) ensureDataDir(config.dataDir);
        // The store is not migrated first: restore migrates it to the backup's schema, then to this build's.
        const database = await openStore(config);
        try {
          const summary = await restore(database, file);
          process.stdout.write(`Restored ${tableLine(summary.tables)} from ${file}.\n`);
        } finally {
          await database.close();
        }
      } catch (err) {
        failBackup(err);
      }
    });
}
