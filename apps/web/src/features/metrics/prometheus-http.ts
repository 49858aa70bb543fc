import { ApiError } from '@estate/client';
import type { Problem } from '@estate/contract';

/*
 * GET calls of Prometheus' query API (/api/v1/query, /query_range, /series). Their answers use Prometheus'
 * envelope, not problem+json, which the typed Estate client does not read; so they are made here with fetch and
 * the session cookie. Refusals answered before the route (401, 403) are problem+json and become `ApiError`s, so a
 * lost session is handled as everywhere else in the UI.
 */

/** A series' labels, the metric name under `__name__` (absent after functions such as `rate`). */
export type Labels = Record<string, string>;

/** One sample as Prometheus writes it: Unix seconds and the value as text ("NaN" and "+Inf" included). */
export type Sample = [seconds: number, value: string];

/** The result of an instant query that returns an instant vector. */
export type InstantVector = Array<{ metric: Labels; value: Sample }>;

/** The result of a range query: one series of samples per label set. */
export type RangeMatrix = Array<{ metric: Labels; values: Sample[] }>;

/** A query the server refused or could not evaluate, in Prometheus' words (`bad_data`, `execution`, `timeout`). */
export class PromQueryError extends Error {
  /** Wraps one error envelope. */
  constructor(
    readonly errorType: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'PromQueryError';
  }
}

/**
 * Calls one path of the API with a query string and resolves with the envelope's `data`. Rejects with
 * `PromQueryError` on an error envelope and `ApiError` on a problem or anything else.
 */
export async function promGet(path: string, params: Record<string, string>, signal?: AbortSignal): Promise<unknown> {
  const response = await fetch(`${path}?${new URLSearchParams(params)}`, {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
    signal: signal ?? null,
  });
  return (await readEnvelope(response)).data;
}

/**
 * Reads an answer of Prometheus' API: the success envelope's `data` and `warnings`, or the error it stands for —
 * `PromQueryError` for an error envelope, `ApiError` for a problem+json refusal or anything else.
 */
export async function readEnvelope(response: Response): Promise<{ data: unknown; warnings: string[] }> {
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (isRecord(body) && body.status === 'success') {
    const warnings = Array.isArray(body.warnings) ? body.warnings.filter((w): w is string => typeof w === 'string') : [];
    return { data: body.data, warnings };
  }
  if (isRecord(body) && body.status === 'error' && typeof body.error === 'string') {
    throw new PromQueryError(typeof body.errorType === 'string' ? body.errorType : 'unknown', body.error, response.status);
  }
  if (isRecord(body) && typeof body.type === 'string' && typeof body.title === 'string') {
    const problem = body as unknown as Problem;
    throw new ApiError({ ...problem, status: problem.status || response.status });
  }
  throw new ApiError({
    type: 'about:blank',
    title: response.ok ? 'The server answered something that is not a query result' : response.statusText || `HTTP ${response.status}`,
    status: response.status,
  });
}

/** Narrows a query result to the shape asked for; an answer of another type is a server bug, reported as such. */
export function resultOfType<T>(data: unknown, resultType: 'vector' | 'matrix'): T {
  if (isRecord(data) && data.resultType === resultType && Array.isArray(data.result)) return data.result as T;
  throw new PromQueryError('unexpected', `expected a ${resultType} result`, 200);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
