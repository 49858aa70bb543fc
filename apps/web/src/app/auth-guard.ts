import type { EstateClient } from '@estate/client';
import { isApiError } from '@estate/client';
import type { Me, Permission } from '@estate/contract';
import type { QueryClient } from '@tanstack/react-query';
import { redirect } from '@tanstack/react-router';
import { meQuery, setupStatusQuery } from '../features/auth/auth-queries';

/** What every route's `beforeLoad` can reach: the API client and the query cache. */
export interface RouterContext {
  api: EstateClient;
  queryClient: QueryClient;
}

/** The signed-in user, or null when nobody is signed in; other errors (server down) propagate. */
export async function loadMe(context: RouterContext): Promise<Me | null> {
  try {
    return await context.queryClient.ensureQueryData(meQuery(context.api));
  } catch (error) {
    if (isApiError(error) && error.status === 401) return null;
    throw error;
  }
}

/** Whether the server still waits for its first admin. */
export async function isSetupRequired(context: RouterContext): Promise<boolean> {
  return (await context.queryClient.ensureQueryData(setupStatusQuery(context.api))).setupRequired;
}

/**
 * Guard of every page inside the app shell: sends visitors to setup (first run) or login (remembering where they
 * were going), and users who must enrol MFA to the enrolment page. Resolves with the signed-in user otherwise.
 */
export async function requireSignedIn(context: RouterContext, href: string): Promise<Me> {
  const me = await loadMe(context);
  if (!me) {
    if (await isSetupRequired(context)) throw redirect({ to: '/setup' });
    throw redirect({ to: '/login', search: { redirect: href } });
  }
  if (me.mfaEnrolmentRequired) throw redirect({ to: '/enrol-mfa' });
  return me;
}

/** True when the signed-in user holds `permission`. */
export function can(me: Me, permission: Permission): boolean {
  const held: readonly string[] = me.permissions;
  return held.includes(permission);
}

/** The page to land on after sign-in: an in-app path from `?redirect=`, never another origin. */
export function safeRedirectTarget(redirectTo: string | undefined): string {
  if (redirectTo?.startsWith('/') && !/^\/[/\\]/.test(redirectTo) && !redirectTo.startsWith('/login')) return redirectTo;
  return '/';
}
