import type { InventoryTables } from '../inventory';

/** Row shapes of the discovery tables (migration 0006). Times are epoch ms; JSON columns are jsonb/text. */
export interface CiIdentifiersTable {
  ci_id: string;
  /**
   * `serial`, `machine_id`, `mac`, `hostname`, `ip`, `external_id` (cloud id, Terraform address), `scan_target`
   * (`<scan id> <address>`: the address a scan found the CI at).
   */
  kind: string;
  /** Normalised: lower-case MACs with colons, lower-case host names, compressed IPv6. */
  value: string;
  source: string;
  seen_at: number;
}

export interface MergeSuggestionsTable {
  id: string;
  /** Null once the CI was deleted (merged away); the suggestion stays as a record (migration 0010). */
  ci_id: string | null;
  other_ci_id: string | null;
  reason: string;
  details: unknown;
  /** `open`, `merged` or `dismissed`. */
  status: string;
  source: string;
  created_at: number;
  resolved_at: number | null;
  resolved_by: string | null;
}

export interface CiSoftwareTable {
  ci_id: string;
  name: string;
  version: string;
  /** '' when the package manager names no architecture. */
  arch: string;
  source: string;
  seen_at: number;
}

export interface SnmpCredentialsTable {
  id: string;
  name: string;
  /** `v2c` or `v3`. */
  snmp_version: string;
  /** What is not secret: the v3 user name, security level and protocols. */
  params: unknown;
  /** Community string or v3 keys, sealed with the secret box; never returned by the API. */
  secret: string;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface DiscoveryScansTable {
  id: string;
  name: string;
  targets: unknown;
  options: unknown;
  interval_minutes: number | null;
  next_run_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface DiscoveryRunsTable {
  id: string;
  scan_id: string;
  /** `queued`, `running`, `succeeded`, `failed`. */
  status: string;
  total: number;
  done: number;
  summary: unknown;
  error: string | null;
  requested_by: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export interface DiscoveryHostsTable {
  run_id: string;
  address: string;
  /** `new`, `changed`, `unchanged` or `missing` compared with the scan's previous run. */
  change: string;
  data: unknown;
  ci_id: string | null;
}

export interface TerraformImportsTable {
  id: string;
  lineage: string;
  serial: number;
  summary: unknown;
  user_id: string | null;
  created_at: number;
}

/** A resource one Terraform state lineage imported, and the CI it became (migration 0010). */
export interface TerraformResourcesTable {
  lineage: string;
  /** `<provider>:<cloud id>`, as recorded in `ci_identifiers` (kind `external_id`). */
  external_id: string;
  /** The Terraform address, e.g. `module.net.aws_subnet.private["a"]`. */
  address: string;
  ci_id: string;
  /** The state serial that last contained the resource. */
  serial: number;
  /** The serial of the first state it was missing from; null while it is present. */
  vanished_serial: number | null;
}

/** One network interface of a CI as one source saw it (migration 0017). Each observation replaces its source's set. */
export interface CiInterfacesTable {
  ci_id: string;
  /** `agent` or `scan`. */
  source: string;
  name: string;
  /** `physical`, `virtual`, `bridge`, `vlan`, `bond`, `tunnel`, `loopback`, `wireless` or `other`; null when unknown. */
  kind: string | null;
  description: string | null;
  /** Normalised: lower-case with colons. */
  mac: string | null;
  /** IP addresses (optionally with a prefix length) as JSON. */
  addresses: unknown;
  speed_mbps: number | null;
  /** 1 up, 0 down, null unknown. */
  admin_up: number | null;
  oper_up: number | null;
  seen_at: number;
}

/**
 * A value an observation carried that the CI did not take (migration 0017): its type has no such field, or a better
 * observer set the field. One row per CI, key and source; the newest observation of a source wins.
 */
export interface CiObservedFactsTable {
  ci_id: string;
  /** The attribute or fact name: `managementIp`, `sysLocation`, `ipAddresses`. */
  key: string;
  source: string;
  value: unknown;
  /** Who saw it: `scan Office LAN`, `agent db-01`. */
  observer: string;
  /** Why it is a fact and not a field, in words. */
  reason: string;
  seen_at: number;
}

/** The tables the discovery module reads and writes, with the inventory's beside them. */
export interface DiscoveryTables extends InventoryTables {
  ci_identifiers: CiIdentifiersTable;
  merge_suggestions: MergeSuggestionsTable;
  ci_software: CiSoftwareTable;
  snmp_credentials: SnmpCredentialsTable;
  discovery_scans: DiscoveryScansTable;
  discovery_runs: DiscoveryRunsTable;
  discovery_hosts: DiscoveryHostsTable;
  terraform_imports: TerraformImportsTable;
  terraform_resources: TerraformResourcesTable;
  ci_interfaces: CiInterfacesTable;
  ci_observed_facts: CiObservedFactsTable;
}
