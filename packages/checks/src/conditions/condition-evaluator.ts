import type { Condition, ConditionLiteral, ConditionSubject, MetricSelector } from './condition-parser';
import { formatDuration } from './duration';
import { type CheckResultContext, type MetricReading, PLACEHOLDERS } from './placeholders';

/**
 * What one condition made of one result. `reason` is the condition with the value it saw, in Gatus' form —
 * `[STATUS] (503) == any(200, 204)` — so a failed check says which condition failed and why, and a passed one shows
 * what was measured.
 */
export interface ConditionResult {
  condition: string;
  passed: boolean;
  reason: string;
}

/** Limits of an evaluation; the defaults suit bodies capped at a few MiB. */
export interface EvaluationOptions {
  /** The most characters of a value a regular expression runs on (default 256 KiB); the rest is not searched. */
  maxRegexInput?: number;
  /**
   * The most matcher steps (pattern states × characters) one regular expression may take (default 2^24, tens of
   * milliseconds at worst); a large pattern runs on a correspondingly shorter prefix of the value.
   */
  regexWorkBudget?: number;
}

const DEFAULT_MAX_REGEX_INPUT = 256 * 1024;
const DEFAULT_REGEX_WORK_BUDGET = 2 ** 24;
/** Values longer than this are shortened in reasons; a reason must stay a line, not carry a body. */
const SHOWN_CHARACTERS = 80;

type Resolved = { ok: true; value: unknown } | { ok: false; why: string };

/** The per-result state shared by its conditions: the body is parsed as JSON at most once, and only if asked. */
class ResultScope {
  private parsed: Resolved | undefined;

  constructor(readonly context: CheckResultContext) {}

  json(): Resolved {
    if (this.parsed === undefined) {
      const body = this.context.body;
      if (body === undefined) this.parsed = { ok: false, why: 'absent' };
      else {
        try {
          this.parsed = { ok: true, value: JSON.parse(body) };
        } catch (err) {
          const detail = (err as Error).message.slice(0, 60);
          this.parsed = { ok: false, why: `body is not JSON: ${detail}` };
        }
      }
    }
    return this.parsed;
  }
}

function resolveSubject(subject: ConditionSubject, scope: ResultScope): Resolved {
  const { ref } = subject;
  let resolved: Resolved;
  const raw = PLACEHOLDERS[ref.name].read(scope.context);
  if (raw === undefined || raw === null) resolved = { ok: false, why: 'absent' };
  else if (ref.selector) return selectMetric(raw as readonly MetricReading[], ref.selector, subject.fn);
  else if (ref.path.length === 0) resolved = { ok: true, value: raw };
  else {
    resolved = scope.json();
    for (const step of ref.path) {
      if (!resolved.ok) break;
      const at: unknown = resolved.value;
      if (typeof step === 'number') {
        resolved = Array.isArray(at) && step < at.length ? { ok: true, value: at[step] } : { ok: false, why: 'absent' };
      } else if (typeof at === 'object' && at !== null && !Array.isArray(at) && Object.hasOwn(at, step)) {
        resolved = { ok: true, value: (at as Record<string, unknown>)[step] };
      } else resolved = { ok: false, why: 'absent' };
    }
  }
  if (subject.fn === 'has') {
    // Absent and JSON null both count as "not there"; a body that cannot be read cannot answer either way.
    if (resolved.ok) return { ok: true, value: resolved.value !== null };
    return resolved.why === 'absent' ? { ok: true, value: false } : resolved;
  }
  if (subject.fn === 'len' && resolved.ok) {
    const v = resolved.value;
    if (typeof v === 'string' || Array.isArray(v)) return { ok: true, value: v.length };
    if (typeof v === 'object' && v !== null) return { ok: true, value: Object.keys(v).length };
    return { ok: false, why: `len() of ${typeof v === 'number' ? 'a number' : typeof v === 'boolean' ? 'a boolean' : 'null'}` };
  }
  return resolved;
}

/**
 * The value of the one sample a selector picks; len() counts the samples it picks and has() says whether there is
 * any. Several samples for a plain value cannot answer: the condition must name labels that pick one.
 */
