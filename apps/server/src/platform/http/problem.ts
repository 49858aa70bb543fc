import { ProblemType } from '@estate/contract';
import { plural } from '../plural';

/** A field-level validation message. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * An error that becomes an `application/problem+json` answer. Services throw these (they carry no HTTP types beyond a
 * status number); the error handler renders them. `type` is stable and documented in the contract.
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
  }
}

export const problems = {
  validation: (detail: string, errors?: FieldError[]) => new HttpProblem(400, ProblemType.validation, 'Invalid request', detail, errors),
  unauthenticated: () =>
    new HttpProblem(401, ProblemType.unauthenticated, 'Authentication required', 'Sign in, or send a valid API token.'),
  forbidden: (detail = 'You do not have permission to do this.') => new HttpProblem(403, ProblemType.forbidden, 'Forbidden', detail),
  notFound: (what = 'The resource') => new HttpProblem(404, ProblemType.notFound, 'Not found', `${what} does not exist.`),
  conflict: (detail: string, errors?: FieldError[]) => new HttpProblem(409, ProblemType.conflict, 'Conflict', detail, errors),
  preconditionFailed: () =>
    new HttpProblem(
      412,
      ProblemType.preconditionFailed,
      'Precondition failed',
      'The resource changed since you read it; reload it and apply your change again.',
    ),
  preconditionRequired: () =>
    new HttpProblem(
      428,
      ProblemType.preconditionRequired,
      'Precondition required',
      'Send If-Match with the ETag from your last read of this resource.',
    ),
  tooManyRequests: (retryAfterSeconds: number) =>
    new HttpProblem(
      429,
      ProblemType.tooManyRequests,
      'Too many requests',
      `Try again in ${plural(retryAfterSeconds, 'second')}.`,
      undefined,
      {
        'retry-after': String(retryAfterSeconds),
      },
    ),
};
