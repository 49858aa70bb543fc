import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession } from './browser';
import type { ServerProcess } from './server-process';

describe.runIf(browserTier())('the shared list and detail building blocks in a real browser', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;
  let admin: AdminApi;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ server, browser } = session);
    admin = await setUpAdmin(server);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
  });

  it('opens the inventory, and its table says when it is empty, sorts on the server, loads more and selects', async () => {
    const page = await signInPage(browser, server);
    await page.goto(`${server.url}/inventory`);
    await page.getByTestId('inventory-search').fill('app-');
    await page.getByTestId('table-empty').filter({ hasText: 'No configuration items match.' }).waitFor();

    // 105 CIs: one page of 100 and a second of 5.
    for (let i = 0; i < 105; i++) {
      await admin('POST', '/cis', { type: 'application', name: `app-${String(i).padStart(3, '0')}` });
    }
    // A new search term is a new query: 105 matches.
    await page.getByTestId('inventory-search').fill('app');
    const loaded = page.getByTestId('ci-loaded-count');
    await loaded.filter({ hasText: '100 loaded, more available' }).waitFor();
    const firstName = () => page.getByTestId('ci-row').first().locator('a').textContent();
    expect(await firstName()).toBe('app-000');

    // Sorting by name again flips it to descending, asked of the server: the first row is the last name.
    await page.getByTestId('sort-name').click();
    await expect.poll(firstName, { timeout: 10_000 }).toBe('app-104');
    expect(await page.getByTestId('ci-table').locator('th[aria-sort="descending"]').textContent()).toContain('Name');
    await page.getByTestId('sort-name').click();
    await expect.poll(firstName, { timeout: 10_000 }).toBe('app-000');

    await page.getByTestId('load-more').click();
    await loaded.filter({ hasText: /^105 loaded$/ }).waitFor();
    await page.getByText('End of the list').waitFor();

    // "Select all" ticks every loaded row, not only the rows in view.
    await page.getByTestId('select-all').click();
    await page.getByTestId('bulk-count').filter({ hasText: '105 selected' }).waitFor();
    await page.getByTestId('select-row').first().click();
    await page.getByTestId('bulk-count').filter({ hasText: '104 selected' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '30-inventory-data-table.png') });

    // The bulk change (useForm) is complete only with a value, names what it will do, and clears when done.
    await page.getByTestId('bulk-field').click();
    await page.getByRole('option', { name: 'Set environment' }).click();
    expect(await page.getByTestId('bulk-apply').isDisabled()).toBe(true);
    await page.getByTestId('bulk-value').click();
    await page.getByRole('option', { name: 'Staging' }).click();
    await page.getByTestId('bulk-apply').click();
    expect(await page.getByTestId('bulk-confirm-message').textContent()).toBe('Set environment to “Staging” on 104 configuration items.');
    await page.getByTestId('confirm-action').click();
    await page.getByTestId('bulk-actions').waitFor({ state: 'detached' });

    // A search that matches nothing shows the empty state again.
    await page.getByTestId('inventory-search').fill('no-such-thing');
    await page.getByTestId('table-empty').waitFor({ timeout: 10_000 });

    // The users list runs on the same table, its foot counting what was loaded.
    await page.goto(`${server.url}/users`);
    await page.getByTestId('user-row').first().waitFor();
    expect(await page.getByTestId('user-row').count()).toBe(1);
    await page.getByText('1 user', { exact: true }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '32-users-data-table.png') });

    // The create-user form (useForm): its own check first, then the server's verdict lands on the field it names.
    await page.getByTestId('create-user').click();
    const form = page.getByTestId('create-user-form');
    await page.getByTestId('user-name').fill('Ann');
    await page.getByTestId('user-email').fill('ann@example.org');
    await page.getByTestId('user-password').fill('short');
    await form.getByLabel('Confirm password').fill('different');
    await page.getByTestId('create-user-submit').click();
    await form.getByText('The passwords do not match').waitFor();
    await form.getByLabel('Confirm password').fill('short');
    await page.getByTestId('create-user-submit').click();
    const passwordError = form.locator('.mantine-PasswordInput-error');
    await passwordError.waitFor({ timeout: 10_000 });
    expect(await passwordError.textContent()).toMatch(/12|characters|short/i);
    await page.screenshot({ path: path.join(ARTIFACTS, '33-create-user-field-error.png') });
    await page.getByTestId('user-password').fill('correct horse battery staple 43');
    await form.getByLabel('Confirm password').fill('correct horse battery staple 43');
    await page.getByTestId('create-user-submit').click();
    await expect.poll(() => page.getByTestId('user-row').count(), { timeout: 10_000 }).toBe(2);
  }, 120_000);

  it('shows the interfaces, disks and filesystems an agent reports as tables on the CI page', async () => {
    const ci = await admin('POST', '/cis', {
      type: 'physical_server',
      name: 'srv-agent-01',
      attributes: {
        hostname: 'srv-agent-01',
        interfaces: [
          { name: 'eth0', mac: '52:54:00:12:34:56', addresses: ['192.0.2.10/24', 'fe80::1/64'], speedMbps: 10000 },
          { name: 'eth1', mac: '52:54:00:12:34:57', addresses: [] },
        ],
        disks: [{ device: 'nvme0n1', sizeGb: 953.9, model: 'Samsung SSD 980' }],
        filesystems: [
          { mount: '/', fsType: 'ext4', sizeGb: 915.8 },
          { mount: '/boot/efi', fsType: 'vfat', sizeGb: 0.5 },
        ],
      },
    });
    const page = await signInPage(browser, server);
    await page.goto(`${server.url}/inventory/${(ci.body as { id: string }).id}`);
    const interfaces = page.getByTestId('ci-structure-interfaces');
    await interfaces.waitFor();
    expect(await page.getByTestId('ci-structure-interfaces-row').count()).toBe(2);
    const headers = await interfaces.locator('th').allTextContents();
    expect(headers).toEqual(['Name', 'MAC', 'Addresses', 'Speed']);
    const eth0 = await page.getByTestId('ci-structure-interfaces-row').first().locator('td').allTextContents();
    expect(eth0).toEqual(['eth0', '52:54:00:12:34:56', '192.0.2.10/24, fe80::1/64', `${(10000).toLocaleString('en-US')} Mb/s`]);
    expect(await page.getByTestId('ci-structure-disks-row').count()).toBe(1);
    expect(await page.getByTestId('ci-structure-filesystems-row').count()).toBe(2);
    expect(await page.getByTestId('ci-structure-filesystems').textContent()).toContain('/boot/efi');
    // No raw JSON of a structure is left in the grid of facts.
    expect(await page.getByTestId('ci-attributes').textContent()).not.toContain('{"name"');
    await page.screenshot({ path: path.join(ARTIFACTS, '31-ci-structured-attributes.png'), fullPage: true });
  }, 120_000);
});
