import type { Problem } from '@estate/contract';

/** One per-field validation error of a problem answer, as the server reported it. */
export interface FieldError {
  /** Where the offending value is, as sent by the server: the request part, then a JSON pointer, e.g. `body/email`. */
  path: string;
  /** Human-readable reason, fit to show next to the field. */
  message: string;
}

/**
 * The error every client method throws when the server answers with a non-2xx status. It carries the parsed
 * RFC 9457 problem; when the body was not problem+json (a proxy error page, say), a problem is synthesised from
 * the status line with type `about:blank`. Network failures are not wrapped: they surface as the fetch error.
 */
export class ApiError extends Error {
  /** The full problem document. */
  readonly problem: Problem;
  /** Stable problem identifier; compare with `ProblemType` from the contract, never with the title. */
  readonly type: string;
  /** HTTP status code of the answer. */
  readonly status: number;
  /** Short, human-readable summary of the problem. */
  readonly title: string;
  /** Longer explanation specific to this occurrence, if the server gave one. */
  readonly detail: string | undefined;
  /** Per-field validation errors; empty when there are none. */
  readonly errors: readonly FieldError[];
  /** Seconds to wait before retrying, from the `Retry-After` header of a 429 or 503; null when absent. */
  readonly retryAfterSeconds: number | null;

  /** Wraps a problem document; `retryAfterSeconds` comes from the answer's `Retry-After` header. */
  constructor(problem: Problem, retryAfterSeconds: number | null = null) {
    super(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    this.name = 'ApiError';
    this.problem = problem;
    this.type = problem.type;
    this.status = problem.status;
    this.title = problem.title;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** True when this problem has the given stable type (a value of `ProblemType`). */
  is(type: string): boolean {
    return this.type === type;
  }

  /**
   * The per-field errors keyed by body field name, for showing next to form inputs: the server's paths
   * `body/email` (or a bare pointer `/email`) become `email`, `body/scopes/0` becomes `scopes.0`; paths into other
   * request parts keep their part, e.g. `querystring.limit`. When a field has several errors, the first one wins.
   */
  fieldErrors(): Record<string, string> {
    const byField: Record<string, string> = {};
    for (const error of this.errors) {
      const field = error.path
        .replace(/^\//, '')
        .replace(/^body(\/|$)/, '')
        .replaceAll('/', '.');
      byField[field] ??= error.message;
    }
    return byField;
  }
}

/** True when `value` is an `ApiError`, optionally of the given problem type. */
export function isApiError(value: unknown, type?: string): value is ApiError {
  return value instanceof ApiError && (type === undefined || value.type === type);
}
