import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession, waitForPage } from './browser';
import type { ServerProcess } from './server-process';

/*
 * Alerting through the UI against a real failing target: a fresh Estate starts with its starter rules ("Estate
 * checks": CheckDown), a check of a target answering 503 goes down, the rule fires, the alert shows on the alerts
 * page with the check's name, and is acknowledged from its page. Then a rule group is written in the editor: a
 * broken one is refused with the problem located, a good one is saved and listed.
 */

describe.runIf(browserTier())('alerting: a check down becomes an alert, acknowledged in a real browser', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;
  let api: AdminApi;
  let target: Server;
  let page: Page;

  beforeAll(async () => {
    target = createServer((_req, res) => res.writeHead(503).end('down for maintenance'));
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    session = await startBrowserSession();
    ({ server, browser } = session);
    api = await setUpAdmin(server);
    page = await signInPage(browser, server);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
    await new Promise((resolve) => target?.close(resolve));
  });

  it('fires CheckDown for a failing check, shows it grouped with its summary, and acknowledges it', { timeout: 120_000 }, async () => {
    const port = (target.address() as AddressInfo).port;
    const created = await api('POST', '/checks', {
      name: 'Billing API',
      type: 'http',
      config: { url: `http://127.0.0.1:${port}/health` },
      intervalSeconds: 10,
      timeoutSeconds: 5,
      retries: 0,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    await page.getByTestId('nav-alerts').click();
    await page.waitForURL('**/alerts');
    const row = page.getByTestId('alert-row').filter({ hasText: 'Billing API is down' });
    // The check's first run falls within its 10 s interval; the rule is evaluated when the state changes.
    await row.waitFor({ timeout: 60_000 });
    expect(await row.getAttribute('data-state')).toBe('firing');
    expect(await page.getByTestId('alert-group').filter({ has: row }).getAttribute('data-name')).toBe('CheckDown');
    expect(await row.getByTestId('alert-severity').textContent()).toBe('critical');
    expect(Number(await page.getByTestId('alert-summary-firing').textContent())).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'alerts-list.png'), fullPage: true });

    await row.getByTestId('alert-link').click();
    await waitForPage(page, 'alert-title');
    expect(await page.getByTestId('alert-title').textContent()).toBe('Billing API is down');
    expect(await page.getByTestId('alert-labels').textContent()).toContain('check_name');
    await page.getByTestId('alert-timeline').getByText('Firing', { exact: true }).waitFor();
    // Rule alerts resolve themselves: there is no resolve button, only acknowledge and silence.
    expect(await page.getByTestId('alert-resolve').count()).toBe(0);
    await page.getByLabel('Comment (optional)').fill('looking into it');
    await page.getByTestId('alert-acknowledge').click();
    await page.getByTestId('alert-acknowledged').first().waitFor();
    await page.getByTestId('alert-timeline').getByText('Acknowledged', { exact: true }).waitFor();
    expect(await page.getByTestId('alert-timeline').textContent()).toContain('“looking into it”');
    await page.screenshot({ path: path.join(ARTIFACTS, 'alert-detail.png'), fullPage: true });

    const audit = await api('GET', '/audit-events?action=alert.acknowledge');
    expect(JSON.stringify(audit.body)).toContain('looking into it');
  });

  it('writes rule groups in the editor: a broken one is refused with its line, a good one is saved and listed', {
    timeout: 60_000,
  }, async () => {
    await page.goto(`${server.url}/alerts/rules`);
    await waitForPage(page, 'new-rule-group');
    await page.getByTestId('rule-group').filter({ hasText: 'Estate checks' }).waitFor();
    await page.getByTestId('new-rule-group').click();
    await page.waitForURL('**/alerts/rules/new');
    const editor = page.getByTestId('rule-group-yaml');
    const good = await editor.inputValue();
    await editor.fill(good.replace('for: 30m', 'for: half an hour'));
    await page.getByTestId('rule-group-save').click();
    const problem = page.getByTestId('problem-alert');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/rules\[1\]\(HostDiskFullSoon\)\.for: line \d+/);

    await editor.fill(good);
    await page.getByTestId('rule-group-save').click();
    await page.waitForURL(/\/alerts\/rules\/[0-9a-f-]{36}$/);
    expect(await page.getByTestId('rule-group-title').textContent()).toBe('my rules');
    await page.getByRole('link', { name: 'Alert rules' }).click();
    await page.getByTestId('rule-group').filter({ hasText: 'my rules' }).waitFor();
    expect(await page.getByTestId('rule-group').filter({ hasText: 'my rules' }).getByTestId('rule-row').count()).toBe(2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'alert-rules.png'), fullPage: true });
  });
});
