import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession, waitForPage } from './browser';
import type { ServerProcess } from './server-process';

/*
 * The checks list kept live by the server's event stream, checks created for a selection of CIs from the inventory,
 * and checks suggested from a real scan's findings, in a real browser against `estate serve`. The target is a tiny
 * HTTP server on 127.0.0.1 whose /health answers 200 or 503 as the test says.
 */

/** How long a check may take to reach a state on its own: its first slot falls within its 10 s interval. */
const STATE_WITHIN = 40_000;

describe.runIf(browserTier())('monitoring: live list, bulk create from the inventory, suggestions from discovery', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;
  let api: AdminApi;
  let target: Server;
  let targetPort: number;
  let healthy = true;
  let page: Page;

  beforeAll(async () => {
    target = createServer((req, res) => {
      if (req.url === '/health' && healthy) res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      else if (req.url === '/health') res.writeHead(503).end('{"ok":false}');
      else res.writeHead(200, { 'content-type': 'text/html' }).end('<title>Target</title>');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetPort = (target.address() as AddressInfo).port;
    session = await startBrowserSession();
    ({ server, browser } = session);
    api = await setUpAdmin(server);
    page = await signInPage(browser, server);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
    await new Promise((resolve) => target?.close(resolve));
  });

  it('the open checks list shows a check going down and its count change from the event stream, without polling or reload', {
    timeout: 120_000,
  }, async () => {
    const created = await api('POST', '/checks', {
      name: 'Live target',
      type: 'http',
      config: { url: `http://127.0.0.1:${targetPort}/health` },
      intervalSeconds: 10,
      timeoutSeconds: 5,
    });
    const id = created.body.id as string;
    const listReads: string[] = [];
    let streamOpened = false;
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (request.method() === 'GET' && (url.pathname === '/api/v1/checks' || url.pathname === '/api/v1/checks/summary'))
        listReads.push(url.pathname);
    });
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/v1/checks/events' && response.status() === 200) streamOpened = true;
    });
    await page.goto(`${server.url}/checks`);
    const row = () => page.locator('[data-testid="check-row"]').filter({ hasText: 'Live target' });
    await page.locator('[data-testid="check-row"][data-state="up"]').filter({ hasText: 'Live target' }).waitFor({ timeout: STATE_WITHIN });
    await expect.poll(() => streamOpened).toBe(true);
    const downBefore = Number(await page.getByTestId('summary-down').getByTestId('summary-count').textContent());
    listReads.length = 0;

    // Two failed runs in a row (retries 1) take it down; the server records them, the stream tells the page.
    healthy = false;
    await api('POST', `/checks/${id}/run`);
    await api('POST', `/checks/${id}/run`);
    await page.locator('[data-testid="check-row"][data-state="down"]').filter({ hasText: 'Live target' }).waitFor({ timeout: 15_000 });
    expect(await row().getByTestId('check-message').textContent()).toContain('503');
    await expect.poll(() => page.getByTestId('summary-down').getByTestId('summary-count').textContent()).toBe(String(downBefore + 1));
    await page.screenshot({ path: path.join(ARTIFACTS, '80-checks-list-live-down-desktop-light.png'), fullPage: true });

    // Back up, still in place; and over more than one 5 s polling interval, the page read no list and no summary.
    healthy = true;
    await api('POST', `/checks/${id}/run`);
    await page.locator('[data-testid="check-row"][data-state="up"]').filter({ hasText: 'Live target' }).waitFor({ timeout: 15_000 });
    await page.waitForTimeout(6_000);
    expect(listReads).toEqual([]);
  });

  it('disables and deletes the selected checks together from the checks list', { timeout: 90_000 }, async () => {
    const ids: string[] = [];
    for (const name of ['Bulk pick 1', 'Bulk pick 2']) {
      ids.push((await api('POST', '/checks', { name, type: 'tcp', config: { host: '127.0.0.1', port: targetPort } })).body.id as string);
    }
    await page.goto(`${server.url}/checks`);
    await page.getByTestId('check-search').fill('Bulk pick');
    const rows = page.locator('[data-testid="check-row"]').filter({ hasText: 'Bulk pick' });
    await expect.poll(() => rows.count()).toBe(2);
    for (let i = 0; i < 2; i++) await rows.nth(i).getByTestId('select-row').click();
    expect(await page.getByTestId('check-bulk-count').textContent()).toBe('2 selected');
    await page.getByTestId('check-bulk-disable').click();
    await expect
      .poll(() => page.locator('[data-testid="check-row"][data-state="disabled"]').filter({ hasText: 'Bulk pick' }).count())
      .toBe(2);
    for (const id of ids) expect((await api('GET', `/checks/${id}`)).body.enabled).toBe(false);

    for (let i = 0; i < 2; i++) await rows.nth(i).getByTestId('select-row').click();
    await page.getByTestId('check-bulk-delete').click();
    await page.getByTestId('confirm-action').click();
    await expect.poll(() => rows.count()).toBe(0);
    for (const id of ids) await expect(api('GET', `/checks/${id}`)).rejects.toThrow(/→ 404/);
  });

  it('creates a check for each selected CI from a template, previewed, with the server’s refusals on their rows', {
    timeout: 90_000,
  }, async () => {
    const names = ['bulk-web-1', 'bulk-web-2', 'bulk-web-3'];
    const ciIds: string[] = [];
    for (const [i, name] of names.entries()) {
      ciIds.push(
        (await api('POST', '/cis', { type: 'virtual_machine', name, attributes: { ipAddresses: [`10.99.0.${i + 1}`] } })).body.id as string,
      );
    }
    await page.goto(`${server.url}/inventory`);
    await page.getByTestId('inventory-search').fill('bulk-web');
    await expect.poll(() => page.getByTestId('ci-row').count(), { timeout: 10_000 }).toBe(3);
    await page.getByTestId('select-all').click();
    await page.getByTestId('bulk-create-checks').click();
    const modal = page.getByTestId('bulk-checks-modal');
    // The modal's root has no box of its own: wait for what it shows.
    await modal.getByTestId('bulk-check-preview').waitFor();
    await modal.getByTestId('bulk-check-template').getByText('HTTP(S) URL').click();
    await modal.getByTestId('bulk-check-url').fill('ftp://{ip}/');
    await expect
      .poll(() => modal.getByTestId('bulk-check-target').allTextContents())
      .toEqual(['ftp://10.99.0.1/', 'ftp://10.99.0.2/', 'ftp://10.99.0.3/']);
    await modal.getByTestId('bulk-checks-submit').click();
    await expect.poll(() => modal.locator('[data-testid="bulk-check-row"][data-error="true"]').count()).toBe(3);
    expect(await modal.getByTestId('bulk-check-row').first().textContent()).toContain('config.url must start with http:// or https://');
    await page.screenshot({ path: path.join(ARTIFACTS, '81-bulk-create-checks-refused-desktop-light.png'), fullPage: true });

    await modal.getByTestId('bulk-check-template').getByText('TCP port').click();
    await modal.getByTestId('bulk-check-port').fill('8080');
    await expect
      .poll(() => modal.getByTestId('bulk-check-target').allTextContents())
      .toEqual(['10.99.0.1:8080', '10.99.0.2:8080', '10.99.0.3:8080']);
    expect(await modal.locator('[data-testid="bulk-check-row"][data-error="true"]').count()).toBe(0);
    expect(await modal.getByTestId('bulk-checks-submit').textContent()).toBe('Create 3 checks');
    await page.screenshot({ path: path.join(ARTIFACTS, '82-bulk-create-checks-preview-desktop-light.png'), fullPage: true });
    await modal.getByTestId('bulk-checks-submit').click();
    await modal.getByTestId('bulk-check-preview').waitFor({ state: 'detached' });
    await page.getByTestId('bulk-actions').waitFor({ state: 'detached' });

    const made = (await api('GET', '/checks?q=bulk-web')).body.items as Array<{ name: string; target: string; ciIds: string[] }>;
    expect(made.map((c) => [c.name, c.target, c.ciIds])).toEqual(
      names.map((name, i) => [`${name} TCP 8080`, `10.99.0.${i + 1}:8080`, [ciIds[i]]]),
    );
    // Each CI's Monitoring tab lists its check.
    await page.goto(`${server.url}/inventory/${ciIds[1]}`);
    await waitForPage(page, 'tab-monitoring');
    await page.getByTestId('tab-monitoring').click();
    await page.getByTestId('ci-checks').getByTestId('check-row').filter({ hasText: 'bulk-web-2 TCP 8080' }).waitFor();
  });

  it('suggests a check for a port a scan found open on the CI page, and adds it with one click', { timeout: 90_000 }, async () => {
    const scan = await api('POST', '/discovery/scans', {
      name: 'Target',
      targets: ['127.0.0.1'],
      ports: [targetPort],
      options: { reverseDns: false, timeoutMs: 2_000 },
    });
    const run = await api('POST', `/discovery/scans/${scan.body.id}/runs`);
    await expect
      .poll(async () => (await api('GET', `/discovery/runs/${run.body.id}`)).body.status, { timeout: 60_000, interval: 500 })
      .toBe('succeeded');
    const hosts = (await api('GET', `/discovery/runs/${run.body.id}/hosts`)).body.items as Array<{ ci: { id: string } }>;
    const ciId = hosts[0]?.ci.id as string;

    await page.goto(`${server.url}/inventory/${ciId}`);
    await waitForPage(page, 'tab-monitoring');
    await page.getByTestId('tab-monitoring').click();
    const suggestion = page.locator(`[data-testid="check-suggestion"][data-key="http:${targetPort}"]`);
    await suggestion.waitFor();
    expect(await suggestion.textContent()).toContain(`port ${targetPort} open at 127.0.0.1 (scan Target), speaks HTTP`);
    await page.screenshot({ path: path.join(ARTIFACTS, '83-ci-check-suggestions-desktop-light.png'), fullPage: true });
    await suggestion.getByTestId('check-suggestion-add').click();
    await suggestion.waitFor({ state: 'detached' });
    const added = page
      .getByTestId('ci-checks')
      .getByTestId('check-row')
      .filter({ hasText: `http://127.0.0.1:${targetPort}/` });
    await added.waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '84-ci-check-suggestion-added-desktop-light.png'), fullPage: true });
  });
});
