/*
 * The parameters of Prometheus' query API as Prometheus reads them: times, steps and limits in its spellings, and a
 * POST's form, whose values come from the body and the URL together. Refusals are PromApiError, which the routes
 * answer in Prometheus' error envelope.
 */
import { parseDurationMs } from './promql/literals';

export type ErrorType = 'bad_data' | 'execution' | 'timeout';

/** An answer in Prometheus' error envelope. */
export class PromApiError extends Error {
  constructor(
    readonly errorType: ErrorType,
    message: string,
  ) {
    super(message);
  }
}

/** A refusal of a parameter: 400 bad_data. */
export const bad = (message: string) => new PromApiError('bad_data', message);

const SECONDS = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const INTEGER = /^[+-]?\d{1,15}$/;

/** A time as Prometheus takes it: Unix seconds with an optional fraction, or RFC 3339; in epoch ms. */
export function parseTime(name: string, text: string): number {
  let ms = Number.NaN;
  if (SECONDS.test(text)) ms = Math.round(Number(text) * 1000);
  else if (RFC3339.test(text)) ms = Date.parse(text);
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
    throw bad(`invalid parameter "${name}": cannot parse "${text}" to a valid timestamp`);
  }
  return ms;
}

/** A duration as Prometheus takes it: seconds with an optional fraction, or a duration such as 1m30s; in ms. */
export function parseStep(name: string, text: string): number {
  let ms = Number.NaN;
  if (SECONDS.test(text)) ms = Number(text) * 1000;
  else if (DURATION.test(text)) ms = parseDurationMs(text);
  if (!Number.isFinite(ms)) throw bad(`invalid parameter "${name}": cannot parse "${text}" to a valid duration`);
  return ms;
}

/**
 * A search's `limit`: a non-negative integer, 0 when absent (no limit). Prometheus refuses a negative one and one
 * that is not an integer with bad_data.
 */
export function parseLimit(text: string | undefined): number {
  if (text === undefined || text === '') return 0;
  if (!INTEGER.test(text)) throw bad(`invalid parameter "limit": cannot parse "${text}" to an integer`);
  const limit = Number(text);
  if (limit < 0) throw bad('invalid parameter "limit": limit must be non-negative');
  return limit;
}

/** A metadata search's integer parameter, or `fallback` when absent; metadata's limits may be negative (no limit). */
export function parseSignedLimit(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined || text === '') return fallback;
  if (!INTEGER.test(text)) throw bad(`invalid parameter "${name}": ${name} must be a number`);
  return Number(text);
}

/** The warning Prometheus adds to a search cut at its `limit`. */
export const TRUNCATED = 'results truncated due to limit';

/** Parses an application/x-www-form-urlencoded body; `match[]` is always a list, other repeated keys become lists. */
export function parseForm(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) add(out, key, value);
  return { ...out };
}

/**
 * A POST's parameters as Prometheus (Go's `Request.FormValue`) reads them: the body's values, then the URL's. A
 * single value is the body's when both give one; `match[]` gathers both. Grafana's backend relies on this: it sends
 * some searches as a POST with an empty body and the parameters in the URL.
 */
export function mergeForm(body: unknown, query: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const source of [body, query]) {
    if (typeof source !== 'object' || source === null) continue;
    for (const [key, value] of Object.entries(source)) {
      for (const v of Array.isArray(value) ? value : [value]) {
        if (typeof v === 'string') add(out, key, v, source === query);
      }
    }
  }
  return { ...out };
}

function add(out: Record<string, string | string[]>, key: string, value: string, secondary = false): void {
  const seen = out[key];
  if (seen === undefined) out[key] = key === 'match[]' ? [value] : value;
  else if (key === 'match[]' || !secondary) out[key] = Array.isArray(seen) ? [...seen, value] : [seen, value];
}
