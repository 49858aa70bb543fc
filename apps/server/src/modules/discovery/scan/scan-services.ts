import type { Kysely } from 'kysely';
import type { AuditLog } from '../../../platform/audit/audit-log';
import type { SecretBox } from '../../../platform/crypto/secret-box';
import type { Dialect } from '../../../platform/db/database';
import { expandTargets } from './engine/targets';
import type { ScanTables } from './scan.repository';
import { ScanService, type TargetExpander } from './scan.service';
import { SnmpCredentialService } from './snmp-credential.service';

/** What network discovery's scan and credential services are built from. */
export interface DiscoveryScanDeps {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables here.
  db: Kysely<any>;
  dialect: Dialect;
  audit: AuditLog;
  /** Seals SNMP secrets; its key lives in a file outside the database. */
  secretBox: SecretBox;
  /** The scan policy's target expansion; `expandTargets` of `engine/targets.ts` unless a test gives another. */
  expandTargets?: TargetExpander;
}

/** The scan and credential services over the given dependencies. */
export function createScanServices(deps: DiscoveryScanDeps): { scans: ScanService; credentials: SnmpCredentialService } {
  const db = deps.db as Kysely<ScanTables>;
  return {
    scans: new ScanService({ db, dialect: deps.dialect, audit: deps.audit, expandTargets: deps.expandTargets ?? expandTargets }),
    credentials: new SnmpCredentialService(db, deps.dialect, deps.audit, deps.secretBox),
  };
}
