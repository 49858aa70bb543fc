import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { until } from './agent-host';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession } from './browser';
import type { ServerProcess } from './server-process';

/*
 * The metrics explorer against a real server whose local agent reports this machine's metrics every 5 seconds: the
 * editor completes a metric name from the store, the table and the graph show it, the URL reproduces the view, and
 * a bad query is explained under the editor.
 */

type Vector = { data: { result: Array<{ metric: Record<string, string> }> } };

/** Replaces the editor's text with `text` by typing it, as a person would. */
async function typeExpression(page: Page, text: string): Promise<void> {
  await page.getByTestId('promql-input').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Backspace');
  await page.keyboard.type(text);
}

const editorText = (page: Page) => page.getByTestId('promql-input').textContent();

describe.runIf(browserTier())('the metrics explorer in a real browser', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;
  let admin: AdminApi;

  beforeAll(async () => {
    session = await startBrowserSession({ ESTATE_AGENT_METRICS_SECONDS: '5' });
    ({ server, browser } = session);
    admin = await setUpAdmin(server);
    // The local agent's samples since it was linked to this machine's CI: node_load1 with a ci_id answers PromQL.
    const linked = encodeURIComponent('node_load1{ci_id!=""}');
    await until(
      async () => ((await admin('GET', `/query?query=${linked}`)).body as Vector).data.result.length > 0,
      90_000,
      'node_load1 from the local agent',
    );
  }, 150_000);

  afterAll(async () => {
    await session?.close();
  });

  it('completes a metric name from the store, runs it as a table and a graph, and the URL reproduces the view', async () => {
    const page = await signInPage(browser, server);
    await page.getByTestId('nav-explore').click();
    await page.waitForURL(/\/explore$/);
    await page.getByTestId('explore-empty').waitFor();

    // Completion of a metric name that only the store knows: it was asked of /api/v1/label/__name__/values.
    await typeExpression(page, 'node_loa');
    const option = page.locator('.cm-tooltip-autocomplete li').filter({ hasText: /^node_load1$/ });
    await option.waitFor({ timeout: 15_000 });
    const offered = await page.locator('.cm-tooltip-autocomplete li').allInnerTexts();
    expect(offered).toEqual(expect.arrayContaining(['node_load1', 'node_load5', 'node_load15']));
    await page.screenshot({ path: path.join(ARTIFACTS, '60-explore-autocomplete.png') });
    await option.click();
    expect(await editorText(page)).toBe('node_load1');

    // Enter runs it: the expression goes into the URL and the table shows this machine's series with its value.
    await page.keyboard.press('Enter');
    await page.waitForURL(/[?&]expr=node_load1(&|$)/);
    // (The agent's first samples may predate its link to the CI: a second series without ci_id, equally right.)
    const row = page
      .getByTestId('result-row')
      .filter({ hasText: `instance="${os.hostname()}"` })
      .filter({ hasText: 'ci_id="' });
    await row.waitFor({ timeout: 15_000 });
    expect(await row.getByTestId('result-series').textContent()).toMatch(/^node_load1\{agent_id="[^"]+", ci_id="[^"]+", instance="/);
    expect(Number(await row.getByTestId('result-value').textContent())).toBeGreaterThanOrEqual(0);
    expect(await page.getByTestId('result-summary').textContent()).toMatch(/^Instant vector, [12] series$/);
    await page.screenshot({ path: path.join(ARTIFACTS, '61-explore-table.png') });

    // The graph: a range query drawn on a canvas, with the view in the URL.
    await page.getByTestId('explore-view').getByText('Graph').click();
    await page.waitForURL(/[?&]view=graph/);
    await page.locator('[data-testid="explore-chart"] canvas').first().waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('graph-summary').textContent()).toMatch(/^[12] series over 1h, one point every 10s$/);

    // A 6-hour range, then a reload: the same expression, view and range come back from the URL alone.
    await page.getByTestId('explore-range').getByText('6h').click();
    await page.waitForURL(/[?&]range=6h/);
    await page.getByTestId('graph-summary').filter({ hasText: 'over 6h, one point every 1m' }).waitFor();
    await page.reload();
    await page.locator('[data-testid="explore-chart"] canvas').first().waitFor({ timeout: 15_000 });
    expect(await editorText(page)).toBe('node_load1');
    expect(await page.getByTestId('graph-summary').textContent()).toMatch(/^[12] series over 6h, one point every 1m$/);
    expect(await page.getByTestId('explore-range').locator('input:checked').getAttribute('value')).toBe('6h');
    await page.screenshot({ path: path.join(ARTIFACTS, '62-explore-graph.png') });

    // Back steps through the views: first the 1-hour graph, then the table.
    await page.goBack();
    await page.getByTestId('graph-summary').filter({ hasText: 'over 1h' }).waitFor();
    await page.goBack();
    await row.waitFor();
    expect(new URL(page.url()).searchParams.get('view')).toBeNull();
    await page.close();
  }, 120_000);

  it('explains a query the server refuses, says when nothing matched, and pins an evaluation time', async () => {
    const page = await signInPage(browser, server);
    await page.goto(`${server.url}/explore`);

    // A function given the wrong type of argument: the server's message, under the editor, and no crash.
    await typeExpression(page, 'rate(node_load1)');
    await page.keyboard.press('Escape');
    await page.getByTestId('promql-run').click();
    const error = page.getByTestId('query-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('range vector');
    expect(await page.getByTestId('query-error-message').textContent()).not.toBe('');
    await page.screenshot({ path: path.join(ARTIFACTS, '63-explore-error.png') });

    // A syntax error is refused the same way.
    await typeExpression(page, 'node_load1 +');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.getByTestId('query-error').filter({ hasText: 'not valid PromQL' }).waitFor();

    // Nothing matches: the table says so.
    await typeExpression(page, 'node_load1{instance="no-such-host"}');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.getByTestId('table-empty').filter({ hasText: 'no series' }).waitFor();

    // A scalar is a row without a series.
    await typeExpression(page, '1 + 1');
    await page.keyboard.press('Enter');
    await page.getByTestId('result-summary').filter({ hasText: 'Scalar' }).waitFor();
    expect(await page.getByTestId('result-value').textContent()).toBe('2');

    // A link with a pinned time in the past, before any sample: evaluated then, so nothing matched.
    await page.goto(`${server.url}/explore?expr=node_load1&end=2020-01-01T00:00:00Z`);
    await page.getByTestId('table-empty').waitFor();
    expect(await page.getByTestId('explore-end').inputValue()).toMatch(/^20(19-12-31|20-01-01)T/);
    await page.getByTestId('explore-end-now').click();
    await page.getByTestId('result-row').first().waitFor();
    expect(new URL(page.url()).searchParams.get('end')).toBeNull();
    await page.close();
  }, 90_000);

  it('looks right on a desktop and a phone, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      for (const [width, height, name] of [
        [1280, 900, 'desktop'],
        [375, 812, 'phone'],
      ] as const) {
        const page = await signInPage(browser, server, { width, height });
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(`${server.url}/explore?expr=${encodeURIComponent('sum by (instance) (node_load1)')}`);
        await page.getByTestId('result-row').first().waitFor();
        expect(await page.locator('html').getAttribute('data-mantine-color-scheme')).toBe(scheme);
        // Label completion inside braces, drawn over the result.
        await typeExpression(page, 'node_load1{ins');
        await page
          .locator('.cm-tooltip-autocomplete li')
          .filter({ hasText: /^instance$/ })
          .waitFor();
        await page.screenshot({ path: path.join(ARTIFACTS, `64-explore-table-${name}-${scheme}.png`), fullPage: true });
        await page.keyboard.press('Escape');
        await page.getByTestId('explore-view').getByText('Graph').click();
        await page.locator('[data-testid="explore-chart"] canvas').first().waitFor({ timeout: 15_000 });
        await page.screenshot({ path: path.join(ARTIFACTS, `65-explore-graph-${name}-${scheme}.png`), fullPage: true });
        await page.close();
      }
    }
  }, 120_000);
});
