import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';
import { InterfaceKindSchema } from './discovery-observed';

/*
 * The host agent's side of the API. Administrators create enrollment tokens and manage agents under
 * `/api/v1/enrollment-tokens` and `/api/v1/agents`; an agent enrolls once at `/api/v1/agent/enroll` and then calls
 * `/api/v1/agent/*` with every request signed by its own Ed25519 key (see agent-protocol.ts).
 */

export const AGENT_STATUSES = ['pending', 'active', 'revoked'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];
export const AgentStatusSchema = Type.Unsafe<AgentStatus>({ type: 'string', enum: [...AGENT_STATUSES] });

export const ENROLLMENT_TOKEN_STATUSES = ['unused', 'used', 'expired', 'revoked'] as const;
export type EnrollmentTokenStatus = (typeof ENROLLMENT_TOKEN_STATUSES)[number];

/** Longest an enrollment token may live: one week. Tokens default to one hour. */
export const ENROLLMENT_TOKEN_MAX_MINUTES = 7 * 24 * 60;

/** Creates a single-use enrollment token. `requireApproval` makes the enrolled agent wait as `pending`. */
export const CreateEnrollmentTokenRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    ttlMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: ENROLLMENT_TOKEN_MAX_MINUTES, default: 60 })),
    requireApproval: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateEnrollmentTokenRequest = Static<typeof CreateEnrollmentTokenRequest>;

/** An enrollment token as listed: never its secret, which is stored hashed and shown once at creation. */
export const EnrollmentToken = Type.Object({
  id: Id,
  name: Type.String(),
  status: Type.Unsafe<EnrollmentTokenStatus>({ type: 'string', enum: [...ENROLLMENT_TOKEN_STATUSES] }),
  requireApproval: Type.Boolean(),
  createdAt: EpochMs,
  expiresAt: EpochMs,
  usedAt: Type.Union([EpochMs, Type.Null()]),
  /** The agent that enrolled with it. */
  agentId: Type.Union([Id, Type.Null()]),
  createdBy: Type.Union([Id, Type.Null()]),
});
export type EnrollmentToken = Static<typeof EnrollmentToken>;

/** The answer to a token's creation: the token itself (`estate-enroll-…`), shown this once, and the key to pin. */
export const CreatedEnrollmentToken = Type.Object({
  enrollmentToken: EnrollmentToken,
  token: Type.String(),
  /**
   * SHA-256 (hex) of the server's agent-identity key: the enroll command passes it as `--server-fingerprint`, so the
   * agent refuses a server presenting any other key instead of trusting the first one it meets.
   */
  serverKeyFingerprint: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});
export type CreatedEnrollmentToken = Static<typeof CreatedEnrollmentToken>;

/** An enrolled agent as administrators see it. `online` is derived from `lastSeenAt` and the reporting interval. */
export const Agent = Type.Object({
  id: Id,
  hostname: Type.String(),
  machineId: Type.Union([Type.String(), Type.Null()]),
  status: AgentStatusSchema,
  online: Type.Boolean(),
  version: Type.String(),
  os: Type.Union([Type.String(), Type.Null()]),
  /** The CI this agent reports for, once its first inventory arrived. */
  ciId: Type.Union([Id, Type.Null()]),
  keyFingerprint: Type.String({ description: 'SHA-256 of the agent public key (SPKI DER), hex' }),
  enrolledAt: EpochMs,
  approvedAt: Type.Union([EpochMs, Type.Null()]),
  revokedAt: Type.Union([EpochMs, Type.Null()]),
  lastSeenAt: Type.Union([EpochMs, Type.Null()]),
  lastAddress: Type.Union([Type.String(), Type.Null()]),
  /** Records the agent had to drop from its full buffer while the server was unreachable, as last reported. */
  droppedRecords: Type.Integer({ minimum: 0 }),
  /**
   * True for the agent `estate serve` runs for its own machine (the local agent): the UI marks it "This server", and
   * the API refuses to revoke it (turn it off with `ESTATE_LOCAL_AGENT=false` instead).
   */
  local: Type.Boolean(),
});
export type Agent = Static<typeof Agent>;

