import { AuditLog } from '../audit/audit-log';
import type { Database } from '../db/database';
import { fillAlerting } from './backup-fixtures-alerting';
import { fillChannels } from './backup-fixtures-channels';
import { fillDiscovery } from './backup-fixtures-discovery';
import { fillImports } from './backup-fixtures-imports';
import { fillMetrics } from './backup-fixtures-metrics';
import { fillMonitoring } from './backup-fixtures-monitoring';
import { fillOnCall } from './backup-fixtures-oncall';
import { fillStatus } from './backup-fixtures-status';
import { fillSuppression } from './backup-fixtures-suppression';

/** Ids the fixtures use, for tests that look rows up. */
export const FIXTURE = {
  adminId: '0190a000-0000-7000-8000-000000000001',
  unicodeUserId: '0190a000-0000-7000-8000-000000000002',
  bareUserId: '0190a000-0000-7000-8000-000000000003',
  tokenId: '0190a000-0000-7000-8000-0000000000a1',
  throttleKey: 'login:admin@example.com',
  /** Beyond 2^53: only exact if integers never pass through a double. */
  hugeInteger: 2n ** 62n + 7n,
  maxDateMs: 8_640_000_000_000_000,
  scopes: { b: ['inventory:read', 'audit:read'], a: { nested: [1, 2.5, null, true, 'ü'] } },
} as const;

const T0 = 1_726_000_000_000;

/**
 * Multi-row inserts name every NOT NULL column in every row: SQLite has no DEFAULT inside VALUES, so Kysely writes
 * NULL for a key a row leaves out.
 *
 * Puts rows into every table of migration 0001 with the values that are easy to get wrong between engines: JSON
 * objects whose key order jsonb changes, JSON scalars and JSON `null` next to SQL NULL, unicode beyond the BMP,
 * quotes and newlines, integers at and beyond 2^53, and audit events appended through the real hash chain. A table a
 * later migration adds needs rows here too; the round-trip test names any table left empty.
 */
