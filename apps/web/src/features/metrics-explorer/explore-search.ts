/**
 * The metrics explorer's state as it lives in the URL's search parameters, so that a copied link reproduces the
 * view and the browser's back and forward buttons step through queries:
 *
 * - `expr`: the PromQL expression last run (absent: none yet);
 * - `view`: `table` (an instant query) or `graph` (a range query); absent means `table`;
 * - `range`: how far back the graph reaches, as a duration (`1h`, `90m`, `7d`); absent means `1h`;
 * - `end`: the evaluation time of the table and the right edge of the graph, as RFC 3339 UTC; absent means now.
 *
 * Values that do not parse fall back to their default instead of failing the page: a hand-edited link still opens.
 */

/** The two ways of showing a result. */
export type ExploreView = 'table' | 'graph';

/** The validated search parameters of `/explore`; defaults are left out, so that links stay short. */
export interface ExploreSearch {
  expr?: string;
  view?: 'graph';
  range?: string;
  end?: string;
}

/** The explorer's state with every default filled in. */
export interface ExploreState {
  expr: string;
  view: ExploreView;
  /** The graph's width in time as written (`24h`, `90m`). */
  range: string;
  /** The same width in milliseconds. */
  rangeMs: number;
  /** The evaluation time in epoch milliseconds, or null for "now" (resolved when the query runs). */
  endMs: number | null;
}

/** The graph's width when the URL names none. */
export const DEFAULT_RANGE = '1h';

/** The ranges offered as buttons; any other duration can be typed as a custom range. */
export const PRESET_RANGES = ['1h', '6h', '24h', '7d'] as const;

/** The longest range the explorer asks for (ten years); past it a range is refused as a typing mistake. */
export const MAX_RANGE_MS = 10 * 365 * 86_400_000;

/** Longest expression the URL keeps (Prometheus' own limit on a query parameter is far above any real query). */
const MAX_EXPR_LENGTH = 65_536;

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const DURATION_PART = /(\d+)(ms|s|m|h|d|w|y)/g;

/**
 * A duration in Prometheus' notation (`1h`, `1h30m`, `7d`) in milliseconds; undefined when it does not parse, is
 * zero, or is longer than `MAX_RANGE_MS`.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DURATION.test(trimmed)) return undefined;
  let ms = 0;
  for (const [, count, unit] of trimmed.matchAll(DURATION_PART)) ms += Number(count) * (UNIT_MS[unit as string] as number);
  return ms > 0 && ms <= MAX_RANGE_MS ? ms : undefined;
}

const FORMAT_UNITS: [string, number][] = [
  ['w', UNIT_MS.w as number],
  ['d', UNIT_MS.d as number],
  ['h', UNIT_MS.h as number],
  ['m', UNIT_MS.m as number],
  ['s', UNIT_MS.s as number],
  ['ms', 1],
];

/** Milliseconds as the shortest duration in Prometheus' notation: 5_400_000 → `1h30m`; 0 → `0s`. */
export function formatDuration(ms: number): string {
  let rest = Math.max(0, Math.round(ms));
  let text = '';
  for (const [unit, size] of FORMAT_UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text || '0s';
}

/**
 * A time as the URL may carry it, in epoch milliseconds: RFC 3339 (`2026-12-04T10:00:00Z`, with an offset or a
 * fraction), or Unix seconds as Prometheus takes them; undefined for anything else.
 */
export function parseEndTime(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? Math.round(value * 1000) : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return parseEndTime(Number(text));
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Epoch milliseconds as the URL writes them: RFC 3339 in UTC, without a fraction when it is whole seconds. */
export function formatEndTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * The router's `validateSearch` of `/explore`: keeps what parses, drops what does not, and leaves defaults out.
 * The router may hand a value over already JSON-parsed (a bare `1` becomes a number), so numbers are accepted too.
 */
export function validateExploreSearch(raw: Record<string, unknown>): ExploreSearch {
  const search: ExploreSearch = {};
  const expr = typeof raw.expr === 'number' ? String(raw.expr) : raw.expr;
  if (typeof expr === 'string' && expr.trim() !== '' && expr.length <= MAX_EXPR_LENGTH) search.expr = expr;
  if (raw.view === 'graph') search.view = 'graph';
  if (typeof raw.range === 'string') {
    const ms = parseDuration(raw.range);
    // Kept as written ("24h" stays "24h", not "1d"), so that the link says what the user picked.
    if (ms !== undefined && ms !== parseDuration(DEFAULT_RANGE)) search.range = raw.range.trim();
  }
  const end = parseEndTime(raw.end);
  if (end !== undefined) search.end = formatEndTime(end);
  return search;
}

/** The search parameters with defaults filled in. */
export function exploreState(search: ExploreSearch): ExploreState {
  const rangeMs = search.range === undefined ? undefined : parseDuration(search.range);
  return {
    expr: search.expr ?? '',
    view: search.view ?? 'table',
    range: rangeMs === undefined ? DEFAULT_RANGE : (search.range as string),
    rangeMs: rangeMs ?? (parseDuration(DEFAULT_RANGE) as number),
    endMs: search.end === undefined ? null : (parseEndTime(search.end) ?? null),
  };
}

/** The state as search parameters, defaults left out: the inverse of `exploreState` over valid states. */
export function toExploreSearch(state: ExploreState): ExploreSearch {
  return validateExploreSearch({
    expr: state.expr,
    view: state.view,
    range: state.range,
    end: state.endMs === null ? undefined : formatEndTime(state.endMs),
  });
}