/** The file name of the agent's single-file bundle, as served under `/api/v1/agent/download/`. */
export const AGENT_BUNDLE_FILE = 'estate-agent.mjs';
/** The Node.js versions the agent bundle runs on; the host needs one of them installed. */
export const AGENT_NODE_RANGE = '>=20.19';

/**
 * The agent as this server offers it for download: the single-file bundle (`estate-agent.mjs`, run by Node.js
 * `AGENT_NODE_RANGE`) and its SHA-256, which the install command embeds and checks before running anything.
 * Public: the bundle holds no secrets (it is the same for every server of this version).
 */
export const AgentDownload = Type.Object({
  file: Type.String(),
  /** Path of the bundle on this server, e.g. `/api/v1/agent/download/estate-agent.mjs`. */
  path: Type.String(),
  /** SHA-256 of the bundle, hex. */
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  /** Size in bytes. */
  size: Type.Integer({ minimum: 0 }),
  /** The Node.js versions the bundle needs on the host, as a semver range. */
  node: Type.String(),
  /** The address hosts reach the server at (`ESTATE_PUBLIC_URL`), when configured; else the browser's origin is used. */
  serverUrl: Type.Union([Type.String(), Type.Null()]),
});
export type AgentDownload = Static<typeof AgentDownload>;

