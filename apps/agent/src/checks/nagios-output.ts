/*
 * The output of a Nagios-compatible plugin, as the Nagios plugin guidelines define it:
 *
 *   TEXT OUTPUT | PERFDATA
 *   LONG TEXT LINE 1
 *   LONG TEXT LINE N | PERFDATA LINE 2
 *   PERFDATA LINE 3
 *
 * Performance data is a space-separated list of `'label'=value[UOM];[warn];[crit];[min];[max]`. Pure functions, no I/O.
 */

/** A Nagios threshold range: alert when the value is outside `start`–`end` (inside when `inside`). */
export interface NagiosRange {
  /** As written, e.g. `@10:20`, `~:5`, `10:`. */
  raw: string;
  /** -Infinity for `~`. */
  start: number;
  /** Infinity when open (`10:`). */
  end: number;
  /** `@`: alert when the value is inside the range. */
  inside: boolean;
}

/** The unit families performance data is normalised to. */
export type PerfUnit = 'seconds' | 'percent' | 'bytes' | 'counter' | 'none';

/** One performance datum. */
export interface PerfDatum {
  label: string;
  /** The value as the plugin wrote it, in its own unit of measure. */
  value: number;
  /** The unit of measure as written (`ms`, `KB`, `%`, `c`, …; empty when none). */
  uom: string;
  /** The value in its family's base unit: seconds, bytes, percent, a counter or plain. */
  unit: PerfUnit;
  normalised: number;
  warn?: NagiosRange;
  crit?: NagiosRange;
  min?: number;
  max?: number;
}

/** What a plugin's output says. Never thrown at: anything unreadable lands in `problems`. */
export interface NagiosOutput {
  /** The first line's text, trimmed (empty when the plugin printed nothing). */
  text: string;
  /** The lines after the first, up to where performance data continues. */
  longText: string[];
  perfdata: PerfDatum[];
  /** Performance data items that could not be read, each with why. */
  problems: string[];
}

/** Units of measure by lower-cased name: the family and the factor to its base unit (a divisor when below 1, for exact decimals). */
const UNITS: Record<string, { unit: PerfUnit; factor: number; divisor?: number }> = {
  '': { unit: 'none', factor: 1 },
  s: { unit: 'seconds', factor: 1 },
  ms: { unit: 'seconds', factor: 1, divisor: 1e3 },
  us: { unit: 'seconds', factor: 1, divisor: 1e6 },
  '%': { unit: 'percent', factor: 1 },
  b: { unit: 'bytes', factor: 1 },
  kb: { unit: 'bytes', factor: 1024 },
  mb: { unit: 'bytes', factor: 1024 ** 2 },
  gb: { unit: 'bytes', factor: 1024 ** 3 },
  tb: { unit: 'bytes', factor: 1024 ** 4 },
  c: { unit: 'counter', factor: 1 },
};

/** Most performance data items read from one output: a plugin that prints thousands is cut here. */
const MAX_ITEMS = 200;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/** Parses a plugin's whole standard output. Never throws. */
export function parseNagiosOutput(output: string): NagiosOutput {
  const lines = output.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  const [first = '', ...rest] = lines;
  const perfParts: string[] = [];
  const [text, firstPerf] = splitPipe(first);
  if (firstPerf !== undefined) perfParts.push(firstPerf);
  const longText: string[] = [];
  let inPerf = false;
  for (const line of rest) {
    if (inPerf) {
      perfParts.push(line);
      continue;
    }
    const [before, after] = splitPipe(line);
    if (after === undefined) longText.push(line);
    else {
      if (before.trim() !== '') longText.push(before.trimEnd());
      perfParts.push(after);
      inPerf = true;
    }
  }
  const { perfdata, problems } = parsePerfdata(perfParts.join(' '));
  return { text: text.trim(), longText, perfdata, problems };
}

function splitPipe(line: string): [string, string | undefined] {
  const at = line.indexOf('|');
  return at < 0 ? [line, undefined] : [line.slice(0, at), line.slice(at + 1)];
}

/** Parses a performance data string (the part after `|`). Never throws. */
export function parsePerfdata(input: string): { perfdata: PerfDatum[]; problems: string[] } {
  const perfdata: PerfDatum[] = [];
  const problems: string[] = [];
  for (const item of tokens(input)) {
    if (perfdata.length >= MAX_ITEMS) {
      problems.push(`more than ${MAX_ITEMS} items: the rest were not read`);
      break;
    }
    const parsed = parseItem(item);
    if (typeof parsed === 'string') problems.push(`${shorten(item)}: ${parsed}`);
    else perfdata.push(parsed);
  }
  return { perfdata, problems };
}

