import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession } from './browser';
import type { ServerProcess } from './server-process';

const PASSWORD = 'correct horse battery staple 42';
const STATE = path.resolve(import.meta.dirname, '../apps/server/src/modules/discovery/fixtures/aws-prod.serial-17.tfstate');

describe.runIf(browserTier())('one identity per thing in a real browser', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ server, browser } = session);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
  });

  it('previews and imports a Terraform state, then merges two records of one server', async () => {
    const setup = await fetch(`${server.url}/api/v1/setup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: server.setupToken, email: 'admin@example.org', name: 'Admin', password: PASSWORD }),
    });
    expect(setup.status).toBe(201);
    const cookie = (setup.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const { csrfToken } = (await setup.json()) as { csrfToken: string };
    const create = async (body: unknown) => {
      const res = await fetch(`${server.url}/api/v1/cis`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/login`);
    await page.getByTestId('login-email').fill('admin@example.org');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-menu').waitFor();

    // Terraform: a dry run shows what would happen and writes nothing; the import then lands in the history.
    await page.getByTestId('nav-terraform-imports').click();
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'terraform.tfstate', mimeType: 'application/json', buffer: readFileSync(STATE) });
    await page.getByTestId('terraform-dry-run').click();
    await expect.poll(() => page.getByTestId('terraform-counts').textContent()).toContain('15 to create');
    expect(await page.getByTestId('terraform-history').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'identity-01-terraform-dry-run.png') });
    await page.getByTestId('terraform-import').click();
    await page.getByTestId('terraform-history').waitFor();
    expect(await page.getByTestId('terraform-history').locator('tbody tr').count()).toBe(1);
    await expect.poll(() => page.getByTestId('terraform-resources').textContent()).toContain('web-2');

    // Two records of one server, and the suggestion discovery would have made for them.
    const keep = await create({ type: 'physical_server', name: 'db-01', serial: 'SN-1' });
    const other = await create({ type: 'physical_server', name: 'db-01-old', manufacturer: 'Dell Inc.' });
    const store = new Database(path.join(server.dataDir, 'estate.db'));
    store.pragma('busy_timeout = 5000');
    store
      .prepare(
        `insert into merge_suggestions (id, ci_id, other_ci_id, reason, details, status, source, created_at)
         values ('0190a000-0000-7000-8000-00000000e2e1', ?, ?, 'same MAC address 52:54:00:aa:00:01', '{}', 'open', 'scan', ?)`,
      )
      .run(other, keep, Date.now());
    store.close();

    await page.getByTestId('nav-merge-suggestions').click();
    await page.getByTestId('merge-review').click();
    await page.getByTestId('merge-compare').waitFor();
    expect(await page.getByTestId('merge-compare').locator('tr[data-differs]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'identity-02-merge-review.png') });
    await page.getByTestId('merge-start').click();
    await expect.poll(() => page.getByTestId('merge-confirm-text').textContent()).toContain('db-01-old will be deleted');
    await page.getByTestId('merge-confirm').click();
    await page.getByTestId('merge-empty').waitFor();

    const kept = (await (await fetch(`${server.url}/api/v1/cis/${keep}`, { headers: { cookie } })).json()) as { manufacturer: string };
    expect(kept.manufacturer).toBe('Dell Inc.');
    expect((await fetch(`${server.url}/api/v1/cis/${other}`, { headers: { cookie } })).status).toBe(404);

    // The kept server's page has a Software tab.
    await page.goto(`${server.url}/inventory/${keep}`);
    await page.getByTestId('tab-software').click();
    await page.getByTestId('software-empty').waitFor();
  });
});
