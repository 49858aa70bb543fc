/**
 * The server's administrative face, used by the `estate` CLI: everything that needs direct access to the store.
 * API-level commands in the CLI go through `@estate/client` instead.
 */
export { createEstate, createLogger, type Estate, migrate, openStore, VERSION } from './app';
export { formatPromtoolReport, type PromtoolFileResult, runPromtoolTestFile } from './modules/alerting';
export { AuditLog, type AuditVerification } from './platform/audit/audit-log';
export { BackupError, backup, restore, tableChecksums, verifyBackup } from './platform/backup';
export { type Config, ConfigError, loadConfig, OPTIONS } from './platform/config/config';
export type { Database } from './platform/db/database';
export { HttpProblem } from './platform/http/problem';
export { ensureDataDir, type RunningServer, serve } from './serve';
