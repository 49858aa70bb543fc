import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';
import { InterfaceKindSchema } from './discovery-observed';

/*
 * Network discovery: SNMP credentials (secrets, write-only), scan definitions over CIDRs, ranges and addresses,
 * and their runs with per-host results. Routes live under `/api/v1/discovery/*`.
 */

const enumOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const SNMP_VERSIONS = ['v2c', 'v3'] as const;
export type SnmpVersion = (typeof SNMP_VERSIONS)[number];
export const SNMP_SECURITY_LEVELS = ['noAuthNoPriv', 'authNoPriv', 'authPriv'] as const;
export type SnmpSecurityLevel = (typeof SNMP_SECURITY_LEVELS)[number];
export const SNMP_AUTH_PROTOCOLS = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export type SnmpAuthProtocol = (typeof SNMP_AUTH_PROTOCOLS)[number];
export const SNMP_PRIV_PROTOCOLS = ['des', 'aes', 'aes256b', 'aes256r'] as const;
export type SnmpPrivProtocol = (typeof SNMP_PRIV_PROTOCOLS)[number];

/** A community string or v3 key as sent by a client: never returned, never logged. */
const SecretText = Type.String({ minLength: 1, maxLength: 256 });
/** SNMPv3 keys must be at least 8 characters (RFC 3414). */
const V3Key = Type.String({ minLength: 8, maxLength: 256 });

/**
 * An SNMP credential as the API shows it: what is not secret, and for each secret only whether it is configured.
 * The community string and the v3 keys are sealed at rest and never leave the server.
 */
export const SnmpCredential = Type.Object({
  id: Id,
  name: Type.String(),
  snmpVersion: enumOf(SNMP_VERSIONS),
  user: nullable(Type.String()),
  securityLevel: nullable(enumOf(SNMP_SECURITY_LEVELS)),
  authProtocol: nullable(enumOf(SNMP_AUTH_PROTOCOLS)),
  privProtocol: nullable(enumOf(SNMP_PRIV_PROTOCOLS)),
  /** Which secrets are stored (true) — never their values. */
  configured: Type.Object({ community: Type.Boolean(), authKey: Type.Boolean(), privKey: Type.Boolean() }),
  /** Scans that try this credential; a credential in use cannot be deleted. */
  usedBy: Type.Integer({ minimum: 0 }),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  version: Type.Integer({ minimum: 1, description: 'The row version, as in the ETag' }),
});
export type SnmpCredential = Static<typeof SnmpCredential>;

/**
 * Creates an SNMP credential. `snmpVersion` v2c needs `community`; v3 needs `user` and `securityLevel`, plus `authProtocol` and
 * `authKey` from `authNoPriv` on, plus `privProtocol` and `privKey` for `authPriv`. Fields the version or level does
 * not use are refused.
 */
export const CreateSnmpCredentialRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    snmpVersion: enumOf(SNMP_VERSIONS),
    community: Type.Optional(SecretText),
    user: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    securityLevel: Type.Optional(enumOf(SNMP_SECURITY_LEVELS)),
    authProtocol: Type.Optional(enumOf(SNMP_AUTH_PROTOCOLS)),
    authKey: Type.Optional(V3Key),
    privProtocol: Type.Optional(enumOf(SNMP_PRIV_PROTOCOLS)),
    privKey: Type.Optional(V3Key),
  },
  { additionalProperties: false },
);
export type CreateSnmpCredentialRequest = Static<typeof CreateSnmpCredentialRequest>;

/**
 * Changes an SNMP credential (If-Match required). Secrets left out keep their stored value; the result must be a
 * complete credential by the rules of {@link CreateSnmpCredentialRequest}. Secrets the new level no longer uses are
 * dropped.
 */
