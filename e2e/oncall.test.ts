import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession, waitForPage } from './browser';
import type { ServerProcess } from './server-process';

/*
 * On-call in a real browser against a real server: a schedule of two users made through the editor, who is on call
 * now, and the calendar showing the handoff between them.
 */

const DAY = 86_400_000;

/** Chooses `option` in the Select or MultiSelect `testId`. */
async function choose(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe.runIf(browserTier())('on-call: a schedule of two people through the UI', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;
  let api: AdminApi;
  let page: Page;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ server, browser } = session);
    api = await setUpAdmin(server);
    for (const name of ['Ann', 'Bob']) {
      await api('POST', '/users', {
        email: `${name.toLowerCase()}@example.org`,
        name: `${name} Oncall`,
        role: 'operator',
        password: 'correct horse battery staple 44',
      });
    }
    page = await signInPage(browser, server);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
  });

  it('creates a daily rotation of Ann then Bob, shows who is on call now and the handoff in the calendar', {
    timeout: 90_000,
  }, async () => {
    await page.getByTestId('nav-oncall').click();
    await waitForPage(page, 'schedules-table');
    await page.getByTestId('create-schedule').click();
    await page.getByTestId('schedule-editor').waitFor();
    await page.getByTestId('schedule-name').fill('Primary');
    await page.getByTestId('schedule-time-zone').fill('UTC');
    await page.getByRole('option', { name: 'UTC', exact: true }).click();
    await choose(page, 'layer-participants', 'Ann Oncall (ann@example.org)');
    await choose(page, 'layer-participants', 'Bob Oncall (bob@example.org)');
    await page.keyboard.press('Escape');
    await choose(page, 'layer-shift-unit', 'days');
    // The first handoff was yesterday at 09:00 UTC: Ann until today 09:00, then Bob until tomorrow 09:00, and so on.
    const yesterday = new Date(Date.now() - DAY).toISOString().slice(0, 10);
    await page.getByTestId('layer-start-date').fill(yesterday);
    await page.getByTestId('layer-handoff-time').fill('09:00');
    await page.getByTestId('schedule-editor').screenshot({ path: path.join(ARTIFACTS, '90-oncall-schedule-editor.png') });
    await page.getByTestId('save-schedule').click();

    await waitForPage(page, 'shift-calendar');
    const expected = new Date().getUTCHours() < 9 ? 'Ann Oncall' : 'Bob Oncall';
    await expect.poll(() => page.getByTestId('schedule-on-call-now').textContent()).toBe(expected);

    // The calendar marks each change of person: today (or tomorrow) 09:00 UTC to the other person.
    const handoffs = page.locator('[data-testid="calendar-shift"][data-handoff="true"]');
    await handoffs.first().waitFor();
    const people = await handoffs.evaluateAll((els) => els.map((el) => el.getAttribute('data-person')));
    expect(people).toContain('Ann Oncall');
    expect(people).toContain('Bob Oncall');
    expect(await handoffs.first().textContent()).toMatch(/^0?9:00( AM)? → (Ann|Bob) Oncall$/);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(ARTIFACTS, '91-oncall-schedule-page.png'), fullPage: true });

    await page.getByTestId('calendar-range').getByText('2 weeks').click();
    await expect.poll(() => page.getByTestId('calendar-day').count()).toBe(14);

    await page.getByTestId('nav-oncall').click();
    const row = page.getByTestId('schedule-row').filter({ hasText: 'Primary' });
    await expect.poll(() => row.getByTestId('on-call-now').textContent()).toBe(expected);
    await page.screenshot({ path: path.join(ARTIFACTS, '92-oncall-schedules.png'), fullPage: true });
  });

  it('adds an override shown apart from layer turns, an escalation policy paging the schedule, and a revocable feed', {
    timeout: 90_000,
  }, async () => {
    await page.getByTestId('schedule-row').filter({ hasText: 'Primary' }).getByTestId('schedule-link').click();
    await waitForPage(page, 'shift-calendar');
    const pad = (n: number) => String(n).padStart(2, '0');
    const tomorrow = new Date(Date.now() + DAY);
    const local = (hour: number) => `${tomorrow.getFullYear()}-${pad(tomorrow.getMonth() + 1)}-${pad(tomorrow.getDate())}T${pad(hour)}:00`;
    await choose(page, 'override-person', 'Admin');
    await page.getByTestId('override-start').fill(local(12));
    await page.getByTestId('override-end').fill(local(15));
    await page.getByTestId('add-override').click();
    await page.getByTestId('override-row').waitFor();
    const override = page.locator('[data-testid="calendar-shift"][data-source="override"]');
    await override.first().waitFor();
    expect(await override.first().getAttribute('data-person')).toBe('Admin');
    await page.getByTestId('shift-calendar').screenshot({ path: path.join(ARTIFACTS, '93-oncall-calendar-override.png') });

    await page.goto(`${server.url}/oncall/escalation-policies`);
    await waitForPage(page, 'policies-table');
    await page.getByTestId('create-policy').click();
    await page.getByTestId('policy-name').fill('Primary first');
    await choose(page, 'step-schedules', 'Primary');
    await page.keyboard.press('Escape');
    await page.getByTestId('step-delay').fill('5');
    await page.getByTestId('save-policy').click();
    const policy = page.getByTestId('policy-row').filter({ hasText: 'Primary first' });
    await policy.waitFor();
    expect(await policy.textContent()).toContain('on call in Primary — then 5 min');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    await page.screenshot({ path: path.join(ARTIFACTS, '94-oncall-policies.png'), fullPage: true });

    await page.getByTestId('oncall-tab-me').click();
    await waitForPage(page, 'create-feed');
    await page.getByTestId('create-feed').click();
    const url = (await page.getByTestId('feed-url').textContent({ timeout: 10_000 })) ?? '';
    const feedUrl = url.slice(url.indexOf('http'));
    const feed = await fetch(feedUrl);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toMatch(/^text\/calendar/);
    expect(await feed.text()).toContain('SUMMARY:On call: Primary');
    await page.screenshot({ path: path.join(ARTIFACTS, '95-oncall-me.png'), fullPage: true });
    await page.getByTestId('revoke-feed').click();
    await page.getByTestId('feed-token-row').waitFor({ state: 'detached' });
    expect((await fetch(feedUrl)).status).toBe(404);
  });
});
