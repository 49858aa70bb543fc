/* PromQL literals: numbers, durations, Go-quoted strings and Prometheus' anchored regular expressions. */
import { PromqlError } from './errors';

/**
 * A Prometheus regex: anchored at both ends, `.` matching newlines. A leading RE2 flag group such as `(?i)` becomes
 * the JavaScript flag (Node 20 has no inline flags); other RE2-only syntax is refused as an invalid expression.
 */
export function compileAnchored(pattern: string): RegExp {
  let body = pattern;
  let flags = 'su';
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (leading) {
    for (const flag of leading[1]!) {
      if (flag === 'i' || flag === 'm') flags += flags.includes(flag) ? '' : flag;
      else if (flag !== 's') throw new PromqlError(`invalid regular expression ${JSON.stringify(pattern)}: flag ${flag} is not supported`);
    }
    body = body.slice(leading[0].length);
  }
  try {
    return new RegExp(`^(?:${body})$`, flags);
  } catch (err) {
    throw new PromqlError(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`);
  }
}

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** "1h30m" → 5,400,000; a bare number is seconds. */
export function parseDurationMs(text: string): number {
  if (/^(\d+(ms|s|m|h|d|w|y))+$/.test(text)) {
    let total = 0;
    for (const [, n, unit] of text.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) total += Number(n) * DURATION_UNITS[unit!]!;
    return total;
  }
  const seconds = parseNumber(text);
  if (!Number.isFinite(seconds)) throw new PromqlError(`invalid duration "${text}"`);
  return Math.round(seconds * 1000);
}

/** A PromQL number literal: decimal, exponent, hex, Inf, NaN, or a duration (its seconds). */
export function parseNumber(text: string): number {
  const t = text.trim();
  const sign = t.startsWith('-') ? -1 : 1;
  const body = t.replace(/^[+-]/, '');
  const lower = body.toLowerCase();
  if (lower === 'inf') return sign * Number.POSITIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  if (/^0x[0-9a-f]+$/.test(lower)) return sign * Number.parseInt(lower.slice(2), 16);
  if (/^(\d+(ms|s|m|h|d|w|y))+$/.test(body)) return (sign * parseDurationMs(body)) / 1000;
  const n = Number(body);
  if (body === '' || Number.isNaN(n)) throw new PromqlError(`invalid number "${text}"`);
  return sign * n;
}

const ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** A Go-quoted PromQL string ("…", '…' or `…`) → its value. */
export function unquote(text: string): string {
  const quote = text[0];
  const body = text.slice(1, -1);
  if (quote === '`') return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{3}|.)/gsu, (_: string, e: string) => {
    const simple = ESCAPES[e];
    if (simple !== undefined) return simple;
    if (e === quote) return e;
    if (/^[0-7]{3}$/.test(e)) return String.fromCharCode(Number.parseInt(e, 8));
    if (e.length > 1) return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
    throw new PromqlError(`invalid escape sequence \\${e} in string ${text}`);
  });
}
