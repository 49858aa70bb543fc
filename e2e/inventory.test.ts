import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, isMachineNoise, startBrowserSession, waitForPage } from './browser';
import type { ServerProcess } from './server-process';

/** The admin's API, answering only the JSON body (every call here creates something with an id). */
function apiSession(admin: AdminApi) {
  return async (method: string, url: string, body?: unknown) => (await admin(method, url, body)).body as { id: string };
}

describe.runIf(browserTier())('modelling a small data centre in a real browser', () => {
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

  it('creates a server through the generated form and shows which business service breaks when its switch fails', async () => {
    const api = apiSession(admin);
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
    const warnings: string[] = [];
    page.on('console', (message) => {
      if ((message.type() === 'warning' || message.type() === 'error') && !isMachineNoise(message.text())) warnings.push(message.text());
    });
    await page.goto(`${server.url}/inventory/${sw.id}`);
    await page.getByTestId('tab-impact').click();
    const affected = page.getByTestId('affected-services');
    await affected.filter({ hasText: 'Online sales' }).waitFor({ timeout: 15_000 });
    // Cytoscape loads on demand and draws into canvases.
    await page.locator('[data-testid="impact-graph"] canvas').first().waitFor({ timeout: 15_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(ARTIFACTS, '10-switch-impact.png') });
    // Four items in four rows: the canvas fits them instead of filling 560 px, and rendering warns of nothing.
    const box = await page.getByTestId('impact-graph').boundingBox();
    expect(box?.height).toBeLessThan(560);
    expect(warnings).toEqual([]);
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

  it('shows this machine as its agent reports it: tables, values as they are, services or why not, history in words', async () => {
    // The local agent `estate serve` starts reports this machine.
    let ciId: string | null = null;
    for (let i = 0; i < 360 && !ciId; i++) {
      const agents = (await admin('GET', '/agents')).body as { items: Array<{ ciId: string | null }> };
      ciId = agents.items.find((a) => a.ciId)?.ciId ?? null;
      if (!ciId) await sleep(250);
    }
    expect(ciId, 'the local agent reported this machine').not.toBeNull();
    const ci = (await admin('GET', `/cis/${ciId}`)).body as { type: string; attributes: Record<string, unknown> };
    const types = (await admin('GET', '/ci-types')).body as unknown as { items?: Array<{ id: string; label: string }> };
    const typeLabel = (Array.isArray(types) ? types : (types.items ?? [])).find((t: { id: string }) => t.id === ci.type)?.label;

    const page = await signInPage(browser, server);
    const warnings: string[] = [];
    page.on('console', (message) => {
      if ((message.type() === 'warning' || message.type() === 'error') && !isMachineNoise(message.text())) warnings.push(message.text());
    });
    await page.goto(`${server.url}/inventory/${ciId}`);
    // A loaded CI machine has left this page unrendered for 30 s a few times: wait, say what it showed, reload once.
    await waitForPage(page, 'ci-attributes');
    // A container or a VM is typed as such.
    if (typeLabel) expect(await page.getByTestId('ci-type-badge').textContent()).toBe(typeLabel);
    // Values are not labels: the architecture reads as the kernel names it.
    if (os.machine() === 'x86_64') expect(await page.getByTestId('ci-value-attributes.architecture').textContent()).toBe('x86_64');
    expect(await page.getByTestId('ci-value-attributes.cpuVendor').textContent()).not.toBe('—');
    // Filesystems, disks and listening ports are tables, with each port's process where the agent could see it.
    expect(await page.getByTestId('ci-structure-filesystems-row').count()).toBeGreaterThan(0);
    if (Array.isArray(ci.attributes.disks) && ci.attributes.disks.length > 0)
      expect(await page.getByTestId('ci-structure-disks-row').count()).toBe(ci.attributes.disks.length);
    const ports = page.getByTestId('ci-structure-listeningPorts');
    expect(await ports.locator('th').allTextContents()).toEqual(expect.arrayContaining(['Port', 'Address', 'Process']));
    expect(await ports.textContent()).toContain('node');
    // Services are listed, or a line says why they cannot be.
    const services = page.getByTestId('ci-services');
    if (typeof ci.attributes.servicesUnavailable === 'string')
      expect(await services.getByTestId('services-unavailable').textContent()).toContain('systemd is not the init system');
    else expect(await services.locator('.mantine-Badge-root').count()).toBeGreaterThan(0);
    expect(await page.locator('main').textContent()).not.toContain('{"');
    await page.screenshot({ path: path.join(ARTIFACTS, '12-this-machine.png'), fullPage: true });

    // History reads like a change log: labels from the schema, values in words.
    await page.getByTestId('tab-history').click();
    const changes = page.getByTestId('history-change');
    await changes.first().waitFor();
    const lines = await changes.allTextContents();
    expect(lines.some((line) => line.startsWith('CPU cores: '))).toBe(true);
    expect(lines.filter((line) => /^(attributes|customFields)\./.test(line))).toEqual([]);
    expect(await page.locator('main').textContent()).not.toContain('{"');
    await page.screenshot({ path: path.join(ARTIFACTS, '13-this-machine-history.png'), fullPage: true });

    // Nothing is related to a fresh machine: a sentence, not one dot on a big empty canvas.
    await page.getByTestId('tab-impact').click();
    await page.getByTestId('impact-alone').waitFor();
    expect(await page.getByTestId('impact-graph').count()).toBe(0);
    expect(warnings).toEqual([]);

    // On a phone the tabs scroll sideways instead of being cut off.
    const phone = await signInPage(browser, server, { width: 390, height: 844 });
    await phone.goto(`${server.url}/inventory/${ciId}`);
    await waitForPage(phone, 'ci-attributes');
    const viewport = phone.getByTestId('ci-tabs-scroll').locator('.mantine-ScrollArea-viewport');
    const { scrollWidth, clientWidth } = await viewport.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    await phone.screenshot({ path: path.join(ARTIFACTS, '14-this-machine-phone.png'), fullPage: true });
    await phone.getByTestId('tab-impact').click();
    await phone.getByTestId('impact-alone').waitFor();
    await phone.getByTestId('tab-history').scrollIntoViewIfNeeded();
    await phone.screenshot({ path: path.join(ARTIFACTS, '15-this-machine-phone-tabs.png') });
  }, 180_000);
});