export const UpdateSnmpCredentialRequest = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    snmpVersion: Type.Optional(enumOf(SNMP_VERSIONS)),
    community: Type.Optional(SecretText),
    user: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    securityLevel: Type.Optional(enumOf(SNMP_SECURITY_LEVELS)),
    authProtocol: Type.Optional(enumOf(SNMP_AUTH_PROTOCOLS)),
    authKey: Type.Optional(V3Key),
    privProtocol: Type.Optional(enumOf(SNMP_PRIV_PROTOCOLS)),
    privKey: Type.Optional(V3Key),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateSnmpCredentialRequest = Static<typeof UpdateSnmpCredentialRequest>;

/** Ports probed when a scan names none: the ten most common services of a data centre. */
export const DEFAULT_SCAN_PORTS = [22, 80, 443, 3389, 445, 161, 3306, 5432, 8080, 8443] as const;

/** How a scan probes. Every field has a default; `force` allows more than 4,096 addresses. */
export const ScanOptions = Type.Object(
  {
    reverseDns: Type.Boolean({ default: true }),
    serviceHints: Type.Boolean({ default: true }),
    tcpLiveness: Type.Boolean({ default: true }),
    ratePerSecond: Type.Integer({ minimum: 1, maximum: 10_000, default: 200 }),
    concurrency: Type.Integer({ minimum: 1, maximum: 1_024, default: 64 }),
    timeoutMs: Type.Integer({ minimum: 50, maximum: 60_000, default: 1_000 }),
    force: Type.Boolean({ default: false }),
    snmpPort: Type.Integer({ minimum: 1, maximum: 65_535, default: 161 }),
  },
  { additionalProperties: false },
);
export type ScanOptions = Static<typeof ScanOptions>;

/** Options as a request sends them: any subset; the rest keep their defaults (or, on update, their values). */
export const ScanOptionsInput = Type.Partial(ScanOptions, { additionalProperties: false });
export type ScanOptionsInput = Static<typeof ScanOptionsInput>;

/** A target: an IPv4/IPv6 address, a CIDR (`192.0.2.0/24`, `2001:db8::/120`) or a range (`192.0.2.10-192.0.2.20`). */
const ScanTarget = Type.String({ minLength: 1, maxLength: 100 });
const Port = Type.Integer({ minimum: 1, maximum: 65_535 });
/** Minutes between scheduled runs (5 minutes to 30 days), or null for on demand only. */
const IntervalMinutes = nullable(Type.Integer({ minimum: 5, maximum: 43_200 }));

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/**
 * Why an SNMP credential got nothing from a host: `no-answer` (a timeout: no agent, a filter, or — with v2c — a wrong
 * community, which agents do not answer, so the two cannot be told apart), `authentication` (the agent refused the
 * v3 user: unknown user, wrong authentication or privacy key), `unsupported` (the agent does not support the
 * credential's security level, or the credential could not be used for the address), `unreachable` (the network
 * said the host cannot be reached), `error` (anything else, such as an answer that could not be read).
 */
export const SNMP_FAILURE_REASONS = ['no-answer', 'authentication', 'unsupported', 'unreachable', 'error'] as const;
export type SnmpFailureReason = (typeof SNMP_FAILURE_REASONS)[number];

/** How SNMP went in a run: the hosts asked, those that answered, and each credential's failures by reason. */
export const RunSnmpSummary = Type.Object({
  /** Live hosts SNMP was asked on (every live host, when the scan has credentials). */
  asked: Type.Integer({ minimum: 0 }),
  /** Hosts one of the credentials got an answer from. */
  answered: Type.Integer({ minimum: 0 }),
  /** Whether every SNMP attempt of the run failed (hosts were asked, none answered). */
  allFailed: Type.Boolean(),
  /** Per credential (named as it was at the run) and reason: on how many hosts it failed that way. */
  failures: Type.Array(
    Type.Object({
      credentialId: Id,
      credentialName: Type.String(),
      reason: enumOf(SNMP_FAILURE_REASONS),
      hosts: Type.Integer({ minimum: 1 }),
    }),
  ),
});
export type RunSnmpSummary = Static<typeof RunSnmpSummary>;

