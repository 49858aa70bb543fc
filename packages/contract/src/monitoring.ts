import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';

/*
 * Monitoring: checks (HTTP, TCP, …) that run on an interval, their state (up, degraded, down, unknown) with its
 * history and uptime, and their last results. Routes live under `/api/v1/checks` and `/api/v1/check-types`.
 */

const enumOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/**
 * A check's state. `up`: its last run passed every condition. `degraded`: it passed every condition but failed a
 * warning condition. `down`: it failed (a condition, or the target could not be reached) on more consecutive runs
 * than its retries allow. `unknown`: it has not run yet, or could not run to a verdict (a fault in Estate, a
 * collector offline).
 */
export const CHECK_STATES = ['up', 'degraded', 'down', 'unknown'] as const;
export type CheckState = (typeof CHECK_STATES)[number];

/** How one run ended; `degraded` when every condition passed but a warning condition failed. */
export const CHECK_RUN_STATUSES = ['up', 'degraded', 'down', 'unknown'] as const;
export type CheckRunStatus = (typeof CHECK_RUN_STATUSES)[number];

/** The record types a DNS check can ask for. */
export const DNS_RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SOA', 'PTR', 'SRV', 'CAA'] as const;

/** A check type's name: `http`, `tcp`, `dns`, … (`GET /api/v1/check-types` lists those this server runs). */
const CheckTypeName = Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z][a-z0-9-]*$' });
/** A condition in the style of Gatus: `[STATUS] == 200`, `[BODY].data.ok == true`, `[RESPONSE_TIME] < 500`. */
const ConditionText = Type.String({ minLength: 1, maxLength: 1_000 });
/** Type-specific settings (`url`, `method`, `host`, `port`, …), checked by the check type when saved. */
const CheckConfig = Type.Record(Type.String(), Type.Unknown(), { description: "The check type's own settings" });
/** Secrets by name (a password, a token): write-only, sealed at rest, never returned or logged. */
const CheckSecrets = Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,63}$' }), Type.String({ maxLength: 4_096 }));
const IntervalSeconds = Type.Integer({ minimum: 10, maximum: 86_400, description: 'Seconds between runs (10 s to a day)' });
const TimeoutSeconds = Type.Number({ minimum: 0.1, maximum: 300, description: 'Seconds a run may take; at most the interval' });
const Retries = Type.Integer({
  minimum: 0,
  maximum: 10,
  description: 'Failed runs in a row that keep the previous state before the check goes down',
});

/** One condition as a run judged it. */
export const ConditionVerdict = Type.Object({
  condition: Type.String(),
  passed: Type.Boolean(),
  /** The condition with the value it saw (`[STATUS] (503) == 200`): why it failed, or what was measured. */
  reason: Type.Optional(Type.String()),
  /** A warning condition: failing it makes the run degraded, not down. */
  warning: Type.Optional(Type.Boolean()),
});
export type ConditionVerdict = Static<typeof ConditionVerdict>;

/** One run of a check. */
export const CheckResult = Type.Object({
  at: EpochMs,
  status: enumOf(CHECK_RUN_STATUSES),
  durationMs: Type.Number({ minimum: 0 }),
  /** One line: what failed and why, or what was measured. */
  message: Type.String(),
  conditions: Type.Array(ConditionVerdict),
  /** What the type measured beyond the conditions: timings, addresses, certificate, redirect hops, … */
  details: Type.Record(Type.String(), Type.Unknown()),
});
export type CheckResult = Static<typeof CheckResult>;

/** Where a check is now. */
export const CheckStatus = Type.Object({
  state: enumOf(CHECK_STATES),
  /** When it entered this state; null before its first run. */
  since: nullable(EpochMs),
  lastRunAt: nullable(EpochMs),
  lastDurationMs: nullable(Type.Number({ minimum: 0 })),
  lastMessage: nullable(Type.String()),
  /** Failed runs in a row (down or unknown runs); 0 after a passing one. */
  consecutiveFailures: Type.Integer({ minimum: 0 }),
  /** Whether the state changed so often lately that it is flapping (alerting holds back on flapping checks). */
  flapping: Type.Boolean(),
});
export type CheckStatus = Static<typeof CheckStatus>;

