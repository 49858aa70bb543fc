import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { EpochMs, Id } from './common';
import { ConditionVerdict } from './monitoring';

/*
 * Agent-side checks: checks an administrator assigns to a host agent, which runs them on its own host and reports
 * their results through its signed, buffered channel. The server validates their configuration when saved; the agent
 * executes it. A Nagios plugin runs only when the host's own agent configuration allows it by name.
 */

/** The check types only an agent runs, on its own host. */
export const AGENT_CHECK_TYPES = ['systemd', 'process', 'filesystem', 'file', 'certificate-file', 'nagios'] as const;
export type AgentCheckType = (typeof AGENT_CHECK_TYPES)[number];

/** True when `type` is run by an agent rather than by the server. */
export function isAgentCheckType(type: string): type is AgentCheckType {
  return (AGENT_CHECK_TYPES as readonly string[]).includes(type);
}

const AbsolutePath = Type.String({ minLength: 1, maxLength: 4_096, pattern: '^/', description: 'An absolute path on the host' });
const Percent = Type.Number({ minimum: 0, maximum: 100 });

/**
 * The settings of each agent-side type. Thresholds are "at or above warn → degraded, at or above crit → down";
 * a check fails (down) when the thing it watches is absent, and is unknown when the agent cannot look.
 */
export const AgentCheckConfigs = {
  /** A systemd unit must be active (`systemctl show`: ActiveState). */
  systemd: Type.Object(
    { unit: Type.String({ minLength: 1, maxLength: 256, pattern: '^[A-Za-z0-9@_][A-Za-z0-9@._:\\\\-]*$' }) },
    { additionalProperties: false },
  ),
  /**
   * Processes whose name (`/proc/PID/comm`, exactly) or command line (containing the text) match must number from
   * `minCount` (default 1) to `maxCount`. Plain text, not a regular expression: nothing the server sends can make the
   * agent backtrack for ever.
   */
  process: Type.Object(
    {
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      commandContains: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
      minCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
      maxCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    },
    { additionalProperties: false },
  ),
  /** Use of the filesystem holding `path`, in blocks (default warn 85 %, crit 95 %) and inodes (when given). */
  filesystem: Type.Object(
    {
      path: AbsolutePath,
      warnPercent: Type.Optional(Percent),
      critPercent: Type.Optional(Percent),
      inodeWarnPercent: Type.Optional(Percent),
      inodeCritPercent: Type.Optional(Percent),
    },
    { additionalProperties: false },
  ),
  /** A file must exist (unless `mustExist` is false: then it must not), be younger than `maxAgeSeconds`, and sized within bounds. */
  file: Type.Object(
    {
      path: AbsolutePath,
      mustExist: Type.Optional(Type.Boolean()),
      maxAgeSeconds: Type.Optional(Type.Integer({ minimum: 1 })),
      minBytes: Type.Optional(Type.Integer({ minimum: 0 })),
      maxBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    },
    { additionalProperties: false },
  ),
  /** The first certificate of a PEM file: degraded under `warnDays` left (default 30), down under `critDays` (default 7) or expired. */
  'certificate-file': Type.Object(
    {
      path: AbsolutePath,
      warnDays: Type.Optional(Type.Number({ minimum: 0, maximum: 3_650 })),
      critDays: Type.Optional(Type.Number({ minimum: 0, maximum: 3_650 })),
    },
    { additionalProperties: false },
  ),
  /**
   * A Nagios-compatible plugin that the host's own agent configuration allows under `plugin`; `args` are appended to
   * the configured ones only when that configuration lists each of them. Exit 0 up, 1 degraded, 2 down, 3 unknown.
   */
  nagios: Type.Object(
    {
      plugin: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
      args: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 32 })),
    },
    { additionalProperties: false },
  ),
} as const;

export type AgentCheckConfig<T extends AgentCheckType> = Static<(typeof AgentCheckConfigs)[T]>;

/** An agent-side check's configuration checked, or the field it fails on and why. */
export type AgentCheckConfigVerdict<T extends AgentCheckType = AgentCheckType> =
  | { ok: true; config: AgentCheckConfig<T> }
  | { ok: false; field: string; message: string };

/**
 * Checks a configuration of an agent-side type against its schema and the rules a schema cannot say (a process check
 * names a process; a critical threshold is not below its warning one). The server runs it when a check is saved; the
 * agent again before it runs one, since it trusts nothing but its own configuration.
 */
