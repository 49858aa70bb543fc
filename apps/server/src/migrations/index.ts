import type { Migration } from 'kysely';
import type { Dialect } from '../platform/db/database';
import { foundation } from './0001-foundation';
import { inventory } from './0002-inventory';
import { inventorySearch } from './0003-inventory-search';
import { inventoryImports } from './0004-inventory-imports';
import { inventoryIndexes } from './0005-inventory-indexes';
import { discovery } from './0006-discovery';
import { inventoryImportRelationships } from './0007-inventory-import-relationships';
import { agentSamplesIndex } from './0008-agent-samples-index';
import { discoveryScans } from './0009-discovery-scans';
import { discoveryIdentity } from './0010-discovery-identity';
import { authChangeNotify } from './0011-auth-change-notify';
import { ciDocument } from './0012-ci-document';
import { agentPresence } from './0013-agent-presence';
import { schedules } from './0015-schedules';
import { authHardening } from './0016-auth-hardening';
import { observedFacts } from './0017-observed-facts';
import { ciUniqueIdentifiers } from './0018-ci-unique-identifiers';
import { localAgent } from './0019-local-agent';
import { metricStore } from './0020-metric-store';
import { agentSamplesIntoStore } from './0021-agent-samples-into-store';
import { metricRollups } from './0022-metric-rollups';
import { metricWal } from './0023-metric-wal';
import { metricMetadata } from './0024-metric-metadata';
import { compactMetricTables } from './0025-compact-metric-tables';
import { monitoring } from './0026-monitoring';
import { agentChecks } from './0027-agent-checks';
import { checkShards } from './0028-check-shards';
import { checkStatesWritten } from './0029-check-states-written';
import { alerting } from './0030-alerting';
import { oncall } from './0031-oncall';
import { notificationChannels } from './0032-notification-channels';
import { suppression } from './0033-suppression';
import { metricSeriesDeletions } from './0034-metric-series-deletions';
import { statusPages } from './0035-status-pages';
import { slimMetricSeries } from './0036-slim-metric-series';
import { columnTypes, type EstateMigration } from './types';

/** Every migration in order. Forward-only: a released migration is never edited, only followed by a new one. */
const MIGRATIONS: ReadonlyArray<readonly [string, EstateMigration]> = [
  ['0001-foundation', foundation],
  ['0002-inventory', inventory],
  ['0003-inventory-search', inventorySearch],
  ['0004-inventory-imports', inventoryImports],
  ['0005-inventory-indexes', inventoryIndexes],
  ['0006-discovery', discovery],
  ['0007-inventory-import-relationships', inventoryImportRelationships],
  ['0008-agent-samples-index', agentSamplesIndex],
  ['0009-discovery-scans', discoveryScans],
  ['0010-discovery-identity', discoveryIdentity],
  ['0011-auth-change-notify', authChangeNotify],
  ['0012-ci-document', ciDocument],
  ['0013-agent-presence', agentPresence],
  ['0015-schedules', schedules],
  ['0016-auth-hardening', authHardening],
  ['0017-observed-facts', observedFacts],
  ['0018-ci-unique-identifiers', ciUniqueIdentifiers],
  ['0019-local-agent', localAgent],
  ['0020-metric-store', metricStore],
  ['0021-agent-samples-into-store', agentSamplesIntoStore],
  ['0022-metric-rollups', metricRollups],
  ['0023-metric-wal', metricWal],
  ['0024-metric-metadata', metricMetadata],
  ['0025-compact-metric-tables', compactMetricTables],
  ['0026-monitoring', monitoring],
  ['0027-agent-checks', agentChecks],
  ['0028-check-shards', checkShards],
  ['0029-check-states-written', checkStatesWritten],
  ['0030-alerting', alerting],
  ['0031-oncall', oncall],
  ['0032-notification-channels', notificationChannels],
  ['0033-suppression', suppression],
  ['0034-metric-series-deletions', metricSeriesDeletions],
  ['0035-status-pages', statusPages],
  ['0036-slim-metric-series', slimMetricSeries],
];

/** The migrations for one engine, keyed by name (Kysely applies them in key order). */
export function migrationsFor(dialect: Dialect): Record<string, Migration> {
  const types = columnTypes(dialect);
  return Object.fromEntries(MIGRATIONS.map(([name, m]) => [name, m(dialect, types)]));
}
