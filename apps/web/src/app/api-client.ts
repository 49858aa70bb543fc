import { createClient, type EstateClient } from '@estate/client';

/**
 * Creates the UI's one API client: same origin as the page, authenticated by the session cookie, keeping the CSRF
 * token of the latest `Me` answer in memory only (never in storage, where other scripts could read it).
 */
export function createApiClient(): EstateClient {
  return createClient({ baseUrl: '' });
}
