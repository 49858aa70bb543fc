import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession } from './browser';
import type { ServerProcess } from './server-process';

/*
 * Monitoring through the UI against a real target: a tiny HTTP server on 127.0.0.1 that answers /health with
 * 200 {"ok":true} and /fail with 503. Checks are created in the form (tested first with "Test now"), run by the
 * server's own scheduler every 10 s, and their state, uptime and results read on the list and the check's page.
 */

/** How long a check may take to reach a state: its first slot falls within its 10 s interval, then 5 s list polls. */
const STATE_WITHIN = 40_000;

/** Whether the page is wider than its viewport (something overflows sideways). */
const overflowsSideways = (page: Page) =>
  page.locator('html').evaluate((html) => html.scrollWidth > (html.ownerDocument.defaultView?.innerWidth ?? 0));

/** Fills the check form's general fields and the HTTP URL; the conditions keep the type's defaults until changed. */
async function fillHttpCheck(page: Page, name: string, url: string): Promise<void> {
  await page.getByTestId('check-name').fill(name);
  expect(await page.getByTestId('check-type').inputValue()).toBe('HTTP(S)');
  await page.getByTestId('check-interval').fill('10');
  await page.getByTestId('check-timeout').fill('5');
  await page.getByTestId('check-http-url').fill(url);
}

