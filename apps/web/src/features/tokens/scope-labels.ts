import { PERMISSIONS, type Permission } from '@estate/contract';

/** What a token with each scope may do, in a few words. */
export const SCOPE_LABELS: Record<Permission, string> = {
  self: 'self: own profile, sessions and tokens',
  'users:read': 'users:read: list and read users',
  'users:write': 'users:write: create and change users',
  'tokens:read-all': "tokens:read-all: read everyone's tokens",
  'tokens:write-all': "tokens:write-all: revoke everyone's tokens",
  'audit:read': 'audit:read: read the audit log',
  'metrics:read': 'metrics:read: read metrics and query them with PromQL',
  'metrics:write': 'metrics:write: send samples with Prometheus remote_write',
  'inventory:read': 'inventory:read: read the inventory',
  'inventory:write': 'inventory:write: create and change configuration items',
  'inventory:admin': 'inventory:admin: define custom fields and administer the inventory',
  'agents:read': 'agents:read: list agents and enrollment tokens',
  'agents:write': 'agents:write: enroll, approve and revoke agents',
  'discovery:read': 'discovery:read: read scans, their results and merge suggestions',
  'discovery:write': 'discovery:write: run scans, manage SNMP credentials, merge CIs, import Terraform state',
  'monitoring:read': 'monitoring:read: read checks, their results, history and uptime',
  'monitoring:write': 'monitoring:write: create, change, run and delete checks',
  'alerting:read': 'alerting:read: read alerts, rules, silences, channels and on-call schedules',
  'alerting:write': 'alerting:write: change rules, silences, channels, routing and schedules; acknowledge alerts',
  'alerting:ingest': 'alerting:ingest: send alerts in (Alertmanager receiver, events API)',
};

/**
 * The options of the scope picker: every permission of the contract, those the user does not hold disabled
 * (a token can never do more than its owner).
 */
export function scopeOptions(held: readonly string[]) {
  return PERMISSIONS.map((scope) => ({ value: scope, label: SCOPE_LABELS[scope], disabled: !held.includes(scope) }));
}
