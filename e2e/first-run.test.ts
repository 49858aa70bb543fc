import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, type BrowserSession, browserTier, isMachineNoise, startBrowserSession } from './browser';
import type { ServerProcess } from './server-process';

describe.runIf(browserTier())('first run in a real browser', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ server, browser } = session);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
  });

  it('sets up the first admin from the console link, lands on the estate at a glance, signs in, creates a token and sees its audit event', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // Console noise a newcomer would see in the developer tools: errors, and requests that failed.
    const noise: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !isMachineNoise(message.text())) noise.push(`console: ${message.text()}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) noise.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });

    // The link the console printed last carries the one-time token; the page fills it in and drops it from the URL.
    expect(server.setupUrl).toBe(`${server.url}/setup?token=${encodeURIComponent(server.setupToken)}`);
    const lastLines = server.output().trim().split('\n').slice(-8).join('\n');
    expect(lastLines).toContain(server.setupUrl);
    await page.goto(server.setupUrl);
    await page.getByTestId('setup-form').waitFor();
    expect(await page.getByTestId('setup-token').inputValue()).toBe(server.setupToken);
    await page.waitForURL((url) => !url.search.includes('token'));
    expect(page.url()).toBe(`${server.url}/setup`);
    expect(noise, 'the setup page is quiet').toEqual([]);
    await page.getByTestId('setup-email').fill('admin@example.org');
    await page.getByTestId('setup-name').fill('First Admin');
    await page.getByTestId('setup-password').fill('correct horse battery staple 42');
    await page.getByTestId('setup-confirm').fill('correct horse battery staple 42');
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('user-menu').waitFor();
    // `/` opens the estate at a glance (the admin may read metrics): its hosts, or how to get some.
    await page.waitForURL(`${server.url}/`);
    await page.locator('[data-testid="home-hosts"], [data-testid="home-empty"]').first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '01-after-setup.png') });

    // Setup is gone for good: the API answers 404 and the UI sends us to sign in instead.
    expect((await fetch(`${server.url}/api/v1/setup`)).status).toBe(404);

    // Sign out and back in through the login page.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-form').waitFor();
    // A fresh browser on the login page, and on `/` signed out: no console errors, no failed requests.
    const fresh = await browser.newPage();
    fresh.on('console', (message) => {
      if (message.type() === 'error' && !isMachineNoise(message.text())) noise.push(`console: ${message.text()}`);
    });
    fresh.on('response', (response) => {
      if (response.status() >= 400) noise.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    });
    await fresh.goto(server.url);
    await fresh.getByTestId('login-form').waitFor();
    await fresh.goto(`${server.url}/login`);
    await fresh.getByTestId('login-form').waitFor();
    await fresh.waitForLoadState('networkidle');
    await page.waitForLoadState('networkidle');
    await fresh.close();
    expect(noise, 'the login page is quiet').toEqual([]);
    // Control: the listeners do see a failed request.
    await page.evaluate(() => fetch('/api/v1/no-such-route'));
    await expect.poll(() => noise.some((n) => n.startsWith('404 GET'))).toBe(true);
    noise.length = 0;
    await page.getByTestId('login-email').fill('admin@example.org');
    await page.getByTestId('login-password').fill('correct horse battery staple 42');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-menu').waitFor();
    await page.goto(`${server.url}/inventory`);
    await page.getByTestId('create-ci').waitFor();

    await page.goto(`${server.url}/tokens`);
    await page.getByTestId('create-token').click();
    await page.getByTestId('token-name').fill('e2e token');
    await page.getByTestId('create-token-submit').click();
    const secretBox = page.getByTestId('token-secret');
    await secretBox.waitFor();
    const secret = ((await secretBox.inputValue().catch(() => null)) ?? (await secretBox.textContent()) ?? '').trim();
    expect(secret).toMatch(/^estate_[A-Za-z0-9_-]{40,}$/);
    await page.screenshot({ path: path.join(ARTIFACTS, '02-token-created.png') });

    // The token works against the API.
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { email: string } }).user.email).toBe('admin@example.org');

    await page.goto(`${server.url}/audit`);
    const row = page.getByTestId('audit-row').filter({ hasText: 'token.create' }).filter({ hasNotText: 'enrollment_token' });
    await row.first().waitFor();
    expect(await row.count()).toBe(1);

    // A row unfolds to its full record, from a click on the row or from the keyboard on its fold button.
    const fold = row.getByTestId('expand-row');
    const detail = page.getByTestId('audit-row-detail');
    expect(await fold.getAttribute('aria-expanded')).toBe('false');
    await row.locator('td').nth(3).click();
    await detail.waitFor();
    expect(await fold.getAttribute('aria-expanded')).toBe('true');
    expect(await fold.getAttribute('aria-controls')).toBe(await detail.getAttribute('id'));
    expect(await detail.textContent()).toContain('Request id');
    await page.screenshot({ path: path.join(ARTIFACTS, '03-audit-log.png'), fullPage: true });
    await fold.focus();
    await page.keyboard.press('Enter');
    await detail.waitFor({ state: 'detached' });
    expect(await fold.getAttribute('aria-expanded')).toBe('false');
    await page.keyboard.press('Space');
    await detail.waitFor();

    // The API docs are Estate's: page title and logo.
    await page.goto(`${server.url}/api/docs`);
    await page.locator('.swagger-ui .info').waitFor();
    expect(await page.title()).toBe('Estate API');
    await page.screenshot({ path: path.join(ARTIFACTS, '05-api-docs.png') });

    // Phone-sized screen: the navigation collapses behind a burger.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.url}/audit`);
    await page.getByTestId('nav-burger').waitFor();
    expect(await page.getByTestId('nav-burger').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, '04-phone.png') });
  }, 90_000);
});
