import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession, waitForPage } from './browser';
import { writeSeries } from './remote-write';
import type { ServerProcess } from './server-process';

/*
 * Alerting through the UI against a real failing target: a fresh Estate starts with its starter rules ("Estate
 * checks": CheckDown), a check of a target answering 503 goes down, the rule fires, the alert shows on the alerts
 * page with the check's name, and is acknowledged from its page. Then a rule group is written in the editor: a
 * broken one is refused with the problem located (in the error list and marked on its line), a good one is saved and
 * listed; an expression is written with a metric name the editor completes from the store, and saved.
 */

/** The metric only this test's store knows, for the rule editor to complete. */
const QUEUE_METRIC = 'billing_queue_depth';

/** The rule editor's text, one line per CodeMirror line. */
const editorText = (page: Page) =>
  page
    .getByTestId('rule-group-yaml')
    .locator('.cm-line')
    .allTextContents()
    .then((lines) => lines.join('\n'));

/** Puts the rule editor's cursor at the end of the first line holding `text`. */
async function cursorAtEndOf(page: Page, text: string): Promise<void> {
  await page.getByTestId('rule-group-yaml').locator('.cm-line').filter({ hasText: text }).first().click();
  await page.keyboard.press('End');
}

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
    await writeSeries(server, api, [
      {
        labels: [
          ['__name__', QUEUE_METRIC],
          ['queue', 'invoices'],
        ],
        samples: [[Date.now(), 3]],
      },
    ]);
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
    await editor.locator('.cm-line').first().waitFor();
    const good = await editorText(page);
    expect(good).toContain('for: 30m');
    await editor.fill(good.replace('for: 30m', 'for: half an hour'));
    await page.getByTestId('rule-group-save').click();
    const problem = page.getByTestId('problem-alert');
    await problem.waitFor();
    const located = /rules\[1\]\(HostDiskFullSoon\)\.for: line (\d+)/.exec((await problem.textContent()) ?? '');
    expect(located).not.toBeNull();
    // The same error is marked in the editor, on the line the list names: underlined, with a marker in the gutter.
    const marked = editor.locator('.cm-line').filter({ has: page.locator('.cm-lintRange-error') });
    await marked.waitFor();
    expect(await marked.textContent()).toBe('        for: half an hour');
    const lines = await editor.locator('.cm-line').allTextContents();
    expect(lines.indexOf('        for: half an hour') + 1).toBe(Number(located?.[1]));
    expect(await page.getByTestId('rule-group-yaml-editor').locator('.cm-lint-marker-error').count()).toBe(1);
    await page.screenshot({ path: path.join(ARTIFACTS, 'rule-editor-error.png'), fullPage: true });

    // The first rule's expression written anew: the metric name is picked from the completion list.
    await editor.fill(good.replace(/expr: .*/, 'expr: '));
    expect(await page.getByTestId('problem-alert').count()).toBe(1);
    await cursorAtEndOf(page, 'expr:');
    await page.keyboard.type('billing_q');
    const option = page.locator('.cm-tooltip-autocomplete li').filter({ hasText: new RegExp(`^${QUEUE_METRIC}$`) });
    await option.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'rule-editor-autocomplete.png') });
    await option.click();
    await page.keyboard.type(' > 100');
    // A rule key completes too, on a new line of the rule.
    await page.keyboard.press('Enter');
    await page.keyboard.type('keep_f');
    // Picked by a click: CodeMirror ignores Enter for a moment after the list opens, against accidental picks.
    await page
      .locator('.cm-tooltip-autocomplete li')
      .filter({ hasText: /^keep_firing_for/ })
      .click();
    await page.keyboard.type('5m');
    const written = await editorText(page);
    expect(written).toContain(`        expr: ${QUEUE_METRIC} > 100\n        keep_firing_for: 5m\n        for: 30m`);

    await page.getByTestId('rule-group-save').click();
    await page.waitForURL(/\/alerts\/rules\/[0-9a-f-]{36}$/);
    // The saved group's page renders once its group is read: poll, the URL changes before that.
    await expect.poll(() => page.getByTestId('rule-group-title').textContent()).toBe('my rules');
    // The page of the saved group shows what the server stored.
    await page.getByTestId('rule-group-yaml').locator('.cm-line').first().waitFor();
    await expect.poll(() => editorText(page)).toContain(`expr: ${QUEUE_METRIC} > 100`);
    await expect.poll(() => editorText(page)).toContain('keep_firing_for: 5m');
    await page.getByRole('link', { name: 'Alert rules' }).click();
    await page.getByTestId('rule-group').filter({ hasText: 'my rules' }).waitFor();
    expect(await page.getByTestId('rule-group').filter({ hasText: 'my rules' }).getByTestId('rule-row').count()).toBe(2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'alert-rules.png'), fullPage: true });
  });
  it('shows the rule editor with its completion on a desktop and a phone, light and dark', { timeout: 60_000 }, async () => {
    for (const scheme of ['light', 'dark'] as const) {
      for (const [width, height, name] of [
        [1280, 900, 'desktop'],
        [375, 812, 'phone'],
      ] as const) {
        const look = await signInPage(browser, server, { width, height });
        await look.emulateMedia({ colorScheme: scheme });
        await look.goto(`${server.url}/alerts/rules/new`);
        await waitForPage(look, 'rule-group-yaml');
        expect(await look.locator('html').getAttribute('data-mantine-color-scheme')).toBe(scheme);
        // Label completion inside braces of a block-scalar expression.
        const editor = look.getByTestId('rule-group-yaml');
        const yaml = (await editorText(look)).replace(/expr: .*/, 'expr: |\n          sum by (queue) (');
        await editor.fill(yaml);
        await cursorAtEndOf(look, 'sum by (queue) (');
        await look.keyboard.type(`${QUEUE_METRIC}{qu`);
        await look
          .locator('.cm-tooltip-autocomplete li')
          .filter({ hasText: /^queue$/ })
          .waitFor({ timeout: 15_000 });
        await look.screenshot({ path: path.join(ARTIFACTS, `rule-editor-${name}-${scheme}.png`), fullPage: true });
        // No part of the editor is wider than the screen.
        const box = await look.getByTestId('rule-group-yaml-editor').boundingBox();
        expect((box?.x ?? 0) + (box?.width ?? Number.POSITIVE_INFINITY)).toBeLessThanOrEqual(width);
        // Tab indents inside the editor; Escape (closing the list), then Escape and Tab, moves on to the next control.
        const editorHost = look.getByTestId('rule-group-yaml-editor');
        const focusInEditor = () => editorHost.evaluate((el) => el.contains(el.ownerDocument.activeElement));
        expect(await focusInEditor()).toBe(true);
        await look.keyboard.press('Escape');
        await look.keyboard.press('Escape');
        await look.keyboard.press('Tab');
        expect(await focusInEditor()).toBe(false);
        await look.close();
      }
    }
  });
});
