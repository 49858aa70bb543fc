import path from 'node:path';
import type { WriteSeries } from '@estate/tsdb';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession } from './browser';
import { writeSeries } from './remote-write';
import type { ServerProcess } from './server-process';

/*
 * The metrics explorer against a real server, its data written the way a Prometheus would send it (remote_write
 * with a metrics:write token): the editor completes a metric name only the store knows, the table and the graph show
 * it, the URL reproduces the view, a bad query is explained under the editor, and a result of 1,200 series is cut
 * with a note.
 */

const MINUTE = 60_000;
/** Temperatures of two rooms, one sample a minute over the last six hours. */
const ROOMS = ['lab', 'office'] as const;
/** The fan-out metric's series count: past the table's 1,000 rows and the graph's 200 lines. */
const FANOUT = 1200;

/** A temperature of `room` at sample `i`: a saw tooth, different per room. */
const temperature = (room: string, i: number) => (room === 'lab' ? 20 + (i % 12) * 0.25 : 18 + (i % 8) * 0.5);

/** Writes the test's series through the remote_write receiver; answers the time of the newest sample. */
async function seedMetrics(server: ServerProcess, admin: AdminApi): Promise<number> {
  const newest = Math.floor(Date.now() / MINUTE) * MINUTE;
  const times = Array.from({ length: 361 }, (_, i) => newest - (360 - i) * MINUTE);
  const series: WriteSeries[] = [
    ...ROOMS.map((room) => ({
      labels: [
        ['__name__', 'room_temperature_celsius'],
        ['room', room],
        ['site', 'hq'],
      ] as Array<[string, string]>,
      samples: times.map((t, i) => [t, temperature(room, i)] as [number, number]),
    })),
    ...Array.from({ length: FANOUT }, (_, i) => ({
      labels: [
        ['__name__', 'explorer_fanout'],
        ['shard', String(i).padStart(4, '0')],
      ] as Array<[string, string]>,
      samples: [[newest, i] as [number, number]],
    })),
  ];
  await writeSeries(server, admin, series);
  return newest;
}

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
  let lastSample: number;

  beforeAll(async () => {
    // No local agent: the page shows exactly the series written here.
    session = await startBrowserSession({ ESTATE_LOCAL_AGENT: 'false' });
    ({ server, browser } = session);
    lastSample = await seedMetrics(server, await setUpAdmin(server));
  }, 90_000);

  afterAll(async () => {
    await session?.close();
  });

  it('completes a metric name from the store, runs it as a table and a graph, and the URL reproduces the view', async () => {
    const page = await signInPage(browser, server);
    await page.getByTestId('nav-explore').click();
    await page.waitForURL(/\/explore$/);
    await page.getByTestId('explore-empty').waitFor();

    // Completion of a metric name that only the store knows: it was asked of /api/v1/label/__name__/values.
    await typeExpression(page, 'room_tem');
    const option = page.locator('.cm-tooltip-autocomplete li').filter({ hasText: /^room_temperature_celsius$/ });
    await option.waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, '60-explore-autocomplete.png') });
    await option.click();
    expect(await editorText(page)).toBe('room_temperature_celsius');

    // Enter runs it: the expression goes into the URL and the table shows each room's latest temperature.
    await page.keyboard.press('Enter');
    await page.waitForURL(/[?&]expr=room_temperature_celsius(&|$)/);
    const rows = page.getByTestId('result-row');
    await rows.first().waitFor({ timeout: 15_000 });
    expect(await rows.getByTestId('result-series').allTextContents()).toEqual([
      'room_temperature_celsius{room="lab", site="hq"}',
      'room_temperature_celsius{room="office", site="hq"}',
    ]);
    expect(await rows.getByTestId('result-value').allTextContents()).toEqual(ROOMS.map((room) => String(temperature(room, 360))));
    expect(await page.getByTestId('result-summary').textContent()).toBe('Instant vector, 2 series');
    await page.screenshot({ path: path.join(ARTIFACTS, '61-explore-table.png') });

    // The graph: a range query drawn on a canvas, with the view in the URL.
    await page.getByTestId('explore-view').getByText('Graph').click();
    await page.waitForURL(/[?&]view=graph/);
    await page.locator('[data-testid="explore-chart"] canvas').first().waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('graph-summary').textContent()).toBe('2 series over 1h, one point every 10s');

    // A 6-hour range, then a reload: the same expression, view and range come back from the URL alone.
    await page.getByTestId('explore-range').getByText('6h').click();
    await page.waitForURL(/[?&]range=6h/);
    await page.getByTestId('graph-summary').filter({ hasText: 'over 6h, one point every 1m' }).waitFor();
    await page.reload();
    await page.locator('[data-testid="explore-chart"] canvas').first().waitFor({ timeout: 15_000 });
    expect(await editorText(page)).toBe('room_temperature_celsius');
    expect(await page.getByTestId('graph-summary').textContent()).toBe('2 series over 6h, one point every 1m');
    expect(await page.getByTestId('explore-range').locator('input:checked').getAttribute('value')).toBe('6h');
    await page.screenshot({ path: path.join(ARTIFACTS, '62-explore-graph.png') });

    // Back steps through the views: first the 1-hour graph, then the table.
    await page.goBack();
    await page.getByTestId('graph-summary').filter({ hasText: 'over 1h' }).waitFor();
    await page.goBack();
    await rows.first().waitFor();
    expect(new URL(page.url()).searchParams.get('view')).toBeNull();
    expect(await editorText(page)).toBe('room_temperature_celsius');

    // Dragging across the middle of the hour's graph zooms to that quarter hour: range and end pinned in the URL.
    await page.getByTestId('explore-view').getByText('Graph').click();
    const chart = page.getByTestId('explore-chart');
    await chart.locator('canvas').first().waitFor();
    const plot = await chart.locator('.u-over').boundingBox();
    if (!plot) throw new Error('the graph has no plot area');
    await page.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height / 2);
    await page.mouse.down();
    await page.mouse.move(plot.x + plot.width * 0.75, plot.y + plot.height / 2, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL(/[?&]end=/);
    const zoomed = new URL(page.url()).searchParams;
    const [, minutes] = /^(\d+)m(\d+s)?$/.exec(zoomed.get('range') ?? '') ?? [];
    expect(Number(minutes)).toBeGreaterThanOrEqual(13);
    expect(Number(minutes)).toBeLessThanOrEqual(16);
    // It ended about a quarter of an hour before the newest sample.
    const zoomEnd = Date.parse(zoomed.get('end') ?? '');
    expect(Math.abs(zoomEnd - (lastSample - 15 * MINUTE))).toBeLessThan(3 * MINUTE);
    await page
      .getByTestId('graph-summary')
      .filter({ hasText: `over ${zoomed.get('range')}` })
      .waitFor();
    await page.close();
  }, 120_000);

  it('explains a query the server refuses, says when nothing matched, pins an evaluation time and cuts a huge result', async () => {
    const page = await signInPage(browser, server);
    await page.goto(`${server.url}/explore`);

    // A function given the wrong type of argument: the server's message, under the editor, and no crash.
    await typeExpression(page, 'rate(room_temperature_celsius)');
    await page.keyboard.press('Escape');
    await page.getByTestId('promql-run').click();
    const error = page.getByTestId('query-error');
    await error.waitFor();
    expect(await page.getByTestId('query-error-message').textContent()).toContain('expected type range vector');
    await page.screenshot({ path: path.join(ARTIFACTS, '63-explore-error.png') });

    // A syntax error is refused the same way.
    await typeExpression(page, 'room_temperature_celsius +');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.waitForURL(/[?&]expr=room_temperature_celsius\+%2B(&|$)/);
    await page.getByTestId('query-error-message').filter({ hasText: 'parse error' }).waitFor();
    expect(await page.getByTestId('query-error-message').textContent()).toMatch(/unexpected end of input/);
    expect(await page.getByTestId('query-error').textContent()).toContain('not valid PromQL');

    // Nothing matches: the table says so.
    await typeExpression(page, 'room_temperature_celsius{room="attic"}');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Enter');
    await page.getByTestId('table-empty').filter({ hasText: 'no series' }).waitFor();

    // A scalar is a row without a series. Alt+Enter breaks the line; Shift+Enter runs, as Enter does.
    await typeExpression(page, '1 +');
    await page.keyboard.press('Alt+Enter');
    await page.keyboard.type('1');
    expect(await page.getByTestId('promql-input').locator('.cm-line').count()).toBe(2);
    await page.keyboard.press('Shift+Enter');
    await page.waitForURL(/[?&]expr=1\+%2B%0A1(&|$)/);
    await page.getByTestId('result-summary').filter({ hasText: 'Scalar' }).waitFor();
    expect(await page.getByTestId('result-value').textContent()).toBe('2');

    // A link pinned to a past time: evaluated then. 125 minutes before the newest sample, the lab had another value.
    const earlier = lastSample - 125 * MINUTE;
    await page.goto(`${server.url}/explore?expr=${encodeURIComponent('room_temperature_celsius{room="lab"}')}&end=${earlier / 1000}`);
    await page
      .getByTestId('result-value')
      .filter({ hasText: String(temperature('lab', 235)) })
      .waitFor();
    expect(new URL(page.url()).searchParams.get('end')).toBe(new Date(earlier).toISOString().replace('.000Z', 'Z'));
    // Before any sample, nothing matched; "Now" unpins the time.
    await page.goto(`${server.url}/explore?expr=room_temperature_celsius&end=2020-01-01T00:00:00Z`);
    await page.getByTestId('table-empty').waitFor();
    expect(await page.getByTestId('explore-end').inputValue()).toMatch(/^20(19-12-31|20-01-01)T/);
    await page.getByTestId('explore-end-now').click();
    await page.getByTestId('result-row').first().waitFor();
    expect(new URL(page.url()).searchParams.get('end')).toBeNull();

    // 1,200 series: the table shows 1,000 and says so; the graph draws 200 and says so.
    await page.goto(`${server.url}/explore?expr=explorer_fanout`);
    await page.getByTestId('result-truncated').waitFor();
    expect(await page.getByTestId('result-truncated').textContent()).toContain('1,200 series; the first 1,000 are shown');
    expect(await page.getByTestId('result-row').count()).toBe(1000);
    await page.screenshot({ path: path.join(ARTIFACTS, '66-explore-truncated.png') });
    expect(await page.getByTestId('result-summary').textContent()).toBe('Instant vector, 1,200 series');
    await page.getByTestId('explore-view').getByText('Graph').click();
    await page.getByTestId('graph-truncated').waitFor();
    expect(await page.getByTestId('graph-truncated').textContent()).toContain('1,200 series; the first 200 are drawn');
    await page.locator('[data-testid="explore-chart"] canvas').first().waitFor({ timeout: 15_000 });
    await page.close();
  }, 120_000);

  it('looks right on a desktop and a phone, light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      for (const [width, height, name] of [
        [1280, 900, 'desktop'],
        [375, 812, 'phone'],
      ] as const) {
        const page = await signInPage(browser, server, { width, height });
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(`${server.url}/explore?expr=${encodeURIComponent('avg by (site) (room_temperature_celsius)')}`);
        await page.getByTestId('result-row').first().waitFor();
        expect(await page.locator('html').getAttribute('data-mantine-color-scheme')).toBe(scheme);
        // Label completion inside braces, drawn over the result.
        await typeExpression(page, 'room_temperature_celsius{ro');
        await page
          .locator('.cm-tooltip-autocomplete li')
          .filter({ hasText: /^room$/ })
          .waitFor();
        await page.screenshot({ path: path.join(ARTIFACTS, `64-explore-table-${name}-${scheme}.png`), fullPage: true });
        await typeExpression(page, 'room_temperature_celsius');
        await page.keyboard.press('Escape');
        await page.keyboard.press('Enter');
        await page.getByTestId('explore-view').getByText('Graph').click();
        await page.getByTestId('explore-range').getByText('6h').click();
        await page.getByTestId('graph-summary').filter({ hasText: 'over 6h' }).waitFor();
        await page.locator('[data-testid="explore-chart"] canvas').first().waitFor({ timeout: 15_000 });
        // Let the range control's indicator finish sliding before the picture.
        await page.waitForTimeout(400);
        await page.screenshot({ path: path.join(ARTIFACTS, `65-explore-graph-${name}-${scheme}.png`), fullPage: true });
        await page.close();
      }
    }
  }, 120_000);
});
