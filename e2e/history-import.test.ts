import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession } from './browser';
import type { ServerProcess } from './server-process';

describe.runIf(browserTier())('history diff and relationship import in a real browser', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;
  let api: AdminApi;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ server, browser } = session);
    api = await setUpAdmin(server);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
  });

  it('compares a CI between two history entries, and between one and now', async () => {
    const created = await api('POST', '/cis', { type: 'physical_server', name: 'srv-diff-01', model: 'R640' });
    const id = created.body.id as string;
    const first = await api('PATCH', `/cis/${id}`, { model: 'R740', serial: 'SN-1' }, { 'if-match': created.etag as string });
    await api('PATCH', `/cis/${id}`, { manufacturer: 'Dell', environment: 'production' }, { 'if-match': first.etag as string });

    const page = await signInPage(browser, server, { width: 1280, height: 1000 });
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
    const page = await signInPage(browser, server, { width: 1280, height: 1000 });
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

  it('imports a NetBox device export through the preset picker: suggestion, dry run with new locations, import', async () => {
    const file = readFileSync(
      path.resolve(import.meta.dirname, '../apps/server/src/modules/inventory/import/fixtures/netbox-2.11-devices.csv'),
    );
    const page = await signInPage(browser, server, { width: 1280, height: 1000 });
    await page.goto(`${server.url}/inventory/import`);
    await page.getByTestId('import-file').setInputFiles({ name: 'devices.csv', mimeType: 'text/csv', buffer: file });
    await page.getByTestId('import-preset-suggestion').getByRole('button').click();
    const mapping = page.getByTestId('import-preset-mapping');
    await mapping.waitFor();
    expect(await mapping.locator('[data-testid="import-preset-column"][data-column="device_role"]').textContent()).toContain('Item type');
    await page.getByTestId('import-dry-run').click();
    const run = page.getByTestId('import-run');
    await run.waitFor({ timeout: 20_000 });
    expect(await run.textContent()).toBe('Import 50 items');
    expect(await page.getByTestId('import-locations').textContent()).toContain('rack R01 (Suite 100) in Suite 100');
    await page.screenshot({ path: path.join(ARTIFACTS, '23-netbox-preset-dry-run.png'), fullPage: true });
    await run.click();
    await page.locator('[data-testid="import-summary"][data-status="succeeded"]').waitFor({ timeout: 20_000 });
    const found = await api('GET', '/cis?q=fra-core-switch-01');
    const device = (found.body.items as Array<{ name: string; type: string; status: string; locationId: string }>).find(
      (c) => c.name === 'fra-core-switch-01',
    );
    expect(device).toMatchObject({ type: 'switch', status: 'deployed' });
    const rack = await api('GET', `/cis/${device?.locationId}`);
    expect(rack.body).toMatchObject({ type: 'rack', name: 'R01' });
    await page.close();
  }, 120_000);
});