export async function fillEveryTable(database: Database): Promise<void> {
  const db = database.db;
  const json = (v: unknown) => JSON.stringify(v);
  await db
    .insertInto('system_state')
    .values([
      { key: 'initialised', value: 'true', updated_at: T0 },
      { key: 'ünïcødé 🔑 key', value: 'a "quoted"\nmulti-line\tvalue \\ with backslash', updated_at: FIXTURE.maxDateMs },
      { key: '{"looks":"like json"}', value: '{ "b" : 1, "a" : 2 }', updated_at: 0 },
    ])
    .execute();
  await db
    .insertInto('users')
    .values([
      {
        id: FIXTURE.adminId,
        email: 'admin@example.com',
        name: 'Ada Admin',
        role: 'admin',
        password_hash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
        mfa_secret: 'enc:v1:abcdef',
        mfa_enabled_at: T0 + 1,
        mfa_last_step: 57_533_333,
        disabled_at: null,
        created_at: T0,
        updated_at: T0 + 5,
        last_login_at: Number.MAX_SAFE_INTEGER,
        version: 3,
      },
      {
        id: FIXTURE.unicodeUserId,
        email: 'zoë@例え.jp',
        name: '李小龍 🐉 Zoë עברית e\u0301',
        role: 'viewer',
        password_hash: 'x',
        created_at: T0 + 10,
        updated_at: T0 + 10,
        disabled_at: T0 + 20,
        version: 1,
      },
      {
        id: FIXTURE.bareUserId,
        email: 'bare@example.com',
        name: '',
        role: 'operator',
        password_hash: 'y',
        created_at: -1,
        updated_at: 0,
        version: 1,
      },
    ])
    .execute();
  await db
    .insertInto('recovery_codes')
    .values([
      { id: 'rc-1', user_id: FIXTURE.adminId, code_hash: 'h1', used_at: null },
      { id: 'rc-2', user_id: FIXTURE.adminId, code_hash: 'h2', used_at: T0 + 99 },
    ])
    .execute();
  await db
    .insertInto('sessions')
    .values([
      {
        id: 's-1',
        token_hash: 'th-1',
        user_id: FIXTURE.adminId,
        created_at: T0,
        last_seen_at: T0 + 1,
        expires_at: T0 + 86_400_000,
        ip: '2001:db8::1',
        user_agent: 'Mozilla/5.0 (X11; Linux x86_64) “curly” ✓',
      },
      { id: 's-2', token_hash: 'th-2', user_id: FIXTURE.unicodeUserId, created_at: T0, last_seen_at: T0, expires_at: T0 },
    ])
    .execute();
  await db
    .insertInto('api_tokens')
    .values([
      {
        id: FIXTURE.tokenId,
        user_id: FIXTURE.adminId,
        name: 'ci 🚀',
        prefix: 'est_abc',
        token_hash: 'tok-h-1',
        scopes: json(FIXTURE.scopes),
        created_at: T0,
        expires_at: FIXTURE.maxDateMs,
      },
      {
        id: 'tok-2',
        user_id: FIXTURE.bareUserId,
        name: 'empty',
        prefix: 'est_def',
        token_hash: 'tok-h-2',
        scopes: '[]',
        created_at: T0,
        expires_at: T0 + 1,
        last_used_at: T0,
        revoked_at: T0 + 1,
      },
    ])
    .execute();
  await db
    .insertInto('login_throttle')
    .values([
      { key: FIXTURE.throttleKey, failures: 2_147_483_647, window_start: T0, locked_until: FIXTURE.hugeInteger },
      { key: 'ip:198.51.100.7', failures: 0, window_start: -FIXTURE.maxDateMs, locked_until: null },
    ])
    .execute();
  const audit = new AuditLog(database);
  const ctx = { actor: { type: 'user' as const, id: FIXTURE.adminId, label: 'Ada Admin' }, requestId: 'req-1', sourceIp: '192.0.2.1' };
  await audit.record(ctx, {
    action: 'user.create',
    targetType: 'user',
    targetId: FIXTURE.unicodeUserId,
    after: { name: '李小龍 🐉', z: 1, a: [null] },
  });
  await audit.record(ctx, {
    action: 'user.update',
    targetType: 'user',
    targetId: FIXTURE.unicodeUserId,
    before: { v: 1 },
    after: { v: 2 },
  });
  await audit.record(
    { actor: { type: 'system', id: null, label: null }, requestId: null, sourceIp: null },
    { action: 'system.start', outcome: 'failure' },
  );
  await db
    .insertInto('jobs')
    .values([
      {
        id: 'job-1',
        queue: 'notify',
        payload: json({ z: 1, a: { y: 2, b: 3 }, text: 'naïve “quotes” \u2028 line sep' }),
        status: 'succeeded',
        attempts: 1,
        max_attempts: 5,
        run_at: T0,
        result: 'null',
        dedupe_key: 'notify:1',
        created_at: T0,
        updated_at: T0,
        finished_at: T0 + 1,
      },
      {
        id: 'job-2',
        queue: 'scan',
        payload: json('just a string'),
        status: 'queued',
        attempts: 0,
        max_attempts: 1,
        run_at: T0,
        created_at: T0,
        updated_at: T0,
        last_error: 'Error: boom\n    at x (y.ts:1:1)',
      },
      {
        id: 'job-3',
        queue: 'scan',
        payload: json([1, 1e21, -0.5]),
        status: 'dead',
        attempts: 3,
        max_attempts: 1,
        run_at: 0,
        created_at: 0,
        updated_at: 0,
      },
    ])
    .execute();
  await db
    .insertInto('outbox')
    .values([
      { id: 'ev-1', topic: 'user.created', payload: json({ id: FIXTURE.unicodeUserId }), created_at: T0, dispatched_at: T0 + 3 },
      { id: 'ev-2', topic: 'job.dead', payload: json({ emoji: '🧯', deep: { k: [{ b: 1, a: 2 }] } }), created_at: T0 },
    ])
    .execute();
  await db
    .insertInto('schedules')
    .values([
      { name: 'auth.prune-sessions', next_run_at: T0 + 600_000, last_run_at: T0, last_run_by: 'proc-1', last_error: null },
      { name: 'discovery.scans', next_run_at: T0 + 15_000, last_run_at: T0, last_run_by: 'proc-2', last_error: 'ünïcode 🧯 error' },
    ])
    .execute();

  await fillInventory(db, json);
  await fillImports(db, json);
  await fillDiscovery(db, json);
  await fillMetrics(db);
  await fillMonitoring(db, json, '0190a000-0000-7000-8000-0000000000c2', FIXTURE.adminId);
  await fillAlerting(db, json, FIXTURE.adminId);
  await fillOnCall(db, json, FIXTURE.adminId);
  await fillSuppression(db, json, '0190a000-0000-7000-8000-0000000000c2', FIXTURE.adminId);
  await fillChannels(db, json, FIXTURE.adminId);
  await fillStatus(db, json, '0190a000-0000-7000-8000-0000000000c2', '0190a000-0000-7000-8000-0000000001a1', FIXTURE.adminId);
}