/** What a run found compared with the scan's previous successful run. */
export const RunSummary = Type.Object({
  /** Live hosts seen by this run. */
  hosts: Type.Integer({ minimum: 0 }),
  new: Type.Integer({ minimum: 0 }),
  changed: Type.Integer({ minimum: 0 }),
  unchanged: Type.Integer({ minimum: 0 }),
  missing: Type.Integer({ minimum: 0 }),
  /** CIs the run created, and relationships it recorded from LLDP neighbours. */
  cisCreated: Type.Integer({ minimum: 0 }),
  relationships: Type.Integer({ minimum: 0 }),
  /** How SNMP went; absent when the scan has no SNMP credentials (and in runs from before it was counted). */
  snmp: Type.Optional(RunSnmpSummary),
  /** What went wrong without failing the run, in words: every SNMP attempt failed, a credential was refused. */
  warnings: Type.Optional(Type.Array(Type.String())),
});
export type RunSummary = Static<typeof RunSummary>;

/** One run of a scan: its progress (addresses done of total) and, once finished, its summary or error. */
export const ScanRun = Type.Object({
  id: Id,
  scanId: Id,
  scanName: Type.String(),
  status: enumOf(RUN_STATUSES),
  total: Type.Integer({ minimum: 0 }),
  done: Type.Integer({ minimum: 0 }),
  summary: nullable(RunSummary),
  error: nullable(Type.String()),
  /** The user who started it, or null for a scheduled run. */
  requestedBy: nullable(Type.String()),
  createdAt: EpochMs,
  startedAt: nullable(EpochMs),
  finishedAt: nullable(EpochMs),
});
export type ScanRun = Static<typeof ScanRun>;

/** A scan definition: what to scan, how, with which SNMP credentials, and when. */
export const DiscoveryScan = Type.Object({
  id: Id,
  name: Type.String(),
  targets: Type.Array(Type.String()),
  /** How many addresses the targets cover. */
  addressCount: Type.Integer({ minimum: 0 }),
  ports: Type.Array(Port),
  credentialIds: Type.Array(Id),
  options: ScanOptions,
  intervalMinutes: IntervalMinutes,
  /** When the scheduler starts the next run; null when on demand only. */
  nextRunAt: nullable(EpochMs),
  lastRun: nullable(Type.Object({ id: Id, status: enumOf(RUN_STATUSES), createdAt: EpochMs, finishedAt: nullable(EpochMs) })),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  version: Type.Integer({ minimum: 1 }),
});
export type DiscoveryScan = Static<typeof DiscoveryScan>;

/** Creates a scan. Targets are checked against the scan policy: a refused one is a 400 naming it and why. */
export const CreateScanRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    targets: Type.Array(ScanTarget, { minItems: 1, maxItems: 256 }),
    ports: Type.Optional(Type.Array(Port, { maxItems: 1_000, uniqueItems: true })),
    credentialIds: Type.Optional(Type.Array(Id, { maxItems: 16, uniqueItems: true })),
    options: Type.Optional(ScanOptionsInput),
    intervalMinutes: Type.Optional(IntervalMinutes),
  },
  { additionalProperties: false },
);
export type CreateScanRequest = Static<typeof CreateScanRequest>;

/** Changes a scan (If-Match required); fields left out keep their values, options merge into the stored ones. */
export const UpdateScanRequest = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    targets: Type.Optional(Type.Array(ScanTarget, { minItems: 1, maxItems: 256 })),
    ports: Type.Optional(Type.Array(Port, { maxItems: 1_000, uniqueItems: true })),
    credentialIds: Type.Optional(Type.Array(Id, { maxItems: 16, uniqueItems: true })),
    options: Type.Optional(ScanOptionsInput),
    intervalMinutes: Type.Optional(IntervalMinutes),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateScanRequest = Static<typeof UpdateScanRequest>;

