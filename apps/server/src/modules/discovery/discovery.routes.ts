import type { Kysely } from 'kysely';
import type { AuditLog } from '../../platform/audit/audit-log';
import type { SecretBox } from '../../platform/crypto/secret-box';
import type { Dialect } from '../../platform/db/database';
import type { HttpServer } from '../../platform/http/http-server';
import { expandTargets } from './scan/engine/targets';
import type { ScanTables } from './scan/scan.repository';
import { registerScanRoutes } from './scan/scan.routes';
import { ScanService, type TargetExpander } from './scan/scan.service';
import { registerSnmpCredentialRoutes } from './scan/snmp-credential.routes';
import { SnmpCredentialService } from './scan/snmp-credential.service';

/** What network discovery's routes are built from. */
export interface DiscoveryScanDeps {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables here.
  db: Kysely<any>;
  dialect: Dialect;
  audit: AuditLog;
  /** Seals SNMP secrets; its key lives in a file outside the database. */
  secretBox: SecretBox;
  /** The scan policy's target expansion; `expandTargets` of `scan/targets.ts` unless a test gives another. */
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

/** Registers network discovery's routes: SNMP credentials, scans, runs and their hosts under /api/v1/discovery. */
export function registerDiscoveryRoutes(app: HttpServer, deps: DiscoveryScanDeps): void {
  const { scans, credentials } = createScanServices(deps);
  registerSnmpCredentialRoutes(app, credentials);
  registerScanRoutes(app, scans);
}