/** Splits at spaces outside single-quoted labels (`''` inside quotes is a quote). */
function tokens(input: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] as string;
    if (ch === "'") {
      if (quoted && input[i + 1] === "'") {
        current += "''";
        i++;
        continue;
      }
      quoted = !quoted;
      current += ch;
    } else if (/\s/.test(ch) && !quoted) {
      if (current) out.push(current);
      current = '';
    } else current += ch;
  }
  if (current) out.push(current);
  return out;
}

function parseItem(item: string): PerfDatum | string {
  let label: string;
  let rest: string;
  if (item.startsWith("'")) {
    const close = findClosingQuote(item);
    if (close < 0) return 'the quoted label is not closed';
    label = item.slice(1, close).replace(/''/g, "'");
    if (item[close + 1] !== '=') return 'no "=" after the label';
    rest = item.slice(close + 2);
  } else {
    const eq = item.indexOf('=');
    if (eq < 0) return 'not label=value';
    label = item.slice(0, eq);
    rest = item.slice(eq + 1);
  }
  if (label === '') return 'the label is empty';
  const [valueWithUom = '', warn = '', crit = '', min = '', max = ''] = rest.split(';');
  const m = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)([a-zA-Z%]*)$/.exec(valueWithUom);
  if (!m) return valueWithUom === 'U' ? 'the value is undetermined (U)' : `"${shorten(valueWithUom)}" is not a number with a unit`;
  const value = Number(m[1]);
  const uom = m[2] as string;
  const family = UNITS[uom.toLowerCase()] ?? { unit: 'none' as const, factor: 1 };
  const normalised = (value * family.factor) / (family.divisor ?? 1);
  const datum: PerfDatum = { label, value, uom, unit: family.unit, normalised };
  for (const [key, raw] of [
    ['warn', warn],
    ['crit', crit],
  ] as const) {
    if (raw === '') continue;
    const range = parseRange(raw);
    if (!range) return `${key} "${shorten(raw)}" is not a range`;
    datum[key] = range;
  }
  for (const [key, raw] of [
    ['min', min],
    ['max', max],
  ] as const) {
    if (raw === '') continue;
    if (!NUMBER.test(raw)) return `${key} "${shorten(raw)}" is not a number`;
    datum[key] = Number(raw);
  }
  return datum;
}

function findClosingQuote(item: string): number {
  for (let i = 1; i < item.length; i++) {
    if (item[i] !== "'") continue;
    if (item[i + 1] === "'") {
      i++;
      continue;
    }
    return i;
  }
  return -1;
}

/**
 * Parses a threshold range: `10` (0–10), `10:` (10–∞), `~:10` (−∞–10), `10:20`, and any of them after `@` (alert
 * inside). Null when it is not one, or its start is above its end.
 */
export function parseRange(raw: string): NagiosRange | null {
  const inside = raw.startsWith('@');
  const body = inside ? raw.slice(1) : raw;
  if (body === '') return null;
  let start: number;
  let end: number;
  const colon = body.indexOf(':');
  if (colon < 0) {
    if (!NUMBER.test(body)) return null;
    start = 0;
    end = Number(body);
  } else {
    const a = body.slice(0, colon);
    const b = body.slice(colon + 1);
    if (a === '~') start = Number.NEGATIVE_INFINITY;
    else if (a === '') start = 0;
    else if (NUMBER.test(a)) start = Number(a);
    else return null;
    if (b === '') end = Number.POSITIVE_INFINITY;
    else if (NUMBER.test(b)) end = Number(b);
    else return null;
  }
  if (start > end) return null;
  return { raw, start, end, inside };
}

/** True when `value` should alert under `range` (outside it, or inside it for `@`). */
export function rangeAlerts(range: NagiosRange, value: number): boolean {
  const within = value >= range.start && value <= range.end;
  return range.inside ? within : !within;
}

/** Series names per unit family: the value is in the family's base unit, the label names the datum. */
const SERIES_NAMES: Record<PerfUnit, string> = {
  seconds: 'nagios_perfdata_seconds',
  percent: 'nagios_perfdata_percent',
  bytes: 'nagios_perfdata_bytes',
  counter: 'nagios_perfdata_total',
  none: 'nagios_perfdata',
};

/** The performance data as series: `nagios_perfdata_<family>{label="…"}`, values in base units. */
export function perfdataSeries(perfdata: readonly PerfDatum[]): { name: string; labels: Record<string, string>; value: number }[] {
  return perfdata
    .filter((d) => Number.isFinite(d.normalised))
    .map((d) => ({ name: SERIES_NAMES[d.unit], labels: { label: d.label.slice(0, 200) }, value: d.normalised }));
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
