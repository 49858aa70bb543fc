import { type ConditionResult, evaluateConditions, firstFailure } from '../conditions/condition-evaluator';
import { type Condition, ConditionSyntaxError, parseConditions } from '../conditions/condition-parser';
import type { CheckResultContext, PlaceholderName } from '../conditions/placeholders';

/**
 * How a run of a check ended: `up` when it ran and every condition passed, `down` when it ran and the target failed
 * (a condition failed, or the target could not be reached), `unknown` when the check itself could not run to a
 * verdict (stopped for a reason other than its timeout, or a fault in Estate).
 */
export type CheckStatus = 'up' | 'down' | 'unknown';

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
  /** Checks and normalises a raw configuration (defaults filled, conditions parsed); throws {@link CheckConfigError}. */
  validate(raw: unknown): Config;
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
  run(signal: AbortSignal): Promise<CheckOutcome>;
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
  prepare(type: string, config: unknown): PreparedCheck {
    const checkType = this.byType.get(type);
    if (!checkType) throw new CheckConfigError('type', `unknown check type "${type}"; known: ${this.types().join(', ')}`);
    const validated = checkType.validate(config);
    return {
      type,
      async run(signal) {
        const started = performance.now();
        try {
          return await checkType.run(validated, signal);
        } catch (err) {
          return {
            status: 'unknown',
            durationMs: performance.now() - started,
            message: `The check could not run: ${(err as Error).message}`,
            conditions: [],
            details: {},
          };
        }
      },
    };
  }
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
  const base = { durationMs, conditions, details: findings.details };
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
