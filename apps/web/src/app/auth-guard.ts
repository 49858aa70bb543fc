import type { EstateClient } from '@estate/client';
import type { Me, Permission } from '@estate/contract';
import type { QueryClient } from '@tanstack/react-query';
import { redirect } from '@tanstack/react-router';
import { meQuery, setupStatusQuery } from '../features/auth/auth-queries';

/** What every route's `beforeLoad` can reach: the API client and the query cache. */
export interface RouterContext {
  api: EstateClient;
  queryClient: QueryClient;
}

/**
 * The signed-in user, or null when nobody is signed in; other errors (server down) propagate. Asks the session
 * probe, which answers 200 either way, so a signed-out visit logs no 401 in the browser's console; the answer seeds
 * the `me` and setup-status caches.
 */
export async function loadMe(context: RouterContext): Promise<Me | null> {
  const { api, queryClient } = context;
  const cached = queryClient.getQueryData(meQuery(api).queryKey);
  if (cached) return cached;
  const session = await api.getSession();
  queryClient.setQueryData(setupStatusQuery(api).queryKey, { setupRequired: session.setupRequired });
  if (session.me) queryClient.setQueryData(meQuery(api).queryKey, session.me);
  return session.me;
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
