export {
  BACKUP_FORMAT,
  BACKUP_VERSION,
  BackupError,
  type BackupErrorCode,
  type BackupHeader,
  type BackupSummary,
  type ColumnKind,
  type ColumnSpec,
  type TableChecksum,
  type TableSpec,
} from './backup-format';
export { type VerifiedBackup, verifyBackup } from './backup-reader';
export { type BackupOptions, type BackupProgress, backup, tableChecksums } from './backup-writer';
export { type RestoreOptions, type RestoreSummary, restore } from './restore';