function selectMetric(readings: readonly MetricReading[], selector: MetricSelector, fn: ConditionSubject['fn']): Resolved {
  const labelOf = (r: MetricReading, name: string) => (r.labels !== undefined && Object.hasOwn(r.labels, name) ? r.labels[name] : '');
  const matches = readings.filter(
    (r) => r.name === selector.metric && selector.labels.every(([name, value]) => labelOf(r, name) === value),
  );
  if (fn === 'len') return { ok: true, value: matches.length };
  if (fn === 'has') return { ok: true, value: matches.length > 0 };
  if (matches.length === 1) return { ok: true, value: (matches[0] as MetricReading).value };
  if (matches.length === 0) return { ok: false, why: 'absent' };
  return { ok: false, why: `${matches.length} samples match; name labels that pick one` };
}

/** The text a pattern or regular expression is matched against. */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

function equals(value: unknown, literal: ConditionLiteral, subject: ConditionSubject): boolean {
  if (typeof value === 'number') return literal.number !== undefined ? value === literal.number : String(value) === literal.text;
  if (typeof value === 'string') return subject.kind === 'rcode' ? value.toUpperCase() === literal.text : value === literal.text;
  if (value === null) return literal.text === 'null';
  if (typeof value === 'object') return JSON.stringify(value) === literal.text;
  return String(value) === literal.text;
}

function shown(value: unknown, subject: ConditionSubject): string {
  if (typeof value === 'number' && subject.kind === 'duration') return formatDuration(value);
  const text = textOf(value).replace(/\s+/g, ' ');
  if (text.length <= SHOWN_CHARACTERS) return text;
  return `${text.slice(0, SHOWN_CHARACTERS - 20)}… (${textOf(value).length} characters)`;
}

function evaluateOne(condition: Condition, scope: ResultScope, options: EvaluationOptions): ConditionResult {
  const { subject, operator, expected } = condition;
  const say = (seen: string, passed: boolean, note = ''): ConditionResult => ({
    condition: condition.source,
    passed,
    reason: `${subject.text} (${seen}) ${operator} ${expected.text}${note}`,
  });
  const resolved = resolveSubject(subject, scope);
  // A value that is absent or unreadable fails every comparison, != included: a check that got no status code has
  // not shown that its status is "not 500".
  if (!resolved.ok) return say(resolved.why, false);
  const value = resolved.value;
  const seen = shown(value, subject);
  switch (expected.kind) {
    case 'value':
    case 'any': {
      const values = expected.kind === 'value' ? [expected.value] : expected.values;
      if (operator === '==' || operator === '!=') {
        const hit = values.some((v) => equals(value, v, subject));
        return say(seen, operator === '==' ? hit : !hit);
      }
      const left = numberOf(value);
      const right = expected.kind === 'value' ? expected.value.number : undefined;
      if (left === undefined) return say(`${seen}: not a number`, false);
      if (right === undefined) return say(seen, false);
      const passed = operator === '<' ? left < right : operator === '<=' ? left <= right : operator === '>' ? left > right : left >= right;
      return say(seen, passed);
    }
    case 'pattern': {
      const hit = expected.glob.test(textOf(value));
      return say(seen, operator === '==' ? hit : !hit);
    }
    case 'regex': {
      const text = textOf(value);
      const budget = options.regexWorkBudget ?? DEFAULT_REGEX_WORK_BUDGET;
      const limit = Math.min(options.maxRegexInput ?? DEFAULT_MAX_REGEX_INPUT, Math.floor(budget / expected.regex.states));
      const cut = text.length > limit;
      const passed = expected.regex.test(cut ? text.slice(0, limit) : text);
      return say(seen, passed, cut ? ` (searched the first ${limit} of ${text.length} characters)` : '');
    }
  }
}

/**
 * Evaluates a check's conditions against one result, in order, each to passed or not with its reason. Never
 * throws for what a result holds: a missing value, a body that is not JSON or a path that leads nowhere is a failed
 * condition with the reason. The body is parsed as JSON once, by the first condition that needs it.
 */
export function evaluateConditions(
  conditions: readonly Condition[],
  context: CheckResultContext,
  options: EvaluationOptions = {},
): ConditionResult[] {
  const scope = new ResultScope(context);
  return conditions.map((condition) => evaluateOne(condition, scope, options));
}

/** The first failed condition of an evaluation, the one a result names as its cause; undefined when all passed. */
export function firstFailure(results: readonly ConditionResult[]): ConditionResult | undefined {
  return results.find((r) => !r.passed);
}
