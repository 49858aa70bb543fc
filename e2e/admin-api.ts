import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ServerProcess } from './server-process';

/** The first admin every browser test sets up. */
export const ADMIN = { email: 'admin@example.org', name: 'Admin', password: 'correct horse battery staple 42' } as const;

/** One API answer: status, ETag and the JSON body ({} for 204). */
export interface ApiAnswer {
  status: number;
  etag: string | null;
  body: Record<string, unknown>;
}

/** Calls `/api/v1<url>` as the admin; any answer of 300 or more throws with its body. */
export type AdminApi = (method: string, url: string, body?: unknown, headers?: Record<string, string>) => Promise<ApiAnswer>;

/** Sets the first admin up with the console token; the setup answer signs them in (cookie + CSRF token). */
export async function setUpAdmin(server: ServerProcess): Promise<AdminApi> {
  const setup = await fetch(`${server.url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: server.setupToken, ...ADMIN }),
  });
  expect(setup.status).toBe(201);
  const cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const { csrfToken } = (await setup.json()) as { csrfToken: string };
  return async (method, url, body, headers = {}) => {
    const res = await fetch(`${server.url}/api/v1${url}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const answer = {
      status: res.status,
      etag: res.headers.get('etag'),
      body: (res.status === 204 ? {} : await res.json()) as Record<string, unknown>,
    };
    if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(answer.body)}`);
    return answer;
  };
}

/** Signs the admin in on the login page of a new browser page and waits for the shell. */
export async function signInPage(browser: Browser, server: ServerProcess, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(`${server.url}/login`);
  await page.getByTestId('login-email').fill(ADMIN.email);
  await page.getByTestId('login-password').fill(ADMIN.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-menu').waitFor();
  return page;
}
