import { type ConditionResult, evaluateConditions, firstFailure } from '../conditions/condition-evaluator';
import { type Condition, ConditionSyntaxError, parseConditions } from '../conditions/condition-parser';
import type { CheckResultContext, PlaceholderName } from '../conditions/placeholders';

/**
 * How a run of a check ended: `up` when it ran and every condition passed, `down` when it ran and the target failed
 * (a condition failed, or the target could not be reached), `unknown` when the check itself could not run to a
 * verdict (stopped for a reason other than its timeout, or a fault in Estate).
 */
export type CheckStatus = 'up' | 'down' | 'unknown';

/** How a run ended once warning conditions are judged too: `degraded` passed every condition but a warning one. */
export type CheckRunVerdict = CheckStatus | 'degraded';

/** What one run of a check produced; plain data, safe to store and to send to the UI (never holds credentials). */
export interface CheckOutcome {
  status: CheckStatus;
  /** Milliseconds from the start of the run to its end, on the monotonic clock. */
  durationMs: number;
  /** One line for people: the failure and its cause, or what was measured. */
  message: string;
  /** Every condition with whether it passed and the value it saw, in the check's order. */
  conditions: ConditionResult[];
  /** What the check type measured beyond the conditions: timings, addresses, redirect hops, … */
  details: Record<string, unknown>;
  /** What the conditions saw, so warning conditions can be judged on the same run (never sent anywhere). */
  context?: CheckResultContext;
  /**
   * Series the run measured (interface rates, scraped samples, plugin performance data), stored in the metric store
   * at the run's time with the check's `check_id` and `check_name` labels; never part of the stored result.
   */
  series?: CheckSeriesSample[];
}

/** One value a run measured, for the metric store. */
export interface CheckSeriesSample {
  /** A Prometheus metric name (`estate_snmp_interface_in_bits_per_second`, `node_load1`, …). */
  name: string;
  labels?: Readonly<Record<string, string>>;
  value: number;
  /** Its own time (epoch ms) when the target stamped it; absent: the run's time. */
  t?: number;
}

/** A prepared check's outcome: the type's, with warning conditions judged (their verdicts carry `warning: true`). */
export interface JudgedOutcome extends Omit<CheckOutcome, 'status' | 'conditions' | 'context'> {
  status: CheckRunVerdict;
  conditions: (ConditionResult & { warning?: boolean })[];
}

/** A check configuration the check type refuses; `field` names the offending field (`url`, `conditions[2]`, …). */
export class CheckConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'CheckConfigError';
  }
}

/**
 * One kind of check (HTTP, TCP, …). `validate` turns what a user saved into the type's own configuration, once,
 * when the check is saved; `run` then runs that configuration any number of times.
 */
export interface CheckType<Config> {
  /** The name a check's `type` field holds: `http`, `tcp`, … */
  readonly type: string;
  /** The condition placeholders this type fills; conditions naming any other are refused when saved. */
  readonly placeholders: readonly PlaceholderName[];
  /** The conditions a check of this type gets when it names none. */
  readonly defaultConditions: readonly string[];
  /**
   * The secrets the type takes (`password`, `token`, …): stored sealed apart from the configuration, handed to
   * `validate` when the check is prepared, and never part of an outcome. Absent: none.
   */
  readonly secretNames?: readonly string[];
  /**
   * Checks and normalises a raw configuration (defaults filled, conditions parsed; `raw.conditions` holds the
   * condition list) with its secrets; throws {@link CheckConfigError}.
   */
  validate(raw: unknown, secrets?: Readonly<Record<string, string>>): Config;
  /**
   * What a validated check reaches, for people (`https://example.org/health`, `db1:5432`) and for the scheduler's
   * per-target cap, which groups runs by the host part (see {@link targetHost}).
   */
  target(config: Config): string;
  /**
   * Runs the check once. Resolves, never rejects, for anything the target does (refused, silent, endless, invalid
   * TLS, …): that is a `down` outcome with its cause. Stops soon after `signal` aborts and resolves then; a signal
   * whose reason is a timeout gives `down`, any other reason `unknown`.
   */
  run(config: Config, signal: AbortSignal): Promise<CheckOutcome>;
}

