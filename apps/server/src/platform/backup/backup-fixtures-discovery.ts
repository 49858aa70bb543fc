// biome-ignore-all lint/suspicious/noExplicitAny: fixtures write every table.
import type { Kysely } from 'kysely';

const T0 = 1_726_000_000_000;
const adminId = '0190a000-0000-7000-8000-000000000001';
const siteId = '0190a000-0000-7000-8000-0000000000c1';
const serverId = '0190a000-0000-7000-8000-0000000000c2';
const agentId = '0190a000-0000-7000-8000-0000000002a1';
const tokenId = '0190a000-0000-7000-8000-0000000002b1';
const scanId = '0190a000-0000-7000-8000-0000000002c1';
const runId = '0190a000-0000-7000-8000-0000000002d1';

/**
 * Rows for every table of migration 0006 (discovery): an agent with a JSON snapshot whose key order jsonb changes,
 * samples with fractional and negative values, identifiers, a suggestion, software, an encrypted-looking secret,
 * a scan with its credential (migration 0009), a run and its hosts, and a Terraform import. Uses the CIs the inventory fixtures wrote.
 */
export async function fillDiscovery(db: Kysely<any>, json: (v: unknown) => string): Promise<void> {
  await db
    .insertInto('server_keys')
    .values([
      {
        id: '0190a000-0000-7000-8000-0000000002e1',
        purpose: 'agent-identity',
        public_key: 'PEM public',
        private_key: 'v1:sealed',
        created_at: T0,
      },
    ])
    .execute();
  await db
    .insertInto('enrollment_tokens')
    .values([
      {
        id: tokenId,
        name: 'Rack 4 🖥',
        token_hash: 'a'.repeat(64),
        require_approval: 1,
        created_by: adminId,
        created_at: T0,
        expires_at: T0 + 3_600_000,
        used_at: T0 + 5,
        agent_id: agentId,
        revoked_at: null,
      },
    ])
    .execute();
  await db
    .insertInto('agents')
    .values([
      {
        id: agentId,
        hostname: 'db-01',
        machine_id: 'f'.repeat(32),
        status: 'active',
        version: '0.1.0',
        os: 'Debian GNU/Linux 12',
        ci_id: serverId,
        public_key: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n',
        key_fingerprint: 'b'.repeat(64),
        enrollment_token_id: tokenId,
        enrolled_at: T0 + 5,
        approved_at: T0 + 6,
        approved_by: adminId,
        revoked_at: null,
        revoked_by: null,
        last_seen_at: T0 + 60_000,
        last_address: '::1',
        dropped_records: 3,
        snapshot: json({ packages: { 'libssl3 ü': { version: '3.0.13', arch: 'amd64' } }, hostname: 'db-01' }),
        snapshot_hash: 'c'.repeat(64),
        snapshot_at: T0 + 60_000,
        version_no: 2,
      },
    ])
    .execute();
  await db
    .insertInto('agent_nonces')
    .values([{ agent_id: agentId, nonce: 'nonce-1', expires_at: T0 + 300_000 }])
    .execute();
  await db
    .insertInto('agent_receipts')
    .values([
      {
        agent_id: agentId,
        idempotency_key: 'inv-1',
        status: 200,
        response: json({ hash: 'c'.repeat(64), ciId: serverId }),
        received_at: T0,
      },
    ])
    .execute();
  await db
    .insertInto('ci_identifiers')
    .values([
      { ci_id: serverId, kind: 'serial', value: 'SN-1', source: 'agent', seen_at: T0 },
      { ci_id: serverId, kind: 'mac', value: '52:54:00:12:34:56', source: 'scan', seen_at: T0 },
    ])
    .execute();
  await db
    .insertInto('merge_suggestions')
    .values([
      {
        id: '0190a000-0000-7000-8000-0000000002f1',
        ci_id: serverId,
        other_ci_id: siteId,
        reason: 'same MAC, different serial',
        details: json({ mac: '52:54:00:12:34:56', serials: ['SN-1', 'SN-2'] }),
        status: 'open',
        source: 'scan',
        created_at: T0,
        resolved_at: null,
        resolved_by: null,
      },
    ])
    .execute();
  await db
    .insertInto('ci_software')
    .values([{ ci_id: serverId, name: 'openssl', version: '3.0.13-1~deb12u1', arch: 'amd64', source: 'agent', seen_at: T0 }])
    .execute();
  await db
    .insertInto('ci_interfaces')
    .values([
      {
        ci_id: serverId,
        source: 'agent',
        name: 'eno1 ü',
        kind: 'physical',
        description: null,
        mac: '52:54:00:12:34:56',
        addresses: json(['10.0.0.5/24', 'fe80::1']),
        speed_mbps: 2.5,
        admin_up: 1,
        oper_up: 0,
        seen_at: T0,
      },
      {
        ci_id: serverId,
        source: 'scan',
        name: 'Gi0/1',
        kind: null,
        description: 'uplink "core"',
        mac: null,
        addresses: json([]),
        speed_mbps: null,
        admin_up: null,
        oper_up: null,
        seen_at: T0 + 1,
      },
    ])
    .execute();
  await db
    .insertInto('ci_observed_facts')
    .values([
      {
        ci_id: serverId,
        key: 'managementIp',
        source: 'scan',
        value: json('10.0.0.5'),
        observer: 'scan Lab',
        reason: 'physical_server has no managementIp',
        seen_at: T0,
      },
      {
        ci_id: serverId,
        key: 'sysLocation',
        source: 'scan',
        value: json({ b: 1, a: [null, 'Rack 4 🖥'] }),
        observer: 'scan Lab',
        reason: 'SNMP',
        seen_at: T0 + 1,
      },
    ])
    .execute();
  await db
    .insertInto('snmp_credentials')
    .values([
      {
        id: '0190a000-0000-7000-8000-000000000301',
        name: 'core switches',
        snmp_version: 'v3',
        params: json({ user: 'estate', securityLevel: 'authPriv', authProtocol: 'sha', privProtocol: 'aes' }),
        secret: 'v1:sealed-secret',
        created_at: T0,
        updated_at: T0,
        version: 1,
      },
    ])
    .execute();
  await db
    .insertInto('discovery_scans')
    .values([
      {
        id: scanId,
        name: 'Office LAN',
        targets: json(['192.0.2.0/28', '2001:db8::1']),
        options: json({ ports: [22, 443], snmp: true }),
        interval_minutes: 60,
        next_run_at: T0 + 3_600_000,
        created_by: adminId,
        created_at: T0,
        updated_at: T0,
        version: 1,
      },
    ])
    .execute();
  await db
    .insertInto('discovery_scan_credentials')
    .values([{ scan_id: scanId, credential_id: '0190a000-0000-7000-8000-000000000301', position: 0 }])
    .execute();
  await db
    .insertInto('discovery_runs')
    .values([
      {
        id: runId,
        scan_id: scanId,
        status: 'succeeded',
        total: 16,
        done: 16,
        summary: json({ new: 1, changed: 0, missing: 0, unchanged: 0 }),
        error: null,
        requested_by: adminId,
        created_at: T0,
        started_at: T0 + 1,
        finished_at: T0 + 9,
      },
    ])
    .execute();
  await db
    .insertInto('discovery_hosts')
    .values([{ run_id: runId, address: '192.0.2.5', change: 'new', data: json({ alive: true, ports: [22] }), ci_id: serverId }])
    .execute();
  await db
    .insertInto('terraform_imports')
    .values([
      {
        id: '0190a000-0000-7000-8000-000000000311',
        lineage: 'a1b2c3',
        serial: 42,
        summary: json({ created: 3, updated: 0, vanished: 1 }),
        user_id: adminId,
        created_at: T0,
      },
    ])
    .execute();
  await db
    .insertInto('terraform_resources')
    .values([
      { lineage: 'a1b2c3', external_id: 'aws:i-0abc', address: 'aws_instance.web[0]', ci_id: serverId, serial: 42, vanished_serial: null },
    ])
    .execute();
}
