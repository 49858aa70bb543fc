// biome-ignore-all lint/suspicious/noExplicitAny: fixtures write every table.
import type { Kysely } from 'kysely';

const T0 = 1_726_000_000_000;
const GROUP = '0190a000-0000-7000-8000-0000000003a1';
const FIRING = '0190a000-0000-7000-8000-0000000003b1';
const RESOLVED = '0190a000-0000-7000-8000-0000000003b2';

/**
 * Rows for every table of migration 0030 (alert rules and alerts): a rule group with a check-state rule; a firing,
 * acknowledged, suppressed episode and a resolved one sent in from outside (no group); timeline events; the saved
 * dispatcher state and the evaluation lease.
 */
export async function fillAlerting(db: Kysely<any>, json: (v: unknown) => string, userId: string): Promise<void> {
  await db
    .insertInto('alert_rule_groups')
    .values({
      id: GROUP,
      name: 'Checks “core” ✔',
      interval_ms: 10_000,
      rule_limit: 0,
      rules: json([
        {
          kind: 'check-state',
          name: 'CheckDown',
          states: ['down'],
          match: {},
          forMs: 0,
          keepFiringForMs: 0,
          labels: { severity: 'critical' },
          annotations: {},
        },
      ]),
      enabled: 1,
      file: 'rules/core.yml',
      created_by: userId,
      created_at: T0,
      updated_at: T0 + 1,
      version: 2,
    })
    .execute();
  const base = {
    source: `rule:${GROUP}`,
    rule_group_id: GROUP,
    rule_name: 'CheckDown',
    rule_version: 2,
    severity: 'critical',
    notified: 1,
    updated_at: T0 + 5,
  };
  await db
    .insertInto('alerts')
    .values([
      {
        ...base,
        id: FIRING,
        fingerprint: '0123456789abcdef',
        labels: json({ alertname: 'CheckDown', check_name: 'wëb ✔', severity: 'critical' }),
        annotations: json({ summary: 'wëb is "down"\nsince noon' }),
        state: 'firing',
        value: 0.5,
        active_at: T0,
        fired_at: T0 + 1,
        resolved_at: null,
        ends_at: null,
        acknowledged_at: T0 + 3,
        acknowledged_by: userId,
        suppressed_by: json({ kind: 'silence', reason: 'silenced by a silence', ref: 'abc' }),
      },
      {
        ...base,
        id: RESOLVED,
        source: 'events',
        rule_group_id: null,
        rule_version: null,
        severity: 'none',
        fingerprint: 'fedcba9876543210',
        labels: json({ alertname: 'DiskFull' }),
        annotations: json({}),
        state: 'resolved',
        value: null,
        active_at: T0 - 10,
        fired_at: T0 - 10,
        resolved_at: T0 + 2,
        ends_at: T0 + 2,
        acknowledged_at: null,
        acknowledged_by: null,
        suppressed_by: null,
        notified: 0,
      },
    ])
    .execute();
  await db
    .insertInto('alert_events')
    .values([
      { id: '0190a000-0000-7000-8000-0000000003c1', alert_id: FIRING, at: T0, kind: 'pending', actor: null, detail: json({ value: 0.5 }) },
      {
        id: '0190a000-0000-7000-8000-0000000003c2',
        alert_id: FIRING,
        at: T0 + 3,
        kind: 'acknowledged',
        actor: 'Ada',
        detail: json({ comment: 'on it 🔧' }),
      },
    ])
    .execute();
  await db
    .insertInto('alerting_state')
    .values([
      {
        key: 'dispatcher',
        value: json({ version: 1, now: T0, groups: [], pending: [], notificationLog: [] }),
        holder: null,
        until: null,
        updated_at: T0,
      },
      { key: 'lease', value: json({}), holder: 'process-1', until: T0 + 30_000, updated_at: T0 },
    ])
    .execute();
}
