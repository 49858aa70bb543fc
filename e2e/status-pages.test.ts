import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession, waitForPage } from './browser';
import type { ServerProcess } from './server-process';

/*
 * A public status page, as its readers see it: a business service whose host's check is down and a maintenance
 * window on another service, opened signed out in a fresh browser context; light, dark and a 390 px phone.
 */
describe.runIf(browserTier())('status pages in a real browser', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;
  let api: AdminApi;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ server, browser } = session);
    api = await setUpAdmin(server);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
  });

  it('shows the outage, the window and the uptime bars signed out', { timeout: 120_000 }, async () => {
    const ci = async (type: string, name: string) => (await api('POST', '/cis', { type, name })).body.id as string;
    const shop = await ci('business_service', 'Web shop');
    const mail = await ci('business_service', 'Mail');
    const host = await ci('physical_server', 'shop-host-01');
    await api('POST', '/relationships', { type: 'depends_on', sourceId: shop, targetId: host });
    const check = (await api('POST', '/checks', { name: 'shop host ping', type: 'push', config: { periodSeconds: 3600 }, ciIds: [host] }))
      .body;
    for (let i = 0; i < 5; i++) await fetch(`${server.url}/api/v1/push/${check.pushToken}/fail`);
    await expect
      .poll(async () => ((await api('GET', `/checks/${check.id}`)).body as { status?: { state?: string } }).status?.state, {
        timeout: 15_000,
      })
      .toBe('down');
    const start = new Date(Date.now() + 2 * 3_600_000).toISOString().slice(0, 16);
    const end = new Date(Date.now() + 4 * 3_600_000).toISOString().slice(0, 16);
    await api('POST', '/maintenance-windows', {
      name: 'Mail server upgrade',
      timeZone: 'UTC',
      schedule: { kind: 'once', start, end },
      scope: { ciIds: [mail] },
    });
    // Made through its management page: two business services picked by name, grouped, the page public.
    const admin = await signInPage(browser, server);
    await admin.goto(`${server.url}/status-pages`);
    await waitForPage(admin, 'create-status-page');
    await admin.getByTestId('create-status-page').click();
    await admin.getByTestId('status-page-title').fill('Acme status');
    expect(await admin.getByTestId('status-page-slug').inputValue()).toBe('acme-status');
    await admin.getByTestId('status-page-slug').fill('acme');
    await admin.getByTestId('status-page-public').click();
    for (const [index, [name, group]] of [
      ['Web shop', 'Shop'],
      ['Mail', 'Office'],
    ].entries()) {
      await admin.getByTestId('status-add-service').click();
      await admin.getByTestId('status-add-service').fill(name as string);
      await admin.getByRole('option', { name: `${name} · Business service` }).click();
      await admin
        .getByTestId('status-component-row')
        .nth(index)
        .getByText(name as string)
        .waitFor();
      await admin.getByLabel(`Group of component ${index + 1}`).fill(group as string);
    }
    await expect.poll(async () => admin.getByTestId('status-component-row').count()).toBe(2);
    await admin.getByTestId('save-status-page').click();
    await admin.getByTestId('open-status-page').waitFor();
    const pages = (await api('GET', '/status-pages')).body as { items: Array<{ slug: string; public: boolean; components: unknown[] }> };
    expect(pages.items.map((p) => [p.slug, p.public, p.components])).toEqual([
      [
        'acme',
        true,
        [
          expect.objectContaining({ kind: 'service', refId: shop, group: 'Shop' }),
          expect.objectContaining({ kind: 'service', refId: mail, group: 'Office' }),
        ],
      ],
    ]);
    await admin.screenshot({ path: path.join(ARTIFACTS, 'status-page-editor.png'), fullPage: true });
    await admin.close();

    const shots: Array<[string, { width: number; height: number }, 'light' | 'dark']> = [
      ['status-page-desktop-light.png', { width: 1280, height: 900 }, 'light'],
      ['status-page-desktop-dark.png', { width: 1280, height: 900 }, 'dark'],
      ['status-page-phone-light.png', { width: 390, height: 844 }, 'light'],
    ];
    for (const [file, viewport, scheme] of shots) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(`${server.url}/status/acme`);
      if (scheme === 'dark') {
        await page.locator('html').evaluate((html) => html.ownerDocument.defaultView?.localStorage.setItem('estate-color-scheme', 'dark'));
        await page.reload();
      }
      await waitForPage(page, 'status-banner');
      expect(await page.getByTestId('status-banner').getAttribute('data-state')).toBe('outage');
      const states = await page.getByTestId('status-component').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
      // Mail has no checks yet: unknown, whatever its upcoming window.
      expect(states).toEqual(['outage', 'unknown']);
      expect(await page.getByTestId('status-maintenance').textContent()).toContain('Mail server upgrade');
      expect(await page.getByTestId('status-uptime').first().locator('[role="listitem"]').count()).toBe(90);
      // Signed out: nothing internal on the page.
      expect(await page.locator('body').textContent()).not.toContain('shop-host-01');
      await page.screenshot({ path: path.join(ARTIFACTS, file), fullPage: true });
      await context.close();
    }
    const hidden = await fetch(`${server.url}/api/v1/public/status/nope`);
    expect(hidden.status).toBe(404);
  });
});
