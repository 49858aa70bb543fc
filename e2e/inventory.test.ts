import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession } from './browser';
import type { ServerProcess } from './server-process';

/** The admin's API, answering only the JSON body (every call here creates something with an id). */
async function apiSession(server: ServerProcess) {
  const admin = await setUpAdmin(server);
  return async (method: string, url: string, body?: unknown) => (await admin(method, url, body)).body as { id: string };
}

describe.runIf(browserTier())('modelling a small data centre in a real browser', () => {
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

  it('creates a server through the generated form and shows which business service breaks when its switch fails', async () => {
    const api = await apiSession(server);
    const site = await api('POST', '/cis', { type: 'site', name: 'HQ' });
    const rack = await api('POST', '/cis', { type: 'rack', name: 'Rack A1', locationId: site.id, attributes: { heightU: 42 } });
    const sw = await api('POST', '/cis', { type: 'switch', name: 'sw-tor-a1', locationId: rack.id });
    const srv = await api('POST', '/cis', { type: 'physical_server', name: 'srv-web-01', locationId: rack.id });
    const app = await api('POST', '/cis', { type: 'application', name: 'Web shop' });
    const svc = await api('POST', '/cis', { type: 'business_service', name: 'Online sales', criticality: 'critical' });
    await api('POST', '/relationships', { type: 'connected_to', sourceId: srv.id, targetId: sw.id });
    await api('POST', '/relationships', { type: 'runs_on', sourceId: app.id, targetId: srv.id });
    await api('POST', '/relationships', { type: 'depends_on', sourceId: svc.id, targetId: app.id });

    const page = await signInPage(browser, server);

    // A CI created through the form generated from its type's schema.
    await page.goto(`${server.url}/inventory/new?type=physical_server`);
    await page.getByTestId('ci-form').waitFor();
    // Sent without its name, the form answers itself and takes the user to the field, far above the button.
    await page.getByTestId('ci-submit').click();
    await page.locator('[data-testid="ci-name"]:focus').waitFor();
    expect(await page.getByTestId('ci-form').getByText('Name is required').count()).toBe(1);
    await page.getByTestId('ci-name').fill('srv-db-01');
    await page.getByTestId('ci-submit').click();
    await page.getByTestId('ci-title').filter({ hasText: 'srv-db-01' }).waitFor();
    const created = (await api('GET', '/cis?type=physical_server&q=srv-db-01')) as unknown as {
      items: Array<{ name: string; provenance: Record<string, { source: string }> }>;
    };
    expect(created.items.map((ci) => ci.name)).toEqual(['srv-db-01']);
    expect(created.items[0]?.provenance.name?.source).toBe('manual');

    // The list finds both servers by search.
    await page.goto(`${server.url}/inventory`);
    await page.getByTestId('inventory-search').fill('srv');
    await expect.poll(async () => page.getByTestId('ci-row').count(), { timeout: 10_000 }).toBe(2);

    // What breaks if the switch fails: the server, the app on it, and the business service.
    await page.goto(`${server.url}/inventory/${sw.id}`);
    await page.getByTestId('tab-impact').click();
    const affected = page.getByTestId('affected-services');
    await affected.filter({ hasText: 'Online sales' }).waitFor({ timeout: 15_000 });
    // Cytoscape loads on demand and draws into canvases.
    await page.locator('[data-testid="impact-graph"] canvas').first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(ARTIFACTS, '10-switch-impact.png') });
    await page.getByTestId('impact-view').getByText('List').click();
    const list = page.getByTestId('impact-list');
    await list.waitFor();
    for (const name of ['srv-web-01', 'Web shop', 'Online sales']) expect(await list.textContent()).toContain(name);

    // And the rack shows its devices.
    await page.goto(`${server.url}/inventory/${rack.id}`);
    await page.getByTestId('tab-rack').click();
    await page.getByTestId('rack-elevation').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '11-rack.png') });
  }, 120_000);
});
