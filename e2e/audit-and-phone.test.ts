import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession } from './browser';
import type { ServerProcess } from './server-process';

describe.runIf(browserTier())('the audit log names its targets, and tables and navigation work on a phone', () => {
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

  it('shows audit targets as named links, and a deleted one as its id marked deleted', async () => {
    const kept = await api('POST', '/cis', { type: 'physical_server', name: 'web-01' });
    const keptId = kept.body.id as string;
    const doomed = await api('POST', '/cis', { type: 'physical_server', name: 'old-box' });
    const doomedId = doomed.body.id as string;
    await api('DELETE', `/cis/${doomedId}`, undefined, { 'if-match': doomed.etag as string });
    await api('POST', '/tokens', { name: 'nightly backup', scopes: ['inventory:read'] });

    const page = await signInPage(browser, server);
    await page.goto(`${server.url}/audit`);
    const rows = page.getByTestId('audit-row');
    await rows.first().waitFor();

    const created = rows.filter({ hasText: 'ci.create' }).filter({ hasText: 'web-01' });
    const ciLink = created.getByTestId('audit-target-link');
    expect(await ciLink.textContent()).toBe('web-01');
    expect(await ciLink.getAttribute('href')).toBe(`/inventory/${keptId}`);

    const tokenLink = rows.filter({ hasText: 'token.create' }).filter({ hasNotText: 'enrollment_token' }).getByTestId('audit-target-link');
    expect(await tokenLink.textContent()).toBe('nightly backup');
    expect(await tokenLink.getAttribute('href')).toBe('/tokens');

    // The deleted CI's events: its id, marked deleted, and no link to a page that would only say "not found".
    const gone = rows.filter({ hasText: 'ci.delete' });
    expect(await gone.getByTestId('audit-target-deleted').textContent()).toBe(`${doomedId} (deleted)`);
    expect(await gone.getByTestId('audit-target-link').count()).toBe(0);

    // On a wide screen the log fits: no scroll hint.
    expect(await page.getByTestId('audit-table-scroll').getAttribute('data-overflow-right')).toBe('false');
    expect(await page.getByTestId('scroll-hint').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, '50-audit-named-targets.png'), fullPage: true });

    // A click on the name opens the CI, not the row's detail.
    await ciLink.click();
    await page.waitForURL(`**/inventory/${keptId}`);
    await page.close();
  }, 90_000);

  it('on a 390x844 screen, a wide table says it scrolls sideways and the burger opens the navigation', async () => {
    const page = await signInPage(browser, server, { width: 390, height: 844 });
    await page.goto(`${server.url}/audit`);
    await page.getByTestId('audit-row').first().waitFor();

    const scroll = page.getByTestId('audit-table-scroll');
    await expect.poll(() => scroll.getAttribute('data-overflow-right')).toBe('true');
    expect(await scroll.getAttribute('data-overflow-left')).toBe('false');
    const hint = page.getByTestId('scroll-hint');
    expect(await hint.isVisible()).toBe(true);
    expect(await hint.textContent()).toContain('Scroll sideways for more');
    await page.screenshot({ path: path.join(ARTIFACTS, '51-phone-table-scroll-hint.png') });

    // Scrolled to the end, the hint turns round and the fade moves to the other edge.
    await scroll.locator('[data-scroll-viewport]').evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
    });
    await expect.poll(() => scroll.getAttribute('data-overflow-right')).toBe('false');
    expect(await scroll.getAttribute('data-overflow-left')).toBe('true');
    expect(await hint.textContent()).toContain('Scroll back');
    await page.screenshot({ path: path.join(ARTIFACTS, '52-phone-table-scrolled.png') });

    // The navigation hides behind the burger and takes the user to another page.
    const inventoryLink = page.getByTestId('nav-inventory');
    // A folded navbar is slid off the left edge rather than hidden: on screen means its right edge is past 0.
    const onScreen = () => inventoryLink.evaluate((el) => el.getBoundingClientRect().right > 0);
    expect(await onScreen()).toBe(false);
    await page.getByTestId('nav-burger').click();
    await expect.poll(onScreen).toBe(true);
    // The last section is reachable too, however short the screen.
    await page.getByTestId('nav-profile').scrollIntoViewIfNeeded();
    expect(
      await page
        .getByTestId('nav-profile')
        .evaluate((el) => el.getBoundingClientRect().bottom <= (el.ownerDocument.defaultView?.innerHeight ?? 0)),
    ).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, '53-phone-navigation.png') });
    await inventoryLink.click();
    await page.waitForURL('**/inventory');
    await expect.poll(onScreen).toBe(false);

    // Every list gets the hint from the shared table: the inventory's table too.
    await page.getByTestId('ci-row').first().waitFor();
    await expect.poll(() => page.getByTestId('ci-table-scroll').getAttribute('data-overflow-right')).toBe('true');
    expect(await page.getByTestId('scroll-hint').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, '54-phone-inventory.png') });
    await page.close();
  }, 90_000);
});
