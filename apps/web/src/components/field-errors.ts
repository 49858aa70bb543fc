import { ApiError } from '@estate/client';
import { useEffect } from 'react';

/**
 * The per-field messages of a failed request, keyed by field name (`email`, `password`, …), for the inputs'
 * `error` props; empty when the error is not a problem answer or has no field errors.
 */
export function fieldErrorsOf(error: unknown): Record<string, string> {
  return error instanceof ApiError ? error.fieldErrors() : {};
}

/** The part of a `@mantine/form` form that server errors are put on. */
export interface FormWithErrors {
  setErrors: (errors: Record<string, string>) => void;
}

/**
 * Puts the per-field messages of a failed request on a `useForm` form's fields (through `form.setErrors`) whenever
 * the request's error changes, so a server's 400 shows under the inputs it names, as `fieldErrorsOf` does for
 * uncontrolled forms. An error without field errors (or none) clears them.
 */
export function useServerFieldErrors(form: FormWithErrors, error: unknown): void {
  const { setErrors } = form;
  useEffect(() => {
    setErrors(fieldErrorsOf(error));
  }, [setErrors, error]);
}
