import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession, waitForPage } from './browser';
import type { ServerProcess } from './server-process';

/*
 * Suppression through the UI: a silence created in the form (prefilled from `?matchers=` as an alert page links it)
 * is listed active and expired from the list; an invalid routing configuration pasted on the routing page shows its
 * issues by path, and a valid one shows its route tree.
 */
describe.runIf(browserTier())('alerting suppression: silences and routing in a real browser', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;
  let api: AdminApi;
  let page: Page;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ server, browser } = session);
    api = await setUpAdmin(server);
    page = await signInPage(browser, server);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
  });

  it('creates a silence through the form, sees it active, then expires it', { timeout: 90_000 }, async () => {
    await page.getByTestId('nav-alerting/silences').click();
    await waitForPage(page, 'silences-table');
    await page.getByTestId('create-silence').click();
    await page.waitForURL('**/alerting/silences/new');
    // An alert page links here with its labels as matchers.
    await page.goto(`${server.url}/alerting/silences/new?matchers=${encodeURIComponent('{alertname="DiskFull", instance=~"db-.*"}')}`);
    await waitForPage(page, 'matchers-editor');
    expect(await page.getByTestId('matcher-name').nth(1).inputValue()).toBe('instance');
    expect(await page.getByTestId('matcher-value').nth(1).inputValue()).toBe('db-.*');

    // A broken regex comes back from the server naming the matcher.
    await page.getByTestId('matcher-value').nth(1).fill('(db');
    await page.getByTestId('silence-comment').fill('Replacing the disk in db-7');
    await page.getByTestId('save-silence').click();
    await page.getByTestId('matchers-error').waitFor();
    expect(await page.getByTestId('matchers-error').textContent()).toContain('instance=~"(db"');

    await page.getByTestId('matcher-value').nth(1).fill('db-.*');
    await page.getByText('4 hours').click();
    await page.screenshot({ path: path.join(ARTIFACTS, '90-silence-form-desktop-light.png'), fullPage: true });
    await page.getByTestId('save-silence').click();
    await page.waitForURL('**/alerting/silences');
    const row = page.getByTestId('silence-row').filter({ hasText: 'Replacing the disk in db-7' });
    await row.waitFor();
    expect(await row.getByTestId('silence-state').textContent()).toBe('active');
    await page.screenshot({ path: path.join(ARTIFACTS, '91-silences-active-desktop-light.png'), fullPage: true });

    await row.getByTestId('expire-silence').click();
    await page.getByRole('button', { name: 'Expire now' }).click();
    await row.waitFor({ state: 'detached' });
    await page.getByText('Expired', { exact: true }).click();
    const expired = page.getByTestId('silence-row').filter({ hasText: 'Replacing the disk in db-7' });
    await expired.waitFor();
    expect(await expired.getByTestId('silence-state').textContent()).toBe('expired');
    const listed = (await api('GET', '/silences?state=expired')).body as { items: { comment: string }[] };
    expect(listed.items.map((s) => s.comment)).toContain('Replacing the disk in db-7');
  });

  it('shows the issues of an invalid pasted routing config by path, and edits the tree of a valid one', { timeout: 90_000 }, async () => {
    await page.goto(`${server.url}/alerting/routing`);
    await waitForPage(page, 'routing-yaml');
    await page.getByTestId('route-editor').waitFor();
    const yaml = page.getByTestId('routing-yaml');
    await yaml.fill(
      ['route:', '  receiver: ops', '  routes:', '    - receiver: nobody', '      group_wiat: 10s', 'receivers:', '  - name: ops', ''].join(
        '\n',
      ),
    );
    await page.getByTestId('save-routing').click();
    await page.getByTestId('routing-issues').waitFor();
    const issues = await page.getByTestId('routing-issue').allTextContents();
    expect(issues).toEqual(
      expect.arrayContaining([expect.stringContaining('route.routes[0].receiver'), expect.stringContaining('route.routes[0].group_wiat')]),
    );
    await page.screenshot({ path: path.join(ARTIFACTS, '92-routing-issues-desktop-light.png'), fullPage: true });

    await yaml.fill(
      [
        'route:',
        '  receiver: ops',
        '  group_by: [alertname]',
        '  routes:',
        '    - receiver: db',
        '      matchers: [\'team="db"\']',
        '      continue: true',
        'receivers:',
        '  - name: ops',
        '  - name: db',
        '',
      ].join('\n'),
    );
    await page.getByTestId('save-routing').click();
    await page.locator('[data-testid="route-editor-node"][data-path="route.routes[0]"]').waitFor();
    await page.getByTestId('routing-test-labels').fill('alertname=Lag\nteam=db');
    await page.getByTestId('routing-test').click();
    await page.getByTestId('routing-test-result').waitFor();
    expect(await page.getByTestId('routing-test-result').textContent()).toContain('db');

    // The tree editor: a child route for critical alerts, first among the root's routes, paging ops quickly.
    const root = page.locator('[data-testid="route-editor-node"][data-path="route"]');
    await root.getByTestId('route-add-child').click();
    const added = page.locator('[data-testid="route-editor-node"][data-path="route.routes[1]"]');
    await added.getByTestId('route-edit').click();
    const form = page.getByTestId('route-form');
    await form.getByTestId('add-matcher').click();
    await form.getByTestId('matcher-name').fill('severity');
    await form.getByTestId('matcher-value').fill('critical');
    await form.getByTestId('route-receiver').click();
    await page.getByRole('option', { name: 'ops', exact: true }).click();
    await form.getByTestId('route-groupWait').fill('10 s');
    expect(await form.getByTestId('route-apply').isDisabled()).toBe(true);
    await form.getByTestId('route-groupWait').fill('10s');
    await form.getByTestId('route-apply').click();
    await page.getByRole('button', { name: 'Move route.routes[1] up' }).click();
    // Written into the YAML, kept where it was not touched.
    const edited = await yaml.inputValue();
    expect(edited).toContain('severity="critical"');
    expect(edited).toContain('group_wait: 10s');
    expect(edited).toContain('matchers: [\'team="db"\']');
    await page.screenshot({ path: path.join(ARTIFACTS, '93-routing-tree-desktop-light.png'), fullPage: true });
    await page.getByTestId('save-routing').click();
    await expect
      .poll(async () => {
        const saved = (await api('GET', '/alert-routing')).body as {
          routes: { path: string; receiver: string; matchers: string; groupWaitMs: number }[];
        };
        return saved.routes.map((r) => [r.path, r.receiver, r.matchers, r.groupWaitMs]);
      })
      .toEqual([
        ['route', 'ops', '{}', 30_000],
        ['route.routes[0]', 'ops', '{severity="critical"}', 10_000],
        ['route.routes[1]', 'db', '{team="db"}', 30_000],
      ]);

    // An inline webhook_configs entry: the preview says it will become a channel; the save makes it one, linked.
    await yaml.fill(
      [
        'route:',
        '  receiver: ops',
        'receivers:',
        '  - name: ops',
        '    webhook_configs:',
        '      - url: https://hooks.example.org/estate?key=PageSecret99',
        '',
      ].join('\n'),
    );
    await page.getByTestId('preview-routing').click();
    await page.getByTestId('routing-channel-import').waitFor();
    expect(await page.getByTestId('routing-imported-channel').allTextContents()).toEqual([
      expect.stringMatching(/^ops\/webhook\/0.*alertmanager-webhook.*new.*receivers\[0\]\.webhook_configs\[0\]$/),
    ]);
    await page.getByTestId('save-routing').click();
    await page.getByTestId('routing-imported-channel').getByText('created').waitFor();
    await expect.poll(() => yaml.inputValue()).not.toContain('PageSecret99');
    await page.screenshot({ path: path.join(ARTIFACTS, '93b-routing-inline-channels-desktop-light.png'), fullPage: true });
    await page.getByTestId('routing-imported-channel').getByRole('link', { name: 'ops/webhook/0' }).click();
    await page.getByTestId('channel-form').waitFor();
    expect(page.url()).toMatch(/\/alerting\/channels\/[\w-]+$/);
  });

  it('creates a recurring maintenance window through the form and sees it on the calendar', { timeout: 90_000 }, async () => {
    await page.getByTestId('nav-alerting/maintenance').click();
    await waitForPage(page, 'maintenance-calendar');
    await page.getByTestId('create-maintenance').click();
    await waitForPage(page, 'maintenance-name');
    await page.getByTestId('maintenance-name').fill('Nightly backups');
    await page.getByText('Daily', { exact: true }).click();
    await page.getByTestId('maintenance-start-time').fill('01:00');
    await page.getByTestId('scope-tags').fill('backup');
    await page.getByTestId('scope-tags').press('Enter');
    await page.getByTestId('scope-matchers').fill('{job="backup"}');
    await page.screenshot({ path: path.join(ARTIFACTS, '94-maintenance-form-desktop-light.png'), fullPage: true });
    await page.getByTestId('save-maintenance').click();
    await page.waitForURL('**/alerting/maintenance');
    await page.getByTestId('maintenance-row').filter({ hasText: 'Nightly backups' }).waitFor();
    // A daily window shows on every day of the month view.
    await page.getByTestId('calendar-occurrence').filter({ hasText: 'Nightly backups' }).first().waitFor();
    expect(await page.getByTestId('calendar-occurrence').filter({ hasText: 'Nightly backups' }).count()).toBeGreaterThanOrEqual(28);
    await page.screenshot({ path: path.join(ARTIFACTS, '95-maintenance-calendar-desktop-light.png'), fullPage: true });

    // Edited with the ETag it was read with: the new start time shows in the list.
    await page.getByTestId('maintenance-row').getByText('Nightly backups').click();
    await waitForPage(page, 'maintenance-start-time');
    expect(await page.getByTestId('scope-matchers').inputValue()).toBe('{job="backup"}');
    await page.getByTestId('maintenance-start-time').fill('02:30');
    await page.getByTestId('save-maintenance').click();
    await page.waitForURL('**/alerting/maintenance');
    await page.getByTestId('maintenance-row').filter({ hasText: 'Daily at 02:30' }).waitFor();
  });

  it('fits a phone: the silences, maintenance and routing pages scroll only down', { timeout: 90_000 }, async () => {
    const phone = await signInPage(browser, server, { width: 390, height: 844 });
    for (const [route, testId] of [
      ['/alerting/silences', 'silences-table'],
      ['/alerting/maintenance', 'maintenance-calendar'],
      ['/alerting/routing', 'routing-yaml'],
    ] as const) {
      await phone.goto(`${server.url}${route}`);
      await waitForPage(phone, testId);
      const wider = await phone.locator('html').evaluate((html) => html.scrollWidth > (html.ownerDocument.defaultView?.innerWidth ?? 0));
      expect(wider, route).toBe(false);
    }
    await phone.screenshot({ path: path.join(ARTIFACTS, '96-routing-phone-light.png'), fullPage: true });
    await phone.close();
  });
});
