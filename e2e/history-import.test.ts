import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession } from './browser';
import type { ServerProcess } from './server-process';

const PASSWORD = 'correct horse battery staple 42';

interface ApiAnswer {
  status: number;
  etag: string | null;
  body: Record<string, unknown>;
}

/** The first admin, signed in over fetch: a request function that returns status, ETag and JSON. */
async function adminApi(server: ServerProcess) {
  const setup = await fetch(`${server.url}/api/v1/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: server.setupToken, email: 'admin@example.org', name: 'Admin', password: PASSWORD }),
  });
  expect(setup.status).toBe(201);
  const cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0] as string;
  const { csrfToken } = (await setup.json()) as { csrfToken: string };
  return async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> => {
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

async function signIn(page: Page, server: ServerProcess): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.getByTestId('login-email').fill('admin@example.org');
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-menu').waitFor();
}

describe.runIf(browserTier())('history diff and relationship import in a real browser', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;
  let api: Awaited<ReturnType<typeof adminApi>>;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ server, browser } = session);
    api = await adminApi(server);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
  });

  it('compares a CI between two history entries, and between one and now', async () => {
    const created = await api('POST', '/cis', { type: 'physical_server', name: 'srv-diff-01', model: 'R640' });
    const id = created.body.id as string;
    const first = await api('PATCH', `/cis/${id}`, { model: 'R740', serial: 'SN-1' }, { 'if-match': created.etag as string });
    await api('PATCH', `/cis/${id}`, { manufacturer: 'Dell', environment: 'production' }, { 'if-match': first.etag as string });

    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signIn(page, server);
    await page.goto(`${server.url}/inventory/${id}`);
    await page.getByTestId('tab-history').click();
    const entries = page.getByTestId('history-entry');
    await expect.poll(async () => entries.count(), { timeout: 10_000 }).toBe(3);
    // Newest first: [second update, first update, created].
    await entries.nth(2).getByTestId('history-diff-from').click();
    await entries.nth(1).getByTestId('history-diff-to').click();
    const result = page.getByTestId('diff-result');
    await result.waitFor({ timeout: 10_000 });
    const fields = async () => page.getByTestId('diff-change').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
    await expect.poll(fields, { timeout: 10_000 }).toEqual(['model', 'serial']);
    expect(await page.locator('[data-testid="diff-change"][data-field="model"]').textContent()).toMatch(/R640.*R740/);
    await page.getByTestId('history-diff').screenshot({ path: path.join(ARTIFACTS, '20-history-diff.png') });

    // Emptying "To" compares with now: the second update's fields join in.
    await page.getByTestId('diff-to').fill('');
    await expect.poll(fields, { timeout: 10_000 }).toEqual(['environment', 'manufacturer', 'model', 'serial']);
    await page.screenshot({ path: path.join(ARTIFACTS, '21-history-diff-now.png'), fullPage: true });
    await page.close();
  }, 120_000);

  it('imports relationships through the wizard: dry run, import, then the relationship on the CI', async () => {
    await api('POST', '/cis', { type: 'application', name: 'crm' });
    const vm = await api('POST', '/cis', { type: 'virtual_machine', name: 'vm-crm-01' });
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await signIn(page, server);
    await page.goto(`${server.url}/inventory/import`);
    await page.getByTestId('import-kind').getByText('Relationships').click();
    await page.getByTestId('import-file').setInputFiles({
      name: 'links.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Source,Relationship type,Target\ncrm,runs_on,vm-crm-01\n'),
    });
    await page.getByTestId('import-mapping').waitFor();
    await page.getByTestId('import-dry-run').click();
    const run = page.getByTestId('import-run');
    await run.waitFor({ timeout: 15_000 });
    expect(await run.textContent()).toBe('Import 1 relationship');
    await run.click();
    await page.locator('[data-testid="import-summary"][data-status="succeeded"]').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, '22-relationship-import.png'), fullPage: true });
    const links = await api('GET', `/relationships?ciId=${vm.body.id}`);
    expect((links.body.items as Array<{ type: string; source: string }>).map((l) => `${l.type}:${l.source}`)).toEqual(['runs_on:import']);
    await page.close();
  }, 120_000);
});
