import { isApiError } from '@estate/client';
import { ProblemType } from '@estate/contract';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';

/** Set `meta: { [EXPECTS_UNAUTHENTICATED]: true }` on a query or mutation whose 401 is an answer, not a lost session. */
export const EXPECTS_UNAUTHENTICATED = 'expectsUnauthenticated';

/** What the UI does when any request reveals that the session is gone or that MFA enrolment is due. */
export interface SessionEvents {
  /** A request answered 401 `unauthenticated`: the session expired or was revoked. */
  onUnauthenticated(): void;
  /** A request answered 403 `mfa-enrolment-required`: the user must enrol TOTP before anything else. */
  onMfaEnrolmentRequired(): void;
}

/**
 * Creates the query cache of the UI. Problem answers are not retried (a 4xx will not get better by asking again;
 * only network errors and 5xx are retried, twice), and session-level problems are routed to `events`.
 */
export function createQueryClient(events: SessionEvents): QueryClient {
  const onError = (error: unknown, meta: Record<string, unknown> | undefined) => {
    // Queries that ask "am I signed in?" expect a 401 and handle it themselves (the route guards do).
    if (meta?.[EXPECTS_UNAUTHENTICATED]) return;
    if (isApiError(error, ProblemType.unauthenticated)) events.onUnauthenticated();
    else if (isApiError(error, ProblemType.mfaEnrolmentRequired)) events.onMfaEnrolmentRequired();
  };
  return new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => onError(error, query.meta) }),
    mutationCache: new MutationCache({ onError: (error, _variables, _context, mutation) => onError(error, mutation.meta) }),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => failures < 2 && !(isApiError(error) && error.status < 500),
      },
      mutations: { retry: false },
    },
  });
}