/** A check as the API shows it. */
export const Check = Type.Object({
  id: Id,
  name: Type.String(),
  type: CheckTypeName,
  enabled: Type.Boolean(),
  /** What it reaches, in words: a URL, `host:port`, … (per-target concurrency caps use it). */
  target: Type.String(),
  intervalSeconds: IntervalSeconds,
  timeoutSeconds: TimeoutSeconds,
  retries: Retries,
  config: CheckConfig,
  /** Conditions every run must pass (the type's defaults when saved empty). */
  conditions: Type.Array(Type.String()),
  /** Conditions whose failure makes a passing run degraded rather than down. */
  warningConditions: Type.Array(Type.String()),
  /** The names of the secrets stored for it, never their values. */
  secretNames: Type.Array(Type.String()),
  /** The configuration items it watches. */
  ciIds: Type.Array(Id),
  /**
   * Push checks: the token of their ping URL, `/api/v1/push/{pushToken}` (with `/start`, `/fail` or `/{exit code}`
   * after it); null for other types.
   */
  pushToken: nullable(Type.String()),
  /**
   * The host agent that runs it: agent-side types (systemd, process, filesystem, file, certificate-file, nagios) on its
   * own host; network types from its site, as a remote collector (`estate-agent run --collector`). Null: the server.
   */
  agentId: nullable(Id),
  status: CheckStatus,
  createdAt: EpochMs,
  updatedAt: EpochMs,
  version: Type.Integer({ minimum: 1, description: 'The row version, as in the ETag' }),
});
export type Check = Static<typeof Check>;

/** Creates a check. Only `name`, `type` and the type's own settings in `config` are required. */
export const CreateCheckRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    type: CheckTypeName,
    enabled: Type.Optional(Type.Boolean({ default: true })),
    intervalSeconds: Type.Optional(IntervalSeconds),
    timeoutSeconds: Type.Optional(TimeoutSeconds),
    retries: Type.Optional(Retries),
    config: CheckConfig,
    conditions: Type.Optional(Type.Array(ConditionText, { maxItems: 50 })),
    warningConditions: Type.Optional(Type.Array(ConditionText, { maxItems: 50 })),
    secrets: Type.Optional(CheckSecrets),
    ciIds: Type.Optional(Type.Array(Id, { maxItems: 100, uniqueItems: true })),
    /** The host agent that runs it: required for agent-side types; for network types a remote collector (null: the server); refused for push. */
    agentId: Type.Optional(nullable(Id)),
  },
  { additionalProperties: false },
);
export type CreateCheckRequest = Static<typeof CreateCheckRequest>;

/**
 * Changes a check (If-Match required). `config` replaces the whole configuration; secrets left out keep their stored
 * value, a secret set to the empty string is removed.
 */
export const UpdateCheckRequest = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    enabled: Type.Optional(Type.Boolean()),
    intervalSeconds: Type.Optional(IntervalSeconds),
    timeoutSeconds: Type.Optional(TimeoutSeconds),
    retries: Type.Optional(Retries),
    config: Type.Optional(CheckConfig),
    conditions: Type.Optional(Type.Array(ConditionText, { maxItems: 50 })),
    warningConditions: Type.Optional(Type.Array(ConditionText, { maxItems: 50 })),
    secrets: Type.Optional(CheckSecrets),
    ciIds: Type.Optional(Type.Array(Id, { maxItems: 100, uniqueItems: true })),
    agentId: Type.Optional(nullable(Id)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCheckRequest = Static<typeof UpdateCheckRequest>;

/** Runs a check once without saving it ("test now" in the form); the answer is the run's result. */
export const TestCheckRequest = Type.Object(
  {
    type: CheckTypeName,
    timeoutSeconds: Type.Optional(TimeoutSeconds),
    config: CheckConfig,
    conditions: Type.Optional(Type.Array(ConditionText, { maxItems: 50 })),
    warningConditions: Type.Optional(Type.Array(ConditionText, { maxItems: 50 })),
    secrets: Type.Optional(CheckSecrets),
    /** When testing a change to a saved check: its stored secrets are used for those not given. */
    checkId: Type.Optional(Id),
  },
  { additionalProperties: false },
);
export type TestCheckRequest = Static<typeof TestCheckRequest>;

/** Filters of the checks list; every filter narrows. */
export const CheckListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    state: Type.Optional(enumOf(CHECK_STATES)),
    type: Type.Optional(CheckTypeName),
    /** Part of the name or target, any case. */
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    ciId: Type.Optional(Id),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CheckListQuery = Static<typeof CheckListQuery>;

/** How many checks are in each state (disabled checks counted apart), for the list's summary. */
export const CheckSummary = Type.Object({
  total: Type.Integer({ minimum: 0 }),
  up: Type.Integer({ minimum: 0 }),
  degraded: Type.Integer({ minimum: 0 }),
  down: Type.Integer({ minimum: 0 }),
  unknown: Type.Integer({ minimum: 0 }),
  disabled: Type.Integer({ minimum: 0 }),
});
export type CheckSummary = Static<typeof CheckSummary>;

/** The last results of a check, newest first (a bounded number is kept per check). */
export const CheckResultList = Type.Object({ items: Type.Array(CheckResult) });
export type CheckResultList = Static<typeof CheckResultList>;

export const CheckResultQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })) },
  { additionalProperties: false },
);
export type CheckResultQuery = Static<typeof CheckResultQuery>;