export const AgentListQuery = Type.Object(
  {
    status: Type.Optional(AgentStatusSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type AgentListQuery = Static<typeof AgentListQuery>;

/** How often an agent reports, as the server asks. */
export const AgentIntervals = Type.Object({
  inventorySeconds: Type.Integer({ minimum: 60 }),
  metricsSeconds: Type.Integer({ minimum: 5 }),
});
export type AgentIntervals = Static<typeof AgentIntervals>;

/**
 * Enrollment: the one agent call made without a signature. The token is consumed whether or not the agent is then
 * approved. `publicKey` is the agent's Ed25519 public key as SPKI PEM; the private key never leaves the host.
 */
export const EnrollRequest = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200 }),
    publicKey: Type.String({ minLength: 1, maxLength: 1000 }),
    hostname: Type.String({ minLength: 1, maxLength: 253 }),
    machineId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    version: Type.String({ minLength: 1, maxLength: 50 }),
    os: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type EnrollRequest = Static<typeof EnrollRequest>;

/**
 * The server's answer to an enrollment: the agent's id and the server's identity key (Ed25519 SPKI PEM), which the
 * agent pins and checks on every later answer (`X-Estate-Server-Signature`).
 */
export const EnrollResponse = Type.Object({
  agentId: Id,
  status: AgentStatusSchema,
  serverKey: Type.String(),
  serverKeyFingerprint: Type.String(),
  intervals: AgentIntervals,
});
export type EnrollResponse = Static<typeof EnrollResponse>;

/** `GET /api/v1/agent/config`: what a signed-in agent should do now. Also serves as its heartbeat. */
export const AgentConfig = Type.Object({
  agentId: Id,
  status: AgentStatusSchema,
  intervals: AgentIntervals,
  serverTime: EpochMs,
});
export type AgentConfig = Static<typeof AgentConfig>;

const name = (maxLength = 200) => Type.String({ maxLength });
const optNum = () => Type.Optional(Type.Number({ minimum: 0 }));
const keyed = <T extends Parameters<typeof Type.Record>[1]>(value: T, maxProperties = 10_000) =>
  Type.Record(Type.String({ minLength: 1, maxLength: 300 }), value, { maxProperties });

/**
 * What an agent knows about its host. Collections are maps keyed by a stable name (package, unit, interface,
 * mount point, device, `tcp/22`) so that a delta is a JSON merge patch (RFC 7386) of this document. Values that
 * change all the time (use, uptime) are metrics, not inventory.
 */
export const HostSnapshot = Type.Object(
  {
    hostname: name(253),
    fqdn: Type.Optional(name(253)),
    machineId: Type.Optional(name()),
    system: Type.Object(
      {
        manufacturer: Type.Optional(name()),
        model: Type.Optional(name()),
        serial: Type.Optional(name()),
        uuid: Type.Optional(name()),
        /**
         * What the host runs in, as systemd-detect-virt names it (`kvm`, `vmware`, `microsoft`, `docker`, `podman`,
         * `lxc`, `vm-other`, `container-other`…); absent on bare metal.
         */
        virtualization: Type.Optional(name()),
      },
      { additionalProperties: false },
    ),
    cpu: Type.Object(
      {
        /** The CPU's maker in the words people use ("Intel", "AMD", "Ampere"). */
        vendor: Type.Optional(name()),
        model: Type.Optional(name()),
        cores: Type.Integer({ minimum: 0 }),
        architecture: Type.Optional(name(50)),
      },
      { additionalProperties: false },
    ),
    memoryBytes: Type.Number({ minimum: 0 }),
    os: Type.Object(
      { name: name(), version: Type.Optional(name()), kernel: Type.Optional(name()), codename: Type.Optional(name()) },
      { additionalProperties: false },
    ),
    interfaces: keyed(
      Type.Object(
        {
          mac: Type.Optional(name(17)),
          addresses: Type.Array(name(64), { maxItems: 256 }),
          speedMbps: optNum(),
          /** Not a physical device (older agents' only word on the kind; `kind` says more). */
          virtual: Type.Optional(Type.Boolean()),
          /** What the kernel says the interface is: a device (`physical`), a bridge, a VLAN, a bond, a tunnel… */
          kind: Type.Optional(InterfaceKindSchema),
          adminUp: Type.Optional(Type.Boolean()),
          operUp: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      1000,
    ),
    disks: keyed(
      Type.Object(
        {
          sizeBytes: Type.Number({ minimum: 0 }),
          model: Type.Optional(name()),
          serial: Type.Optional(name()),
          type: Type.Optional(name(50)),
          /** Spinning media (queue/rotational); virtual disks often claim to spin. */
          rotational: Type.Optional(Type.Boolean()),
          removable: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
      1000,
    ),
    filesystems: keyed(
      Type.Object(
        { device: Type.Optional(name()), fsType: Type.Optional(name(50)), sizeBytes: Type.Number({ minimum: 0 }) },
        { additionalProperties: false },
      ),
      1000,
    ),
    packages: keyed(Type.Object({ version: name(), arch: Type.Optional(name(50)) }, { additionalProperties: false }), 20_000),
    services: keyed(Type.Object({ state: name(50), enabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), 5000),
    /** Why `services` is empty because it cannot be known (no systemd in a container), in a sentence; absent otherwise. */
    servicesUnavailable: Type.Optional(name(300)),
    ports: keyed(Type.Object({ address: Type.Optional(name(64)), process: Type.Optional(name()) }, { additionalProperties: false }), 5000),
    /** When the host booted (epoch ms). */
    bootTime: Type.Optional(EpochMs),
  },
  { additionalProperties: false },
);
export type HostSnapshot = Static<typeof HostSnapshot>;

const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });

/**
 * An inventory report carrying the whole snapshot: what an agent sends first, and whenever the server does not hold
 * the snapshot a delta would apply to. `hash` is the SHA-256 (hex) of the snapshot's canonical JSON.
 */
export const FullInventoryReport = Type.Object(
  { kind: Type.Literal('full'), collectedAt: EpochMs, hash: Sha256Hex, snapshot: HostSnapshot },
  { additionalProperties: false },
);
export type FullInventoryReport = Static<typeof FullInventoryReport>;

/**
 * An inventory report carrying a JSON merge patch (RFC 7386) against the snapshot whose hash is `baseHash` (the last
 * one the server acknowledged). `hash` is the SHA-256 (hex) of the canonical JSON of the snapshot after the patch.
 */
export const DeltaInventoryReport = Type.Object(
  {
    kind: Type.Literal('delta'),
    collectedAt: EpochMs,
    hash: Sha256Hex,
    baseHash: Sha256Hex,
    patch: Type.Record(Type.String(), Type.Unknown(), { maxProperties: 100 }),
  },
  { additionalProperties: false },
);
export type DeltaInventoryReport = Static<typeof DeltaInventoryReport>;

/**
 * An inventory report: a full snapshot or a delta, told apart by `kind`, so that a full report without its snapshot
 * or a delta without its base or patch fails validation like any malformed body. A delta on a base the server does
 * not hold is answered 409 (`urn:estate:problem:snapshot-mismatch`), and the agent then sends a full report. The
 * `discriminator` makes a validator report only the errors of the branch `kind` names.
 */
export const InventoryReport = Type.Unsafe<FullInventoryReport | DeltaInventoryReport>({
  oneOf: [FullInventoryReport, DeltaInventoryReport],
  discriminator: { propertyName: 'kind' },
});
export type InventoryReport = Static<typeof InventoryReport>;

/** The server's acknowledgement of an inventory report: the hash it now holds and the CI the host became. */
export const InventoryAck = Type.Object({ hash: Type.String(), ciId: Type.Union([Id, Type.Null()]) });
export type InventoryAck = Static<typeof InventoryAck>;

/**
 * A batch of metric samples. A series is a metric name plus labels (e.g. `fs.used_bytes` with `{mount: "/"}`);
 * points are `[epochMs, value]` in time order. The server stores each (series, time) once, so a resent batch is
 * harmless. `dropped` counts records the agent lost from its full buffer since it started.
 */
export const MetricsReport = Type.Object(
  {
    series: Type.Array(
      Type.Object(
        {
          name: Type.String({ pattern: '^[a-z][a-z0-9_.]*$', maxLength: 100 }),
          labels: Type.Optional(Type.Record(Type.String({ maxLength: 50 }), Type.String({ maxLength: 200 }), { maxProperties: 10 })),
          points: Type.Array(Type.Tuple([EpochMs, Type.Number()]), { minItems: 1, maxItems: 10_000 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 5000 },
    ),
    dropped: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type MetricsReport = Static<typeof MetricsReport>;

/** How many points a metrics report stored; points already held (a resend) are not counted again. */
export const MetricsAck = Type.Object({ accepted: Type.Integer({ minimum: 0 }) });
export type MetricsAck = Static<typeof MetricsAck>;

/**
 * Problem types of the agent API, beyond the common ones. An agent branches on these: a replay or a clock skew means
 * "sign afresh", a snapshot mismatch "send a full report", a pending agent "wait for approval".
 */
export const AgentProblemType = {
  /** The nonce of a signed request was seen before: a captured request sent again. */
  replay: 'urn:estate:problem:replay',
  /** The request's timestamp is further from the server's clock than AGENT_CLOCK_SKEW_MS. */
  clockSkew: 'urn:estate:problem:clock-skew',
  /** The agent enrolled with a token that needs approval, and no administrator has approved it yet. */
  agentPending: 'urn:estate:problem:agent-pending',
  /** An administrator revoked the agent; it must enroll again with a new token. */
  agentRevoked: 'urn:estate:problem:agent-revoked',
  /** A delta report's base is not the snapshot the server holds; send a full report. */
  snapshotMismatch: 'urn:estate:problem:snapshot-mismatch',
  /** The enrollment token is not one the server issued (or was mistyped). */
  enrollmentTokenInvalid: 'urn:estate:problem:enrollment-token-invalid',
  /** The enrollment token's lifetime is over. */
  enrollmentTokenExpired: 'urn:estate:problem:enrollment-token-expired',
  /** The enrollment token was already used by another enrollment: tokens are single-use. */
  enrollmentTokenUsed: 'urn:estate:problem:enrollment-token-used',
  /** An administrator revoked the enrollment token. */
  enrollmentTokenRevoked: 'urn:estate:problem:enrollment-token-revoked',
} as const;

/** The format of an enrollment token: `estate-enroll-` and 32 random bytes in base64url. */
export const ENROLLMENT_TOKEN_PATTERN = '^estate-enroll-[A-Za-z0-9_-]{43}$';

/** Query of the enrollment token list: newest first, keyset-paginated. */
export const EnrollmentTokenListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type EnrollmentTokenListQuery = Static<typeof EnrollmentTokenListQuery>;

/**
 * Container managers as systemd-detect-virt names them in `system.virtualization`; any other value names a virtual
 * machine. The agent reports one of these for a container, and the server types such a host as a container.
 */
export const CONTAINER_MANAGER_IDS: ReadonlySet<string> = new Set([
  'docker',
  'podman',
  'lxc',
  'lxc-libvirt',
  'systemd-nspawn',
  'openvz',
  'rkt',
  'wsl',
  'proot',
  'pouch',
  'container-other',
]);