/** A validated check, bound to its type: what a scheduler's executor calls. */
export interface PreparedCheck {
  readonly type: string;
  /** What it reaches, as its type words it. */
  readonly target: string;
  run(signal: AbortSignal): Promise<JudgedOutcome>;
}

/** What {@link CheckTypeRegistry.prepare} binds besides the type's configuration. */
export interface PrepareOptions {
  /** Conditions whose failure turns a passing run into a degraded one. */
  warningConditions?: readonly string[];
  secrets?: Readonly<Record<string, string>>;
}

/** The check types Estate knows, by type name. */
export class CheckTypeRegistry {
  private readonly byType = new Map<string, CheckType<unknown>>();

  constructor(types: readonly CheckType<unknown>[] = []) {
    for (const type of types) this.register(type);
  }

  /** Adds a check type; a second type with the same name is a programming error and throws. */
  register(type: CheckType<unknown>): void {
    if (this.byType.has(type.type)) throw new Error(`Check type ${type.type} is registered twice.`);
    this.byType.set(type.type, type);
  }

  /** The check type named `type`, or undefined. */
  get(type: string): CheckType<unknown> | undefined {
    return this.byType.get(type);
  }

  /** The registered type names, in registration order. */
  types(): string[] {
    return [...this.byType.keys()];
  }

  /**
   * Validates `config` for `type` and binds them, so the check can run without validating again. Throws a
   * {@link CheckConfigError} for an unknown type or a configuration the type refuses. A run of the prepared check that
   * throws (a fault in Estate, not in the target) resolves to an `unknown` outcome naming the fault.
   */
  prepare(type: string, config: unknown, options: PrepareOptions = {}): PreparedCheck {
    const checkType = this.byType.get(type);
    if (!checkType) throw new CheckConfigError('type', `unknown check type "${type}"; known: ${this.types().join(', ')}`);
    const secrets = options.secrets ?? {};
    const accepted = new Set(checkType.secretNames ?? []);
    for (const name of Object.keys(secrets)) {
      if (!accepted.has(name)) {
        const known = accepted.size === 0 ? 'it takes none' : `it takes ${[...accepted].join(', ')}`;
        throw new CheckConfigError(`secrets.${name}`, `a ${type} check has no secret "${name}"; ${known}`);
      }
    }
    const validated = checkType.validate(config, secrets);
    const warnings = parseWarningConditions(options.warningConditions, checkType.placeholders);
    return {
      type,
      target: checkType.target(validated),
      async run(signal) {
        const started = performance.now();
        let outcome: CheckOutcome;
        try {
          outcome = await checkType.run(validated, signal);
        } catch (err) {
          outcome = {
            status: 'unknown',
            durationMs: performance.now() - started,
            message: `The check could not run: ${(err as Error).message}`,
            conditions: [],
            details: {},
          };
        }
        return judgeWarnings(outcome, warnings);
      },
    };
  }
}

function parseWarningConditions(raw: readonly string[] | undefined, placeholders: readonly PlaceholderName[]): Condition[] {
  if (raw === undefined || raw.length === 0) return [];
  try {
    return parseConditions([...raw], { allowedPlaceholders: placeholders });
  } catch (err) {
    if (err instanceof ConditionSyntaxError) throw new CheckConfigError(`warningConditions[${err.index ?? 0}]`, err.message);
    throw err;
  }
}

/** Judges warning conditions on a run the type's own conditions passed; a failure makes it degraded. */
function judgeWarnings(outcome: CheckOutcome, warnings: readonly Condition[]): JudgedOutcome {
  const { context, ...rest } = outcome;
  if (warnings.length === 0 || context === undefined || outcome.status !== 'up') return rest;
  const verdicts = evaluateConditions(warnings, context).map((verdict) => ({ ...verdict, warning: true }));
  const failed = firstFailure(verdicts);
  return {
    ...rest,
    status: failed ? 'degraded' : 'up',
    message: failed ? `Warning: ${failed.reason}` : rest.message,
    conditions: [...rest.conditions, ...verdicts],
  };
}

