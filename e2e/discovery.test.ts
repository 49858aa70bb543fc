import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession } from './browser';
import type { ServerProcess } from './server-process';

const COMMUNITY = 'browser-community-5150';

describe.runIf(browserTier())('network discovery in a real browser', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ server, browser } = session);
    await setUpAdmin(server);
    page = await signInPage(browser, server);
    await page.getByTestId('nav-discovery').waitFor();
  }, 90_000);

  afterAll(async () => {
    await session?.close();
  });

  it('keeps an SNMP community write-only: shown as configured, never as its value', async () => {
    await page.goto(`${server.url}/discovery/snmp-credentials`);
    await page.getByTestId('create-credential').click();
    await page.getByTestId('credential-name').fill('lab');
    await page.getByTestId('credential-community').fill(COMMUNITY);
    await page.getByTestId('credential-submit').click();
    await page.getByTestId('credential-row').filter({ hasText: 'lab' }).waitFor();
    expect(await page.getByTestId('secret-configured').textContent()).toContain('community configured');
    await page.getByTestId('edit-credential').click();
    expect(await page.getByTestId('credential-community').inputValue()).toBe('');
    expect(await page.getByTestId('credential-community').getAttribute('placeholder')).toContain('Configured');
    expect(await page.content()).not.toContain(COMMUNITY);
    await page.keyboard.press('Escape');
  });

  it('shows refused targets, then scans this machine, links what it found to a CI and says SNMP got no answer', {
    timeout: 60_000,
  }, async () => {
    const port = new URL(server.url).port;
    await page.goto(`${server.url}/discovery`);
    await page.getByTestId('create-scan').click();
    await page.getByTestId('scan-name').fill('This machine');
    await page.getByTestId('scan-targets').fill('127.0.0.1\n10.0.0.0/16');
    await page.getByTestId('scan-ports').fill(port);
    await page.getByTestId('scan-submit').click();
    const refused = page.getByTestId('scan-target-errors');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('10.0.0.0/16');
    await page.screenshot({ path: path.join(ARTIFACTS, 'discovery-refused-target.png') });

    await page.getByTestId('scan-targets').fill('127.0.0.1');
    // The credential is tried on this machine, where no SNMP agent listens: the run says so, naming it.
    // The MultiSelect's own input stays hidden until it has a value: its box is what takes the click.
    await page.getByTestId('scan-form').locator('.mantine-MultiSelect-input').click();
    await page.getByRole('option', { name: 'lab (v2c)' }).click();
    await page.keyboard.press('Tab');
    await page.getByTestId('scan-submit').click();
    await page.getByTestId('run-scan').click();
    await page.getByTestId('run-progress').waitFor();
    await page
      .getByTestId('run-status')
      .filter({ hasText: /succeeded|failed/ })
      .waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('run-status').textContent()).toBe('succeeded');
    expect(await page.getByTestId('run-summary').textContent()).toContain('1 new');
    const row = page.getByTestId('host-row').filter({ hasText: '127.0.0.1' });
    await row.waitFor();
    expect(await row.textContent()).toContain(port);
    expect(await row.textContent()).toContain('SNMP credential "lab" (v2c) on udp/161: no answer');
    expect(await page.getByTestId('run-summary').textContent()).toContain('SNMP: 0 of 1 answered');
    expect(await page.getByTestId('run-warnings').textContent()).toContain('"lab" (v2c): no answer from 1 host');
    const failure = page.getByTestId('snmp-failure-row');
    expect(await failure.count()).toBe(1);
    expect(await failure.textContent()).toMatch(/^lab\s*No answer.*1$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'discovery-run.png'), fullPage: true });
    await row.getByRole('link').click();
    await page.waitForURL(/\/inventory\/[0-9a-f-]{36}$/);
  });
});
