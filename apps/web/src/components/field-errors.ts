import { ApiError } from '@estate/client';

/**
 * The per-field messages of a failed request, keyed by field name (`email`, `password`, …), for the inputs'
 * `error` props; empty when the error is not a problem answer or has no field errors.
 */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  return error instanceof ApiError ? error.fieldErrors() : {};
}
