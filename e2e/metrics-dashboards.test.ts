import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { until } from './agent-host';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession, waitForPage } from './browser';
import type { ServerProcess } from './server-process';

/*
 * The metrics dashboards over real data: `estate serve`'s local agent reports this machine every 5 s, the CI page's
 * Metrics tab draws its graphs from PromQL range queries, and the home page lists the host with its latest use.
 */

const PANELS = ['cpu', 'load', 'memory', 'swap', 'filesystems', 'disk', 'network'];
const PERCENT = /^\d+(\.\d+)?%$/;

/** Waits until every panel has drawn a canvas and the CPU legend reads a percentage. */
async function graphsDrawn(page: Page): Promise<void> {
  for (const id of PANELS) await page.locator(`[data-testid="metrics-panel-${id}"] canvas`).first().waitFor();
  await expect
    .poll(() => page.getByTestId('metrics-panel-cpu').getByTestId('chart-legend-value').first().textContent(), { timeout: 15_000 })
    .toMatch(PERCENT);
}

/** A date as an `<input type="datetime-local">` value in local time (the browser runs on this machine). */
function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** Whether the page is wider than its viewport (something overflows sideways). */
const overflowsSideways = (page: Page) =>
  page.locator('html').evaluate((html) => html.scrollWidth > (html.ownerDocument.defaultView?.innerWidth ?? 0));

