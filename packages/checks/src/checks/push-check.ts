import { Cron } from 'croner';
import { CheckConfigError, type CheckOutcome, type CheckType } from './check-executor';

/** A push check's expectations: pings every period, or at the times of a cron schedule, each with a grace time. */
export type PushCheckConfig =
  | { kind: 'period'; periodMs: number; graceMs: number }
  | { kind: 'schedule'; schedule: string; timezone: string; graceMs: number; cron: Cron };

const MIN_PERIOD_S = 60;
const MAX_PERIOD_S = 365 * 86_400;
const MAX_GRACE_S = 30 * 86_400;
const DEFAULT_GRACE_S = 300;

function seconds(r: Record<string, unknown>, field: string, min: number, max: number, fallback?: number): number {
  const value = r[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new CheckConfigError(field, `must be a whole number of seconds from ${min} to ${max}`);
  }
  return value;
}

function validate(raw: unknown): PushCheckConfig {
  if (typeof raw !== 'object' || raw === null) throw new CheckConfigError('config', 'must be an object');
  const r = raw as Record<string, unknown>;
  if (Array.isArray(r.conditions) && r.conditions.length > 0) {
    throw new CheckConfigError('conditions', 'a push check has no conditions: a ping says up, a fail ping or a missing ping says down');
  }
  const graceMs = seconds(r, 'graceSeconds', 0, MAX_GRACE_S, DEFAULT_GRACE_S) * 1000;
  if ((r.periodSeconds === undefined) === (r.schedule === undefined)) {
    throw new CheckConfigError('periodSeconds', 'give either periodSeconds or schedule (a cron expression), not both or neither');
  }
  if (r.periodSeconds !== undefined)
    return { kind: 'period', periodMs: seconds(r, 'periodSeconds', MIN_PERIOD_S, MAX_PERIOD_S) * 1000, graceMs };
  if (typeof r.schedule !== 'string') throw new CheckConfigError('schedule', 'must be a cron expression such as "0 3 * * *"');
  const timezone = r.timezone === undefined ? 'UTC' : r.timezone;
  if (typeof timezone !== 'string' || !validTimezone(timezone)) {
    throw new CheckConfigError('timezone', `"${String(timezone)}" is not a time zone (use an IANA name such as Europe/Berlin)`);
  }
  let cron: Cron;
  try {
    cron = new Cron(r.schedule, { timezone, paused: true });
  } catch (err) {
    throw new CheckConfigError('schedule', `is not a cron expression: ${(err as Error).message}`);
  }
  if (cron.nextRun() === null) throw new CheckConfigError('schedule', 'never fires');
  return { kind: 'schedule', schedule: r.schedule, timezone, graceMs, cron };
}

function validTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * When a push check is late: `grace` after the first expected ping following `since` (the last ping, or the
 * check's creation): `since + period + grace`, or the schedule's next time after `since`, plus grace. Null for a
 * schedule that never fires again.
 */
export function pushDeadline(config: PushCheckConfig, since: number): number | null {
  if (config.kind === 'period') return since + config.periodMs + config.graceMs;
  const next = config.cron.nextRun(new Date(since));
  return next === null ? null : next.getTime() + config.graceMs;
}

/** What a push check expects, in words: "every 1 h (grace 5 min)", "at 0 3 * * * Europe/Berlin (grace 5 min)". */
export function describeExpectation(config: PushCheckConfig): string {
  const grace = `grace ${words(config.graceMs)}`;
  return config.kind === 'period' ? `every ${words(config.periodMs)} (${grace})` : `at "${config.schedule}" ${config.timezone} (${grace})`;
}

function words(ms: number): string {
  const s = ms / 1000;
  if (s % 86_400 === 0) return `${s / 86_400} d`;
  if (s % 3_600 === 0) return `${s / 3_600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

/**
 * The push (heartbeat) check, shaped like healthchecks.io: the watched job pings `/api/v1/push/{token}` when it
 * succeeds (`/fail` or a non-zero `/{exit code}` when it fails, `/start` when it begins), and the check goes down when
 * a ping is missing past its period or schedule plus grace. Estate never runs it: the runner watches its deadline.
 */
export const pushCheck: CheckType<PushCheckConfig> = {
  type: 'push',
  placeholders: [],
  defaultConditions: [],
  validate,
  target: () => 'push',
  async run(): Promise<CheckOutcome> {
    return {
      status: 'unknown',
      durationMs: 0,
      message: 'A push check is not run by Estate: it waits for pings to its URL.',
      conditions: [],
      details: {},
    };
  },
};
