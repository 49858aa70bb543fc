import { hash } from 'node:crypto';
import { regexHazard } from '@estate/checks';
import { type LabelMatcher, MetricQueryError } from './metric-store';

/** The longest regular expression a matcher may hold. */
export const MAX_REGEX_LENGTH = 1000;

/** A matcher ready to test a label value (an absent label is tested as ''). */
export interface CompiledMatcher extends LabelMatcher {
  test(value: string): boolean;
  /** True when the empty string matches, so series without the label match too. */
  matchesEmpty: boolean;
}

/**
 * Compiles matchers. Regular expressions are fully anchored, as Prometheus' are, and `.` matches a newline (its
 * `(?s:…)`). They run on JavaScript's engine with the `u` flag, not RE2: the syntax mostly agrees, but JavaScript
 * backtracks, so what RE2 would not take and what could backtrack without bound is refused first (regexHazard), and
 * patterns and label values are capped in length. Throws a {@link MetricQueryError} for a bad pattern.
 */
export function compileMatchers(matchers: readonly LabelMatcher[]): CompiledMatcher[] {
  return matchers.map((m) => {
    let test: (value: string) => boolean;
    if (m.op === '=') test = (v) => v === m.value;
    else if (m.op === '!=') test = (v) => v !== m.value;
    else if (m.op === '=~' || m.op === '!~') {
      if (m.value.length > MAX_REGEX_LENGTH) {
        throw new MetricQueryError(`regular expression for label ${m.name} is longer than ${MAX_REGEX_LENGTH} characters`);
      }
      const hazard = regexHazard(m.value);
      if (hazard) throw new MetricQueryError(`regular expression for label ${m.name} is refused: ${hazard}`);
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${m.value})$`, 'su');
      } catch (err) {
        throw new MetricQueryError(`invalid regular expression for label ${m.name}: ${(err as Error).message}`);
      }
      test = m.op === '=~' ? (v) => re.test(v) : (v) => !re.test(v);
    } else throw new MetricQueryError(`unknown matcher operator ${String(m.op)}`);
    return { ...m, test, matchesEmpty: test('') };
  });
}

/** True when the labels satisfy every matcher. */
export function matchesAll(matchers: readonly CompiledMatcher[], labels: Readonly<Record<string, string>>): boolean {
  return matchers.every((m) => m.test(labels[m.name] ?? ''));
}

const CLASSIC_METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const CLASSIC_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const NEEDS_ESCAPE = /["\\\n]/;
const quote = (s: string) =>
  NEEDS_ESCAPE.test(s) ? `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"` : `"${s}"`;

/**
 * A series' canonical text in Prometheus 3's notation: `name{a="1",b="2"}`, labels sorted by name, empty values
 * dropped (an empty label is an absent one); names outside the classic character set are quoted, as in
 * `{"my.metric","le.x"="1"}`, so two label sets never share a text.
 */
export function canonicalSeries(labels: Readonly<Record<string, string>>): string {
  const name = labels.__name__ ?? '';
  const keys = Object.keys(labels);
  // Senders mostly give labels sorted already (remote_write requires it): sort only when they are not.
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if ((keys[i - 1] as string) > (keys[i] as string)) {
      sorted = false;
      break;
    }
  }
  if (!sorted) keys.sort();
  let body = '';
  for (const k of keys) {
    const v = labels[k] as string;
    if (k === '__name__' || v === '') continue;
    body += `${body === '' ? '' : ','}${CLASSIC_LABEL.test(k) ? k : quote(k)}=${quote(v)}`;
  }
  if (CLASSIC_METRIC.test(name)) return body === '' ? name : `${name}{${body}}`;
  return `{${quote(name)}${body === '' ? '' : `,${body}`}}`;
}

/** Reads a quoted string of {@link canonicalSeries} at `from` (its opening quote); answers it and where it ends. */
function readQuoted(text: string, from: number): [string, number] {
  if (text[from] !== '"') throw new Error(`expected a quote at ${from} in ${text}`);
  let out = '';
  let i = from + 1;
  for (;;) {
    const next = text.indexOf('"', i);
    const slash = text.indexOf('\\', i);
    if (next < 0) throw new Error(`unterminated quote in ${text}`);
    if (slash < 0 || slash > next) return [out + text.slice(i, next), next + 1];
    const escaped = text[slash + 1];
    if (escaped !== 'n' && escaped !== '\\' && escaped !== '"') throw new Error(`unknown escape at ${slash} in ${text}`);
    out += text.slice(i, slash) + (escaped === 'n' ? '\n' : escaped);
    i = slash + 2;
  }
}

/** Reads a label name at `from`: quoted, or up to the `=` that follows a classic one. */
function readName(text: string, from: number): [string, number] {
  if (text[from] === '"') return readQuoted(text, from);
  const end = text.indexOf('=', from);
  if (end < 0) throw new Error(`expected = after ${from} in ${text}`);
  return [text.slice(from, end), end];
}

/**
 * The labels of a canonical series text, `__name__` included: the exact inverse of {@link canonicalSeries}, so
 * `parseCanonicalSeries(canonicalSeries(l))` equals `l` without its empty values. Throws on a text it did not write.
 */
export function parseCanonicalSeries(text: string): Record<string, string> {
  // Entries, made an object at the end: a label named `__proto__` is then a label, not the object's prototype.
  const labels: Array<[string, string]> = [];
  let i: number;
  if (text[0] === '{') {
    const [name, end] = readQuoted(text, 1);
    if (name !== '') labels.push(['__name__', name]);
    i = end;
    if (text[i] === '}') i++;
    else if (text[i] === ',') i++;
    else throw new Error(`expected , or } at ${i} in ${text}`);
  } else {
    const open = text.indexOf('{');
    labels.push(['__name__', open < 0 ? text : text.slice(0, open)]);
    i = open < 0 ? text.length : open + 1;
  }
  while (i < text.length) {
    const [name, afterName] = readName(text, i);
    if (text[afterName] !== '=') throw new Error(`expected = at ${afterName} in ${text}`);
    const [value, afterValue] = readQuoted(text, afterName + 1);
    labels.push([name, value]);
    const sep = text[afterValue];
    if (sep !== ',' && sep !== '}') throw new Error(`expected , or } at ${afterValue} in ${text}`);
    i = afterValue + 1;
    if (sep === '}') {
      if (i !== text.length) throw new Error(`text after } at ${i} in ${text}`);
      break;
    }
  }
  return Object.fromEntries(labels);
}

/** The fingerprint stored for a canonical series text: 128 bits of its SHA-256, hex. */
export function fingerprintOf(canonical: string): string {
  // The one-shot form: no Hash object per series, which matters when thousands are created at once.
  return hash('sha256', canonical, 'hex').slice(0, 32);
}