/** Rows for every table of migration 0002 (inventory), including self-references and a cost with a fraction. */
// biome-ignore lint/suspicious/noExplicitAny: fixtures write every table.
async function fillInventory(db: import('kysely').Kysely<any>, json: (v: unknown) => string): Promise<void> {
  const site = '0190a000-0000-7000-8000-0000000000c1';
  const server = '0190a000-0000-7000-8000-0000000000c2';
  const team = '0190a000-0000-7000-8000-0000000000c3';
  const base = {
    environment: null,
    criticality: null,
    owner_team_id: null,
    location_id: null,
    serial: null,
    asset_tag: null,
    manufacturer: null,
    model: null,
    purchase_date: null,
    warranty_end: null,
    end_of_life: null,
    monthly_cost: null,
    first_seen: null,
    last_seen: null,
    custom_fields: json({}),
    provenance: json({}),
    version: 1,
  };
  await db
    .insertInto('cis')
    .values([
      {
        ...base,
        id: site,
        type: 'site',
        name: 'Zürich DC 🏢',
        status: 'deployed',
        attributes: json({ address: 'Bahnhofstr. 1' }),
        search_text: 'zürich dc',
        created_at: T0,
        updated_at: T0,
      },
      {
        ...base,
        id: team,
        type: 'team',
        name: 'Platform',
        status: 'deployed',
        attributes: json({}),
        search_text: 'platform',
        created_at: T0,
        updated_at: T0,
      },
      {
        ...base,
        id: server,
        type: 'physical_server',
        name: 'db-01',
        status: 'deployed',
        environment: 'production',
        criticality: 'critical',
        owner_team_id: team,
        location_id: site,
        serial: 'SN-001',
        monthly_cost: 412.37,
        warranty_end: '2027-03-31',
        attributes: json({ ipAddresses: ['10.0.0.5'], memoryGb: 256, z: { b: 1, a: 2 } }),
        custom_fields: json({ rack_unit: 12 }),
        provenance: json({ serial: { source: 'agent', at: T0, actor: null } }),
        search_text: 'db-01 sn-001 10.0.0.5',
        first_seen: T0,
        last_seen: FIXTURE.maxDateMs,
        created_at: T0,
        updated_at: T0 + 1,
        version: 2,
      },
    ])
    .execute();
  await db
    .insertInto('ci_tags')
    .values([
      { ci_id: server, tag: 'pci' },
      { ci_id: server, tag: 'ünï' },
    ])
    .execute();
  await db
    .insertInto('relationships')
    .values([
      {
        id: '0190a000-0000-7000-8000-0000000000d1',
        type: 'located_in',
        source_id: server,
        target_id: site,
        source: 'manual',
        created_at: T0,
      },
    ])
    .execute();
  await db
    .insertInto('ci_history')
    .values([
      {
        id: '0190a000-0000-7000-8000-0000000000e1',
        ci_id: server,
        at: T0,
        kind: 'created',
        source: 'manual',
        actor_type: 'user',
        actor_id: FIXTURE.adminId,
        actor_label: 'admin@example.com',
        changes: json([{ field: 'name', from: null, to: 'db-01' }]),
      },
    ])
    .execute();
  await db
    .insertInto('custom_fields')
    .values([
      {
        id: '0190a000-0000-7000-8000-0000000000f1',
        ci_type: 'physical_server',
        key: 'rack_unit',
        label: 'Rack unit',
        kind: 'number',
        required: 0,
        options: json([]),
        reference_type: null,
        created_at: T0,
      },
    ])
    .execute();
  await db
    .insertInto('saved_views')
    .values([
      {
        id: '0190a000-0000-7000-8000-0000000000f2',
        user_id: FIXTURE.adminId,
        resource: 'cis',
        name: 'Prod servers',
        query: json({ type: 'physical_server' }),
        created_at: T0,
      },
    ])
    .execute();
}
