import type { Command } from 'commander';

/** `estate backup FILE` and `estate restore FILE` (wired to the server's backup module). */
export function registerBackupCommands(_program: Command): void {}