describe.runIf(browserTier())('metrics dashboards: the CI page’s graphs and the estate at a glance', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;
  let api: AdminApi;
  let ciId: string;

  beforeAll(async () => {
    session = await startBrowserSession({ ESTATE_AGENT_METRICS_SECONDS: '5' });
    ({ server, browser } = session);
    api = await setUpAdmin(server);
    ciId = await until(
      async () => ((await api('GET', '/agents')).body.items as Array<{ ciId: string | null }>).find((a) => a.ciId)?.ciId,
      90_000,
      'the local agent to report its inventory',
    );
    // Three samples of each series, so that rates have two in their window and every graph has a value.
    const count = encodeURIComponent(`count_over_time(node_load1{ci_id="${ciId}"}[5m])`);
    await until(
      async () => {
        const answer = (await api('GET', `/query?query=${count}`)).body as { data: { result: Array<{ value: [number, string] }> } };
        return Number(answer.data.result[0]?.value[1] ?? 0) >= 3;
      },
      60_000,
      'three metric samples of this machine',
    );
  }, 180_000);

  afterAll(async () => {
    await session?.close();
  });

  it('at desktop width, light: home lists the host; its Metrics tab draws every graph, reads values, follows the range', {
    timeout: 90_000,
  }, async () => {
    const page = await signInPage(browser, server);
    await page.goto(server.url);
    const row = page.getByTestId('host-row').first();
    await row.waitFor();
    expect(page.url()).toBe(`${server.url}/`);
    await expect.poll(() => row.getByTestId('host-cpu').textContent()).toMatch(PERCENT);
    expect(await row.getByTestId('host-memory').textContent()).toMatch(PERCENT);
    // The fullest filesystem: its percentage and its mountpoint.
    expect(await row.getByTestId('host-disk').textContent()).toMatch(/^\d+(\.\d+)?%\//);
    expect(await page.getByTestId('filesystem-row').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('nav-home').getAttribute('data-active')).toBe('true');
    await page.screenshot({ path: path.join(ARTIFACTS, '60-home-desktop-light.png'), fullPage: true });

    // The host's name links to its CI page, whose Metrics tab draws the graphs.
    await row.getByTestId('host-link').click();
    await page.waitForURL(`**/inventory/${ciId}`);
    await page.getByTestId('tab-metrics').click();
    await graphsDrawn(page);
    expect(await page.getByTestId('metrics-panel-memory').getByTestId('chart-legend-item').allTextContents()).toEqual([
      expect.stringMatching(/^used\d+(\.\d+)? [KMGT]iB$/),
      expect.stringMatching(/^total\d+(\.\d+)? [KMGT]iB$/),
    ]);
    expect(await page.getByTestId('metrics-panel-filesystems').getByTestId('chart-legend-item').count()).toBeGreaterThan(0);

    // Hovering a graph reads the values at the cursor, with their time instead of "Latest".
    const cpu = page.getByTestId('metrics-panel-cpu');
    expect(await cpu.getByTestId('chart-legend-time').textContent()).toBe('Latest');
    const plot = await cpu.locator('.u-over').boundingBox();
    if (!plot) throw new Error('the CPU graph has no plot area');
    await page.mouse.move(plot.x + plot.width - 3, plot.y + plot.height / 2);
    await expect.poll(() => cpu.getByTestId('chart-legend-time').textContent()).not.toBe('Latest');
    // The graphs share the cursor: the memory legend reads the same moment.
    expect(await page.getByTestId('metrics-panel-memory').getByTestId('chart-legend-time').textContent()).toBe(
      await cpu.getByTestId('chart-legend-time').textContent(),
    );

    // Dragging across the last minutes of a graph zooms every graph to them: a custom range, asked for again.
    const zoomed = page.waitForRequest((r) => {
      const start = Number(new URL(r.url()).searchParams.get('start'));
      return r.url().includes('/api/v1/query_range') && Date.now() / 1000 - start < 600;
    });
    await page.mouse.move(plot.x + plot.width * 0.9, plot.y + plot.height / 2);
    await page.mouse.down();
    await page.mouse.move(plot.x + plot.width * 0.95, plot.y + plot.height / 2, { steps: 4 });
    await page.mouse.move(plot.x + plot.width - 1, plot.y + plot.height / 2, { steps: 4 });
    await page.mouse.up();
    await zoomed;
    await page.getByTestId('metrics-range-from').waitFor();
    await graphsDrawn(page);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(ARTIFACTS, '61-ci-metrics-desktop-light.png'), fullPage: true });

    // Six hours: the graphs ask again with a coarser step (60 s for 500 points at most) and still draw.
    const sixHours = page.waitForRequest(
      (r) => r.url().includes('/api/v1/query_range') && new URL(r.url()).searchParams.get('step') === '60',
    );
    await page.getByTestId('metrics-range').getByText('6 h').click();
    await sixHours;
    await graphsDrawn(page);

    // A custom span of three days up to a minute or two from now: 600 s steps, the last one showing the newest data.
    await page.getByTestId('metrics-range').getByText('Custom').click();
    const to = new Date(Date.now() + 120_000);
    await page.getByTestId('metrics-range-from').fill(localInput(new Date(to.getTime() - 3 * 86_400_000)));
    await page.getByTestId('metrics-range-to').fill(localInput(to));
    const threeDays = page.waitForRequest(
      (r) =>
        r.url().includes('/api/v1/query_range') &&
        new URL(r.url()).searchParams.get('step') === '600' &&
        // A step of whole 5-minute buckets reads the rollup tier (ADR 0018).
        new URL(r.url()).searchParams.get('estate_resolution') === 'auto',
    );
    await page.getByTestId('metrics-range-apply').click();
    await threeDays;
    await graphsDrawn(page);

    // A server without an agent yet: the tab says how to get metrics.
    const bare = await api('POST', '/cis', { type: 'physical_server', name: 'bare-metal-01' });
    await page.goto(`${server.url}/inventory/${bare.body.id as string}`);
    await waitForPage(page, 'tab-metrics');
    await page.getByTestId('tab-metrics').click();
    const empty = page.getByTestId('metrics-empty');
    await empty.waitFor();
    expect(await empty.textContent()).toContain('No metrics yet — install the agent');
    expect(await empty.getByRole('link').getAttribute('href')).toBe('/agents');
    await page.close();
  });

  it('on a 375 px phone, dark: the graphs and the home page fit the screen, and the graphs grow with a wider window', async () => {
    const page = await signInPage(browser, server, { width: 375, height: 812 });
    await page.locator('html').evaluate((html) => html.ownerDocument.defaultView?.localStorage.setItem('estate-color-scheme', 'dark'));
    await page.goto(`${server.url}/inventory/${ciId}`);
    expect(await page.locator('html').getAttribute('data-mantine-color-scheme')).toBe('dark');
    await page.getByTestId('tab-metrics').click();
    await graphsDrawn(page);
    for (const canvas of await page.locator('[data-testid^="metrics-panel-"] canvas').all()) {
      const box = await canvas.boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(250);
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(375);
    }
    expect(await overflowsSideways(page)).toBe(false);
    await page.screenshot({ path: path.join(ARTIFACTS, '62-ci-metrics-phone-dark.png'), fullPage: true });

    // Turned into a desktop window, the graphs grow with their cards.
    await page.setViewportSize({ width: 1280, height: 900 });
    const cpuCanvas = page.locator('[data-testid="metrics-panel-cpu"] canvas').first();
    await expect.poll(async () => (await cpuCanvas.boundingBox())?.width ?? 0).toBeGreaterThan(400);
    await page.screenshot({ path: path.join(ARTIFACTS, '64-ci-metrics-desktop-dark.png'), fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });

    await page.goto(server.url);
    await page.getByTestId('host-row').first().waitFor();
    expect(await overflowsSideways(page)).toBe(false);
    await page.screenshot({ path: path.join(ARTIFACTS, '63-home-phone-dark.png'), fullPage: true });
    await page.close();
  });

  it('without metrics:read, / still opens the inventory and the CI page has no Metrics tab', { timeout: 90_000 }, async () => {
    const viewer = { email: 'viewer@example.org', name: 'Viewer', role: 'viewer', password: 'correct horse battery staple 43' };
    await api('POST', '/users', viewer);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${server.url}/login`);
    await page.getByTestId('login-email').fill(viewer.email);
    await page.getByTestId('login-password').fill(viewer.password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${server.url}/inventory`);
    expect(await page.getByTestId('nav-home').count()).toBe(0);
    await page.goto(`${server.url}/inventory/${ciId}`);
    await waitForPage(page, 'tab-attributes');
    expect(await page.getByTestId('tab-metrics').count()).toBe(0);
    await page.close();
  });
});
