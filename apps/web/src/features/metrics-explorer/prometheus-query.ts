import { ApiError } from '@estate/client';
import { type Labels, readEnvelope, type Sample } from '../metrics/prometheus-http';

export { type Labels, PromQueryError, type Sample } from '../metrics/prometheus-http';

/*
 * The explorer's calls of Prometheus' query API (/api/v1/query and /query_range), made with fetch and the session
 * cookie like the host graphs' (`../metrics/prometheus-http`, whose error type and sample types they share). Unlike
 * those they take any result type, keep the server's warnings, and send a long expression as a form POST.
 */

/** The `data` of a query answer, by result type. */
export type QueryResult =
  | { resultType: 'vector'; result: Array<{ metric: Labels; value: Sample }> }
  | { resultType: 'matrix'; result: Array<{ metric: Labels; values: Sample[] }> }
  | { resultType: 'scalar'; result: Sample }
  | { resultType: 'string'; result: Sample };

/** A successful query: its result and the server's warnings. */
export interface QueryAnswer {
  data: QueryResult;
  warnings: string[];
}

/** An instant query's parameters. */
export interface InstantQuery {
  query: string;
  /** Evaluation time in epoch milliseconds. */
  timeMs: number;
}

/** A range query's parameters, all times in epoch milliseconds. */
export interface RangeQuery {
  query: string;
  startMs: number;
  endMs: number;
  stepMs: number;
}

/** Above this many characters of query string a call is sent as a form POST, which no URL length limit cuts. */
const LONGEST_GET = 4000;

const seconds = (ms: number) => String(ms / 1000);

/** Evaluates `query` at one time. Rejects with `PromQueryError` on an error envelope, `ApiError` on a problem. */
export function runInstantQuery(params: InstantQuery, csrfToken: string | null, signal?: AbortSignal): Promise<QueryAnswer> {
  return call('/api/v1/query', { query: params.query, time: seconds(params.timeMs) }, csrfToken, signal);
}

/** Evaluates `query` over a range. Rejects as `runInstantQuery` does. */
export function runRangeQuery(params: RangeQuery, csrfToken: string | null, signal?: AbortSignal): Promise<QueryAnswer> {
  return call(
    '/api/v1/query_range',
    { query: params.query, start: seconds(params.startMs), end: seconds(params.endMs), step: seconds(params.stepMs) },
    csrfToken,
    signal,
  );
}

async function call(path: string, params: Record<string, string>, csrfToken: string | null, signal?: AbortSignal): Promise<QueryAnswer> {
  const form = new URLSearchParams(params);
  const encoded = form.toString();
  const headers: Record<string, string> = { accept: 'application/json' };
  let response: Response;
  // A long expression goes as a form body; a cookie session's POST must then carry the CSRF token.
  if (encoded.length > LONGEST_GET && csrfToken) {
    headers['x-csrf-token'] = csrfToken;
    response = await fetch(path, { method: 'POST', body: form, headers, credentials: 'same-origin', signal: signal ?? null });
  } else {
    response = await fetch(`${path}?${encoded}`, { headers, credentials: 'same-origin', signal: signal ?? null });
  }
  return readAnswer(response);
}

/** Reads a query answer: the success envelope's data, or the error it stands for. Exported for tests. */
export async function readAnswer(response: Response): Promise<QueryAnswer> {
  const { data, warnings } = await readEnvelope(response);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ApiError({ type: 'about:blank', title: 'The server answered something that is not a query result', status: response.status });
  }
  return { data: data as QueryResult, warnings };
}
