import {
  type ApiRoute,
  type Problem,
  pathOf,
  type RouteBody,
  type RouteParams,
  type RouteQuery,
  type RouteResponse,
} from '@estate/contract';
import { ApiError } from './api-error';

/** Query-string values the API accepts; `undefined` entries are left out. */
export type QueryValue = string | number | boolean | undefined;

/** What one HTTP call sends. */
export interface RequestOptions {
  /** Query-string parameters; undefined values are skipped. */
  query?: Record<string, QueryValue> | object;
  /** JSON body; omitted when undefined. */
  body?: unknown;
  /** Extra headers, e.g. `If-Match`. */
  headers?: Record<string, string>;
}

/** A successful answer: the parsed JSON body (undefined for 204) and the response headers. */
export interface ApiResponse<T> {
  /** Parsed JSON body; `undefined` for a 204 answer. */
  body: T;
  /** HTTP status code. */
  status: number;
  /** Response headers, e.g. `ETag`. */
  headers: Headers;
}

/**
 * What one call of a route sends, typed from the route's declaration: `params` when its path has parameters,
 * `body` when it takes one (both then required), `query` when it takes one, and extra headers such as `If-Match`.
 */
export type CallInput<R extends ApiRoute> = (R extends { readonly params: object } ? { params: RouteParams<R> } : { params?: undefined }) &
  (R extends { readonly query: object } ? { query?: RouteQuery<R> } : { query?: undefined }) &
  (R extends { readonly body: object } ? { body: RouteBody<R> } : { body?: undefined }) & { headers?: Record<string, string> };

/** The arguments of a call after the route: its input, which may be left out when nothing in it is required. */
export type CallArgs<R extends ApiRoute> = R extends { readonly params: object } | { readonly body: object }
  ? [input: CallInput<R>]
  : [input?: CallInput<R>];

/** Options of `createTransport`; see `ClientOptions` for their meaning. */
export interface TransportOptions {
  baseUrl: string;
  token?: string | undefined;
  fetch?: typeof fetch | undefined;
}

/**
 * The HTTP layer under every client method: JSON in and out, bearer token or cookie auth, the CSRF header on
 * unsafe requests made with the session cookie, and problem answers turned into `ApiError`s.
 */
export interface Transport {
  /** Sends one request and resolves with the parsed answer; rejects with `ApiError` on any non-2xx status. */
  request<T>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /**
   * Calls one route of the contract's table: fills its path template with the encoded `params` and resolves with
   * the answer typed as the route declares it. Rejects as `request` does.
   */
  call<R extends ApiRoute>(route: R, ...args: CallArgs<R>): Promise<ApiResponse<RouteResponse<R>>>;
  /** The CSRF token sent as `X-CSRF-Token` on unsafe requests; null when unknown or when using a bearer token. */
  csrfToken: string | null;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Creates the HTTP layer of a client. The base URL may be empty for same-origin use in the browser. */
export function createTransport(options: TransportOptions): Transport {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  const transport: Transport = {
    csrfToken: null,
    async request<T>(method: string, path: string, request: RequestOptions = {}): Promise<ApiResponse<T>> {
      const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...request.headers };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      else if (transport.csrfToken && UNSAFE_METHODS.has(method)) headers['x-csrf-token'] = transport.csrfToken;

      const init: RequestInit = { method, headers, credentials: 'same-origin' };
      if (request.body !== undefined) init.body = JSON.stringify(request.body);
      const response = await doFetch(`${baseUrl}${path}${queryString(request.query)}`, init);

      if (!response.ok) throw await toApiError(response);
      const body = response.status === 204 ? undefined : await readJson(response);
      return { body: body as T, status: response.status, headers: response.headers };
    },
    call<R extends ApiRoute>(route: R, ...[input]: CallArgs<R>) {
      const { params, query, body, headers } = (input ?? {}) as {
        params?: Record<string, string>;
        query?: object;
        body?: unknown;
        headers?: Record<string, string>;
      };
      return transport.request<RouteResponse<R>>(route.method, pathOf(route, params), { query, body, headers });
    },
  };
  return transport;
}

/** Encodes a query object, skipping undefined and empty values; returns '' or a string starting with '?'. */
export function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const encoded = params.toString();
  return encoded ? `?${encoded}` : '';
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  return text ? JSON.parse(text) : undefined;
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  let parsed: unknown;
  try {
    parsed = await readJson(response);
  } catch {
    // A non-JSON error body (an HTML page from a proxy, say) still becomes a problem, built from the status line.
    parsed = undefined;
  }
  if (isProblem(parsed)) return new ApiError({ ...parsed, status: parsed.status || response.status }, retryAfter);
  return new ApiError(
    { type: 'about:blank', title: response.statusText || `HTTP ${response.status}`, status: response.status },
    retryAfter,
  );
}

function isProblem(value: unknown): value is Problem {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Problem).type === 'string' &&
    typeof (value as Problem).title === 'string'
  );
}

function parseRetryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