describe.runIf(browserTier())('monitoring: checks created, tested and watched in a real browser', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;
  let api: AdminApi;
  let target: Server;
  let targetUrl: string;
  let page: Page;
  let healthId: string;

  beforeAll(async () => {
    target = createServer((req, res) => {
      if (req.url === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      } else if (req.url === '/fail') {
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"ok":false}');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    session = await startBrowserSession();
    ({ server, browser } = session);
    api = await setUpAdmin(server);
    page = await signInPage(browser, server);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
    await new Promise((resolve) => target?.close(resolve));
  });

  it('creates an HTTP check on /health: the test passes, the server puts it at up, its page shows uptime and results', {
    timeout: 90_000,
  }, async () => {
    await page.getByTestId('nav-checks').click();
    await page.waitForURL('**/checks');
    // A fresh Estate watches its own web UI (and pings this machine) from the start.
    await page.getByTestId('check-row').filter({ hasText: 'Estate web UI' }).waitFor();
    await page.getByTestId('create-check').click();
    await page.waitForURL('**/checks/new');

    // The type's default condition is there; the placeholders the type offers are shown as help.
    const conditions = page.getByTestId('check-conditions-input');
    expect(await conditions.first().inputValue()).toBe('[STATUS] < 400');
    expect(await page.getByTestId('check-conditions-placeholders').textContent()).toContain('[BODY]');

    // A URL the HTTP type refuses comes back from the server as a 400 and shows under the URL field.
    await fillHttpCheck(page, 'Health endpoint', 'ftp://127.0.0.1/health');
    await page.getByTestId('check-test').click();
    const urlError = page.locator('[data-testid="check-http-url"][aria-invalid="true"]');
    await urlError.waitFor();
    expect(await page.getByTestId('check-form').textContent()).toContain('must start with http:// or https://');

    await page.getByTestId('check-http-url').fill(`${targetUrl}/health`);
    await page.getByTestId('check-conditions-add').click();
    await conditions.nth(1).fill('[BODY].ok == true');
    await page.getByTestId('check-test').click();
    const tested = page.getByTestId('test-result');
    await tested.waitFor();
    expect(await tested.getAttribute('data-status')).toBe('up');
    expect(await urlError.count()).toBe(0);
    const verdicts = tested.getByTestId('result-condition');
    expect(await verdicts.count()).toBe(2);
    for (const verdict of await verdicts.all()) expect(await verdict.getAttribute('data-passed')).toBe('true');
    expect(await tested.getByTestId('result-message').textContent()).toMatch(/^HTTP 200 in \d+ ms/);
    // What the run measured is a table of names and values, not a JSON dump.
    const details = await tested.getByTestId('result-details').textContent();
    expect(details).toContain('timings › total');
    expect(details).not.toContain('{');
    await page.screenshot({ path: path.join(ARTIFACTS, '70-check-form-tested-desktop-light.png'), fullPage: true });

    await page.getByTestId('check-submit').click();
    await page.waitForURL(/\/checks\/[0-9a-f-]{36}$/);
    healthId = page.url().split('/').pop() as string;
    const saved = (await api('GET', `/checks/${healthId}`)).body;
    expect(saved).toMatchObject({ type: 'http', intervalSeconds: 10, conditions: ['[STATUS] < 400', '[BODY].ok == true'] });

    // On the list, the server's scheduler runs it and the live stream shows it up, with no reload.
    await page.getByTestId('nav-checks').click();
    const row = page.getByTestId('check-row').filter({ hasText: 'Health endpoint' });
    await row.waitFor();
    await page
      .locator('[data-testid="check-row"][data-state="up"]')
      .filter({ hasText: 'Health endpoint' })
      .waitFor({ timeout: STATE_WITHIN });
    expect(await row.getByTestId('check-message').textContent()).toMatch(/^HTTP 200 in \d+ ms/);
    expect(await row.textContent()).toContain(`${targetUrl}/health`);
    expect(Number(await page.getByTestId('summary-up').getByTestId('summary-count').textContent())).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: path.join(ARTIFACTS, '71-checks-list-desktop-light.png'), fullPage: true });

    await row.getByTestId('check-link').click();
    await page.waitForURL(`**/checks/${healthId}`);
    // The page may first show the check as cached on the visit after saving (not run yet), then as read again.
    await page.locator('[data-testid="check-detail-state"][data-state="up"]').waitFor();
    await page.getByTestId('result-row').first().waitFor();
    expect(await page.getByTestId('result-row').first().getByTestId('result-row-status').textContent()).toBe('up');
    await expect.poll(() => page.getByTestId('uptime-24h').getByTestId('uptime-ratio').textContent()).toBe('100.000%');
    expect(await page.getByTestId('uptime-90d').getByTestId('uptime-down').textContent()).toBe('no down time');
    // 90 day bars: the days before the check existed have no data, today is up.
    const bars = page.getByTestId('uptime-bars').getByRole('listitem');
    expect(await bars.count()).toBe(90);
    expect(await bars.first().getAttribute('data-tone')).toBe('none');
    expect(await bars.last().getAttribute('data-tone')).toBe('good');
    expect(await page.getByTestId('check-history-entry').first().textContent()).toContain('up');
    await page.locator('[data-testid="latency-chart"] canvas').first().waitFor();
    // Percentiles over 24 h come from the metric store, where every run's duration is a sample.
    await page.locator('[data-testid="percentile-chart"] canvas').first().waitFor();

    // Run now shows the run's result at once.
    await page.getByTestId('check-run').click();
    const run = page.getByTestId('run-result');
    await run.waitFor();
    expect(await run.getAttribute('data-status')).toBe('up');
    await page.screenshot({ path: path.join(ARTIFACTS, '72-check-detail-desktop-light.png'), fullPage: true });
  });

  it('a check of /fail goes down and says which condition failed and why', { timeout: 90_000 }, async () => {
    await page.goto(`${server.url}/checks/new`);
    await fillHttpCheck(page, 'Failing endpoint', `${targetUrl}/fail`);
    await page.getByTestId('check-conditions-input').first().fill('[STATUS] == 200');
    await page.getByTestId('check-submit').click();
    await page.waitForURL(/\/checks\/[0-9a-f-]{36}$/);
    await page.locator('[data-testid="check-detail-state"][data-state="down"]').waitFor({ timeout: STATE_WITHIN });
    const first = page.getByTestId('result-row').first();
    await first.waitFor();
    expect(await first.getByTestId('result-row-status').textContent()).toBe('down');
    const reason = await first.getByTestId('condition-reason').first().textContent();
    expect(reason).toContain('503');
    expect(await first.getByTestId('result-condition').first().textContent()).toContain('[STATUS] == 200');
    await page.screenshot({ path: path.join(ARTIFACTS, '73-check-down-desktop-light.png'), fullPage: true });

    // The summary's Down count filters the list to it.
    await page.goto(`${server.url}/checks`);
    const rows = page.getByTestId('check-row');
    await rows.filter({ hasText: 'Failing endpoint' }).waitFor();
    const all = await rows.count();
    expect(all).toBeGreaterThanOrEqual(3);
    await page.getByTestId('summary-down').click();
    // Until the filtered page has replaced the whole list: fewer rows, every one down.
    const states = () => rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-state')));
    await expect
      .poll(async () => {
        const shown = await states();
        return shown.length > 0 && shown.length < all && shown.every((state) => state === 'down');
      })
      .toBe(true);
    expect(await page.getByTestId('summary-down').getAttribute('aria-pressed')).toBe('true');
    expect(await rows.filter({ hasText: 'Failing endpoint' }).count()).toBe(1);
    await page.getByTestId('summary-down').click();
    await expect.poll(() => rows.count()).toBe(all);
    // The search narrows on the server, debounced.
    await page.getByTestId('check-search').fill('health endpoint');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.textContent()).toContain('Health endpoint');
    await page.getByTestId('check-search').fill('');

    // Edited (PATCH with the ETag read) to expect the 503, it passes on the next run, started here with Run now.
    await page.getByTestId('check-row').filter({ hasText: 'Failing endpoint' }).getByTestId('check-link').click();
    await page.getByTestId('check-edit').click();
    await page.getByTestId('check-conditions-input').first().fill('[STATUS] == 503');
    await page.getByTestId('check-submit').click();
    await page.waitForURL(/\/checks\/[0-9a-f-]{36}$/);
    await page.getByTestId('check-run').click();
    expect(await page.getByTestId('run-result').getAttribute('data-status')).toBe('up');
    await page.locator('[data-testid="check-detail-state"][data-state="up"]').waitFor();
    // Disabled, it counts apart from the states.
    await page.getByTestId('check-toggle').click();
    await page.locator('[data-testid="check-detail-state"][data-state="disabled"]').waitFor();
    expect(await page.getByTestId('check-toggle').textContent()).toBe('Enable');
    await page.getByTestId('nav-checks').click();
    await expect.poll(() => page.getByTestId('summary-disabled').getByTestId('summary-count').textContent()).toBe('1');
  });

  it('the CI page’s Monitoring tab lists its checks and starts a TCP check bound to it', { timeout: 90_000 }, async () => {
    const ci = await api('POST', '/cis', { type: 'physical_server', name: 'web-01' });
    const ciId = ci.body.id as string;
    await page.goto(`${server.url}/inventory/${ciId}`);
    await page.getByTestId('tab-monitoring').click();
    await page.getByTestId('ci-checks').getByTestId('table-empty').waitFor();
    await page.getByTestId('ci-new-check').click();
    await page.waitForURL(`**/checks/new?ciId=${ciId}`);
    expect(await page.getByTestId('check-ci').textContent()).toContain('web-01');
    await page.getByTestId('check-name').fill('web-01 port');
    await page.getByTestId('check-type').click();
    await page.getByRole('option', { name: 'TCP port' }).click();
    expect(await page.getByTestId('check-conditions-input').first().inputValue()).not.toBe('[STATUS] < 400');
    await page.getByTestId('check-tcp-host').fill('127.0.0.1');
    await page.getByTestId('check-tcp-port').fill(new URL(targetUrl).port);
    await page.getByTestId('check-interval').fill('10');
    await page.getByTestId('check-submit').click();
    await page.waitForURL(/\/checks\/[0-9a-f-]{36}$/);
    await page.locator('[data-testid="check-detail-state"][data-state="up"]').waitFor({ timeout: STATE_WITHIN });

    await page.goto(`${server.url}/inventory/${ciId}`);
    await page.getByTestId('tab-monitoring').click();
    const row = page.getByTestId('ci-checks').getByTestId('check-row');
    await row.waitFor();
    expect(await row.count()).toBe(1);
    expect(await row.getAttribute('data-state')).toBe('up');
    expect(await row.textContent()).toContain('web-01 port');
  });

  it('a typed check (the seeded ping) switched to JSON is checked on the client and by the server', async () => {
    await page.goto(`${server.url}/checks`);
    await page.getByTestId('check-row').filter({ hasText: 'This machine (ping)' }).getByTestId('check-link').click();
    await page.getByTestId('check-edit').click();
    expect(await page.getByTestId('check-icmp-host').inputValue()).toBe('127.0.0.1');
    await page.getByTestId('check-toggle-json').click();
    const json = page.getByTestId('check-config-json');
    expect(JSON.parse(await json.inputValue())).toMatchObject({ host: '127.0.0.1' });
    // Not JSON: said on the client, nothing sent.
    await json.fill('{"host": ');
    await page.getByTestId('check-test').click();
    await page.locator('[data-testid="check-config-json"][aria-invalid="true"]').waitFor();
    expect(await page.getByTestId('check-form').textContent()).toContain('Not valid JSON');
    // JSON the type refuses: the server's 400 names config.host, shown on the editor.
    await json.fill('{}');
    await page.getByTestId('check-test').click();
    await expect.poll(() => page.getByTestId('check-form').textContent()).toContain('host: a host name or address is required');
    expect(await json.getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: path.join(ARTIFACTS, '77-check-json-config-error-desktop-light.png'), fullPage: true });
  });

  it('a push check shows its ping URL, which a job calls without signing in, and goes up with the ping', async () => {
    await page.goto(`${server.url}/checks/new`);
    await page.getByTestId('check-name').fill('Nightly backup');
    await page.getByTestId('check-type').click();
    await page.getByRole('option', { name: 'Push (heartbeat)' }).click();
    expect(await page.getByTestId('check-push-period').inputValue()).toBe('86400');
    expect(await page.getByTestId('check-push-grace').inputValue()).toBe('3600');
    await page.getByTestId('check-push-expects').getByText('On a schedule (cron)').click();
    await page.getByTestId('check-push-schedule').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '80-push-check-schedule-fields-desktop-light.png'), fullPage: true });
    await page.getByTestId('check-push-expects').getByText('Every so often').click();
    await page.getByTestId('check-submit').click();
    const shown = page.getByTestId('check-push-url-value');
    await shown.waitFor();
    const pingUrl = (await shown.textContent()) ?? '';
    expect(pingUrl).toMatch(new RegExp(`^${server.url}/api/v1/push/[A-Za-z0-9_-]{24}$`));
    expect(await page.getByTestId('check-detail-state').textContent()).toMatch(/unknown/i);
    expect(await page.locator('main').textContent()).toContain('expects a ping every 1 d (grace 1 h)');
    expect(await page.getByTestId('check-run').count()).toBe(0);
    const ping = await fetch(`${pingUrl}/0`, { method: 'POST', body: 'backup finished: 12 GB' });
    expect(ping.status).toBe(200);
    expect(await ping.text()).toBe('OK');
    await expect
      .poll(async () => {
        await page.reload();
        await page.getByTestId('check-detail-state').waitFor();
        return page.getByTestId('check-detail-state').textContent();
      })
      .toMatch(/up/i);
    // The state and the last results are read apart: the result may show a moment after the state.
    await page.getByTestId('result-row').filter({ hasText: 'Exit code 0: backup finished: 12 GB' }).first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '78-push-check-desktop-light.png'), fullPage: true });
  });

  it('creates a DNS check through its fields and saves the name, record type and resolver it was given', async () => {
    await page.goto(`${server.url}/checks/new`);
    await page.getByTestId('check-name').fill('Mail exchangers');
    await page.getByTestId('check-type').click();
    await page.getByRole('option', { name: 'DNS' }).click();
    // The fields start from the type's example.
    expect(await page.getByTestId('check-dns-name').inputValue()).toBe('example.org');
    expect(await page.getByTestId('check-dns-record-type').inputValue()).toBe('A');
    await page.getByTestId('check-dns-name').fill('example.net');
    await page.getByTestId('check-dns-record-type').click();
    await page.getByRole('option', { name: 'MX', exact: true }).click();
    // A resolver the type refuses comes back as a 400 on the resolver field.
    await page.getByTestId('check-dns-resolver').fill('not a resolver');
    await page.getByTestId('check-submit').click();
    await page.locator('[data-testid="check-dns-resolver"][aria-invalid="true"]').waitFor();
    expect(await page.getByTestId('check-form').textContent()).toContain('must be "host" or "host:port"');
    await page.getByTestId('check-dns-resolver').fill('127.0.0.1:5353');
    await page.screenshot({ path: path.join(ARTIFACTS, '79-check-dns-fields-desktop-light.png'), fullPage: true });
    await page.getByTestId('check-submit').click();
    await page.waitForURL(/\/checks\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop() as string;
    const saved = await api('GET', `/checks/${id}`);
    expect(saved.body).toMatchObject({ type: 'dns', config: { name: 'example.net', recordType: 'MX', resolver: '127.0.0.1:5353' } });

    // Edited, the saved settings are back in the fields.
    await page.getByTestId('check-edit').click();
    expect(await page.getByTestId('check-dns-name').inputValue()).toBe('example.net');
    expect(await page.getByTestId('check-dns-record-type').inputValue()).toBe('MX');
    expect(await page.getByTestId('check-dns-resolver').inputValue()).toBe('127.0.0.1:5353');
  });

  it('on a 375 px phone, dark: the list, a check’s page and the form fit the screen', { timeout: 60_000 }, async () => {
    const phone = await signInPage(browser, server, { width: 375, height: 812 });
    await phone.locator('html').evaluate((html) => html.ownerDocument.defaultView?.localStorage.setItem('estate-color-scheme', 'dark'));
    await phone.goto(`${server.url}/checks`);
    expect(await phone.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    await phone.getByTestId('check-row').first().waitFor();
    expect(await overflowsSideways(phone)).toBe(false);
    await phone.screenshot({ path: path.join(ARTIFACTS, '74-checks-list-phone-dark.png'), fullPage: true });

    await phone.goto(`${server.url}/checks/${healthId}`);
    await phone.getByTestId('result-row').first().waitFor();
    await phone.locator('[data-testid="latency-chart"] canvas').first().waitFor();
    expect(await overflowsSideways(phone)).toBe(false);
    const canvas = await phone.locator('[data-testid="latency-chart"] canvas').first().boundingBox();
    expect((canvas?.x ?? 0) + (canvas?.width ?? 0)).toBeLessThanOrEqual(375);
    await phone.screenshot({ path: path.join(ARTIFACTS, '75-check-detail-phone-dark.png'), fullPage: true });

    await phone.goto(`${server.url}/checks/${healthId}/edit`);
    await phone.getByTestId('check-form').waitFor();
    // The stored check's settings are back in the form.
    expect(await phone.getByTestId('check-http-url').inputValue()).toBe(`${targetUrl}/health`);
    await phone.getByTestId('check-test').click();
    await phone.getByTestId('test-result').waitFor();
    expect(await overflowsSideways(phone)).toBe(false);
    await phone.screenshot({ path: path.join(ARTIFACTS, '76-check-form-phone-dark.png'), fullPage: true });
    await phone.close();
  });

  it('a viewer sees the checks but no New check, Run now or Edit', async () => {
    const viewer = { email: 'viewer@example.org', name: 'Viewer', role: 'viewer', password: 'correct horse battery staple 43' };
    await api('POST', '/users', viewer);
    const viewerPage = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await viewerPage.goto(`${server.url}/login`);
    await viewerPage.getByTestId('login-email').fill(viewer.email);
    await viewerPage.getByTestId('login-password').fill(viewer.password);
    await viewerPage.getByTestId('login-submit').click();
    await viewerPage.getByTestId('user-menu').waitFor();
    await viewerPage.getByTestId('nav-checks').click();
    await viewerPage.getByTestId('check-row').first().waitFor();
    expect(await viewerPage.getByTestId('create-check').count()).toBe(0);
    await viewerPage.goto(`${server.url}/checks/${healthId}`);
    await viewerPage.getByTestId('check-title').waitFor();
    expect(await viewerPage.getByTestId('check-run').count()).toBe(0);
    expect(await viewerPage.getByTestId('check-edit').count()).toBe(0);
    await viewerPage.close();
  });
});