/** The answer to starting a run: its id, to poll `GET /api/v1/discovery/runs/{id}`. */
export const RunAccepted = Type.Object({ id: Id });
export type RunAccepted = Static<typeof RunAccepted>;

export const HOST_CHANGES = ['new', 'changed', 'unchanged', 'missing'] as const;
export type HostChange = (typeof HOST_CHANGES)[number];

/** What SNMP told about a device, as a run stores it. */
export const HostSnmpFacts = Type.Object({
  sysName: Type.Optional(Type.String()),
  sysDescr: Type.Optional(Type.String()),
  sysObjectId: Type.Optional(Type.String()),
  sysLocation: Type.Optional(Type.String()),
  sysContact: Type.Optional(Type.String()),
  sysUpTimeSeconds: Type.Optional(Type.Number()),
  /** The OSI layers the device offers services at, as the sum of 2^(layer-1): 2 bridging, 4 routing, 72 a host. */
  sysServices: Type.Optional(Type.Integer({ minimum: 0, maximum: 127 })),
  /** Whether the device implements the Printer-MIB. */
  printerMib: Type.Optional(Type.Boolean()),
  interfaces: Type.Array(
    Type.Object({
      index: Type.Integer(),
      name: Type.String(),
      description: Type.Optional(Type.String()),
      mac: Type.Optional(Type.String()),
      speedMbps: Type.Optional(Type.Number()),
      adminUp: Type.Optional(Type.Boolean()),
      operUp: Type.Optional(Type.Boolean()),
      /** What ifType says the interface is. */
      kind: Type.Optional(InterfaceKindSchema),
      /** The interface's addresses from the IP-MIB (IPv4 with its prefix length where the mask is known). */
      addresses: Type.Optional(Type.Array(Type.String())),
    }),
  ),
  addresses: Type.Array(Type.String()),
  neighbours: Type.Array(
    Type.Object({
      localPort: Type.String(),
      chassisId: Type.Optional(Type.String()),
      portId: Type.Optional(Type.String()),
      sysName: Type.Optional(Type.String()),
      managementAddress: Type.Optional(Type.String()),
    }),
  ),
});
export type HostSnmpFacts = Static<typeof HostSnmpFacts>;

/** What a run saw at one address (for a `missing` host: what the previous run saw). */
export const HostData = Type.Object({
  alive: Type.Union([Type.Literal('icmp'), Type.Literal('tcp')]),
  rttMs: Type.Optional(Type.Number()),
  openPorts: Type.Array(Type.Integer()),
  hostname: Type.Optional(Type.String()),
  services: Type.Record(
    Type.String(),
    Type.Object({
      ssh: Type.Optional(Type.String()),
      httpTitle: Type.Optional(Type.String()),
      httpServer: Type.Optional(Type.String()),
      tlsSubject: Type.Optional(Type.String()),
      tlsSans: Type.Optional(Type.Array(Type.String())),
    }),
  ),
  snmp: Type.Optional(HostSnmpFacts),
  notes: Type.Array(Type.String()),
  /** For `changed` hosts: which parts differ from the previous run (`openPorts`, `hostname`, `services`, `snmp`). */
  changedFields: Type.Optional(Type.Array(Type.String())),
});
export type HostData = Static<typeof HostData>;

/** One host of a run: its address, how it compares with the previous run, what was seen, and the CI it is. */
export const ScanHost = Type.Object({
  address: Type.String(),
  change: enumOf(HOST_CHANGES),
  data: HostData,
  ci: nullable(Type.Object({ id: Id, name: Type.String(), type: Type.String() })),
});
export type ScanHost = Static<typeof ScanHost>;

/** Query of a run's hosts: pages in address order, optionally only one change kind. */
export const ScanHostQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    change: Type.Optional(enumOf(HOST_CHANGES)),
  },
  { additionalProperties: false },
);
export type ScanHostQuery = Static<typeof ScanHostQuery>;