/**
 * Parses a check's condition list for a type (its defaults when the list is missing or empty); a bad condition is a
 * {@link CheckConfigError} on `conditions[i]` with the parser's column and expectation.
 */
export function parseCheckConditions(
  raw: unknown,
  placeholders: readonly PlaceholderName[],
  defaults: readonly string[],
): { sources: string[]; parsed: Condition[] } {
  if (raw !== undefined && (!Array.isArray(raw) || raw.some((c) => typeof c !== 'string'))) {
    throw new CheckConfigError('conditions', 'must be a list of condition strings');
  }
  const sources = raw === undefined || raw.length === 0 ? [...defaults] : (raw as string[]);
  try {
    return { sources, parsed: parseConditions(sources, { allowedPlaceholders: placeholders }) };
  } catch (err) {
    if (err instanceof ConditionSyntaxError) throw new CheckConfigError(`conditions[${err.index ?? 0}]`, err.message);
    throw err;
  }
}

/** What a run found, for {@link concludeRun}. */
export interface RunFindings {
  conditions: readonly Condition[];
  context: CheckResultContext;
  startedAt: number;
  /** Set when the run could not get what the conditions judge (no connection, no response): the outcome is down. */
  failure?: string;
  /** Set when the run was stopped by its signal: a timeout is down, any other reason unknown. */
  aborted?: AbortSignal;
  /** What the run measured, for the outcome's message when everything passed. */
  summary: string;
  details: Record<string, unknown>;
}

/**
 * Evaluates the conditions and words the outcome. Conditions are evaluated even when the run failed, so the result
 * shows which of them could not be judged (`[STATUS] (absent) < 400`).
 */
export function concludeRun(findings: RunFindings): CheckOutcome {
  const conditions = evaluateConditions(findings.conditions, findings.context);
  const durationMs = performance.now() - findings.startedAt;
  const base = { durationMs, conditions, details: findings.details, context: findings.context };
  if (findings.aborted) {
    const reason = findings.aborted.reason as { name?: string; message?: string } | undefined;
    const timedOut = reason?.name === 'TimeoutError';
    const why = reason?.message ?? 'aborted';
    return { ...base, status: timedOut ? 'down' : 'unknown', message: timedOut ? `Timed out: ${why}` : `Stopped: ${why}` };
  }
  if (findings.failure !== undefined) return { ...base, status: 'down', message: findings.failure };
  const failed = firstFailure(conditions);
  if (failed) return { ...base, status: 'down', message: `Condition failed: ${failed.reason}` };
  return { ...base, status: 'up', message: findings.summary };
}

/**
 * The host a target names, lower-cased, for the per-target cap: `https://Example.org:8443/x` → `example.org`,
 * `db1:5432` → `db1`, `[2001:db8::1]:53` → `2001:db8::1`; anything else as it is.
 */
export function targetHost(target: string): string {
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return new URL(target).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  } catch {
    return target.toLowerCase();
  }
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(target);
  if (bracketed) return (bracketed[1] as string).toLowerCase();
  const hostPort = /^([^:]+):\d+$/.exec(target);
  return (hostPort ? (hostPort[1] as string) : target).toLowerCase();
}

/**
 * The `conclude` of one run: {@link concludeRun} with the run's conditions, start, signal (an aborted signal makes
 * the outcome a timeout or a stop) and details filled in; the type passes what it saw, a failure and a summary.
 */
export function concluder(
  conditions: readonly Condition[],
  startedAt: number,
  signal: AbortSignal,
  details: Record<string, unknown>,
): (context: CheckResultContext, failure: string | undefined, summary?: string) => CheckOutcome {
  return (context, failure, summary = '') =>
    concludeRun({ conditions, context, startedAt, aborted: signal.aborted ? signal : undefined, failure, summary, details });
}