export function checkAgentCheckConfig<T extends AgentCheckType>(type: T, raw: unknown): AgentCheckConfigVerdict<T> {
  const schema = AgentCheckConfigs[type];
  const first = [...Value.Errors(schema, raw)][0];
  if (first) {
    const extra = (first.params as { additionalProperties?: string[] }).additionalProperties;
    const field = extra?.[0] ?? (first.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'config');
    return { ok: false, field, message: extra ? 'is not a setting of this check type' : first.message };
  }
  const c = raw as Record<string, unknown>;
  if (type === 'process' && c.name === undefined && c.commandContains === undefined)
    return { ok: false, field: 'name', message: 'give the process name or a text its command line contains' };
  const pairs: [string, string][] = [
    ['minCount', 'maxCount'],
    ['warnPercent', 'critPercent'],
    ['inodeWarnPercent', 'inodeCritPercent'],
    ['minBytes', 'maxBytes'],
    ['critDays', 'warnDays'],
  ];
  for (const [low, high] of pairs) {
    const a = c[low];
    const b = c[high];
    if (typeof a === 'number' && typeof b === 'number' && a > b)
      return { ok: false, field: high, message: `must not be below ${low} (${a})` };
  }
  return { ok: true, config: raw as AgentCheckConfig<T> };
}

/**
 * One check an agent should run, as the server validated it: an agent-side type on its own host, or — for an agent
 * started as a collector — a network check type (HTTP, TCP, ICMP, DNS, …) run from the collector's site.
 */
export const AgentCheckDefinition = Type.Object({
  id: Id,
  name: Type.String(),
  /** An agent-side type (`systemd`, `nagios`, …) or, for a collector, a network type (`http`, `tcp`, `snmp`, …). */
  type: Type.String({ minLength: 1, maxLength: 64 }),
  intervalSeconds: Type.Integer({ minimum: 10 }),
  timeoutSeconds: Type.Number({ minimum: 0.1 }),
  /** The type's settings (unit, path, plugin name and arguments, thresholds; a network type's URL, host, port, …). */
  config: Type.Record(Type.String(), Type.Unknown()),
  /** A network check's conditions (Gatus style); absent for agent-side types. */
  conditions: Type.Optional(Type.Array(Type.String())),
  /** A network check's warning conditions: failing one makes a passing run degraded. */
  warningConditions: Type.Optional(Type.Array(Type.String())),
  /**
   * A network check's secrets (password, token, SNMP keys), sent only to the collector that runs it, over its signed
   * channel; the collector keeps them in its state directory (mode 0600) and never reports them.
   */
  secrets: Type.Optional(Type.Record(Type.String(), Type.String())),
  /** Changes whenever the check changes. */
  version: Type.Integer({ minimum: 1 }),
});
export type AgentCheckDefinition = Static<typeof AgentCheckDefinition>;

/** `version`: the version the agent holds; when it is still current the answer carries no checks. */
export const AgentCheckListQuery = Type.Object(
  {
    version: Type.Optional(Type.String({ maxLength: 128 })),
    /** True from an agent started with `--collector`: the list then holds the network checks assigned to it too. */
    collector: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type AgentCheckListQuery = Static<typeof AgentCheckListQuery>;

/** The checks assigned to the asking agent; `checks` null means "unchanged since the version you named". */
export const AgentCheckList = Type.Object({
  version: Type.String(),
  checks: Type.Union([Type.Array(AgentCheckDefinition), Type.Null()]),
});
export type AgentCheckList = Static<typeof AgentCheckList>;

/** One value a run measured (Nagios performance data, filesystem use, days left of a certificate). */
export const AgentCheckSeries = Type.Object(
  {
    name: Type.String({ pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$', maxLength: 200 }),
    labels: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 200 }), { maxProperties: 10 })),
    value: Type.Number(),
  },
  { additionalProperties: false },
);
export type AgentCheckSeries = Static<typeof AgentCheckSeries>;

/** One run of an agent-side check, stamped with the agent's clock. */
export const AgentCheckRun = Type.Object(
  {
    checkId: Id,
    at: EpochMs,
    status: Type.Unsafe<'up' | 'degraded' | 'down' | 'unknown'>({ type: 'string', enum: ['up', 'degraded', 'down', 'unknown'] }),
    durationMs: Type.Number({ minimum: 0 }),
    message: Type.String({ maxLength: 2_000 }),
    details: Type.Record(Type.String(), Type.Unknown()),
    /** A network check's condition verdicts, in the check's order (a collector's runs). */
    conditions: Type.Optional(Type.Array(ConditionVerdict, { maxItems: 100 })),
    series: Type.Optional(Type.Array(AgentCheckSeries, { maxItems: 200 })),
  },
  { additionalProperties: false },
);
export type AgentCheckRun = Static<typeof AgentCheckRun>;

/** A batch of runs, oldest first (a backlog after an outage arrives in order). */
export const AgentCheckReport = Type.Object(
  { runs: Type.Array(AgentCheckRun, { minItems: 1, maxItems: 1_000 }) },
  { additionalProperties: false },
);
export type AgentCheckReport = Static<typeof AgentCheckReport>;

/**
 * What the server did with a report: `recorded` runs became results; `ignored` runs were not newer than the check's
 * last result (a resend) or name a check not assigned to this agent (deleted or moved meanwhile).
 */
export const AgentCheckAck = Type.Object({ recorded: Type.Integer({ minimum: 0 }), ignored: Type.Integer({ minimum: 0 }) });
export type AgentCheckAck = Static<typeof AgentCheckAck>;