/** One change of a check's state. */
export const CheckStateChange = Type.Object({
  at: EpochMs,
  state: enumOf(CHECK_STATES),
  /** The state it left; null for the first. */
  previous: nullable(enumOf(CHECK_STATES)),
  message: Type.String(),
});
export type CheckStateChange = Static<typeof CheckStateChange>;

export const CheckHistoryQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

/** Uptime over periods ending now (24 h, 7 d, 30 d, 90 d), or over `from`–`to` when both are given. */
export const CheckUptimeQuery = Type.Object({ from: Type.Optional(EpochMs), to: Type.Optional(EpochMs) }, { additionalProperties: false });
export type CheckUptimeQuery = Static<typeof CheckUptimeQuery>;

/** A check's uptime over one period, computed exactly from its state history. */
export const UptimePeriod = Type.Object({
  /** `24h`, `7d`, `30d`, `90d` or `custom`. */
  label: Type.String(),
  from: EpochMs,
  to: EpochMs,
  /** Up (or degraded) time over the time its state was known, 0–1; null when it was never known in the period. */
  ratio: nullable(Type.Number({ minimum: 0, maximum: 1 })),
  upMs: Type.Integer({ minimum: 0 }),
  degradedMs: Type.Integer({ minimum: 0 }),
  downMs: Type.Integer({ minimum: 0 }),
  unknownMs: Type.Integer({ minimum: 0 }),
  /** Times it went down in the period. */
  incidents: Type.Integer({ minimum: 0 }),
});
export type UptimePeriod = Static<typeof UptimePeriod>;

export const CheckUptime = Type.Object({
  periods: Type.Array(UptimePeriod),
  /**
   * Day by day (UTC days, labelled `2026-12-04`, the last one up to now): the last 90 days for the standard periods,
   * the days of `from`–`to` (at most 366) for a custom one — what a status page's uptime bars show.
   */
  days: Type.Array(UptimePeriod),
});
export type CheckUptime = Static<typeof CheckUptime>;

/** A check type this server runs, for building forms: its placeholders, default conditions and secret names. */
export const CheckTypeInfo = Type.Object({
  type: CheckTypeName,
  /** The condition placeholders its conditions may use (`[STATUS]`, `[BODY]`, …). */
  placeholders: Type.Array(Type.String()),
  defaultConditions: Type.Array(Type.String()),
  /** The secrets it accepts (`password`, …). */
  secretNames: Type.Array(Type.String()),
  /** A configuration the type accepts, for a form to start from. */
  example: Type.Record(Type.String(), Type.Unknown()),
});
export type CheckTypeInfo = Static<typeof CheckTypeInfo>;

export const CheckTypeList = Type.Object({ items: Type.Array(CheckTypeInfo) });
export type CheckTypeList = Static<typeof CheckTypeList>;

/** The answer to "run now": the run's result, recorded like a scheduled run's. */
export const CheckRunAnswer = Type.Object({ result: CheckResult, status: CheckStatus });
export type CheckRunAnswer = Static<typeof CheckRunAnswer>;

/** The path of a push check's ping URL. */
export const PushParams = Type.Object(
  {
    token: Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  },
  { additionalProperties: false },
);

/** A ping's kind after the token: start, fail, or an exit code (0 success, anything else failure). */
export const PushKindParams = Type.Object(
  {
    token: Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
    kind: Type.String({ pattern: '^(start|fail|[0-9]{1,3})$' }),
  },
  { additionalProperties: false },
);

/** `rid` pairs a start ping with the ping that ends its run (any text up to 64 characters). */
export const PushQuery = Type.Object({ rid: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }, { additionalProperties: false });
