import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryService } from '../apps/server/src/modules/alerting/channels/delivery.service';
import { sampleNotification } from '../apps/server/src/modules/alerting/channels/notification.fixtures';
import { openDatabase } from '../apps/server/src/platform/db/database';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession, waitForPage } from './browser';
import type { ServerProcess } from './server-process';

/*
 * Notification channels in a real browser against a real server that lets channels reach loopback
 * (ESTATE_CHANNELS_ALLOW=loopback): a webhook channel created through the form generated from the type's fields,
 * its URL kept as a secret ("stored"), and "Send test" reaching a real receiver on 127.0.0.1, the page showing the
 * delivered verdict.
 */

interface Received {
  method: string;
  path: string;
  body: string;
}

/** A webhook receiver on 127.0.0.1 recording what it gets and answering 200. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.runIf(browserTier())('alerting: notification channels', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;
  let api: AdminApi;
  let page: Page;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    receiver = await startReceiver();
    session = await startBrowserSession({ ESTATE_CHANNELS_ALLOW: 'loopback' });
    ({ server, browser } = session);
    api = await setUpAdmin(server);
    page = await signInPage(browser, server);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
    await receiver?.close();
  });

  it('creates a webhook channel through its fields and sends a test that the receiver gets', { timeout: 90_000 }, async () => {
    await page.goto(`${server.url}/`);
    await page.getByTestId('nav-alerting/channels').click();
    await waitForPage(page, 'channels-table');
    await page.getByTestId('channels-table').getByText('No channels yet').waitFor();
    await page.getByTestId('create-channel').click();
    await page.getByTestId('channel-form').waitFor();
    await page.getByTestId('channel-name').fill('Ops webhook');
    // Webhook is the type a new channel starts with; its URL is a secret, typed into a password input.
    expect(await page.getByTestId('channel-field-url').getAttribute('type')).toBe('password');
    await page.getByTestId('channel-field-url').fill(`${receiver.url}/hooks/ops-secret-key`);
    await page.getByTestId('channel-form').screenshot({ path: path.join(ARTIFACTS, '90-channel-form-desktop-light.png') });
    await page.getByTestId('channel-submit').click();
    await page.getByTestId('channel-field-url-stored').waitFor();
    expect(await page.getByTestId('channel-field-url').inputValue()).toBe('');

    const [channel] = (await api('GET', '/notification-channels')).body.items as { id: string; secretNames: string[] }[];
    expect(channel?.secretNames).toEqual(['url']);
    expect(page.url()).toContain(`/alerting/channels/${channel?.id}`);

    await page.getByTestId('channel-test').click();
    await page.locator('[data-testid="channel-test-verdict"][data-outcome="delivered"]').waitFor();
    expect(await page.getByTestId('channel-test-verdict').textContent()).toContain('Test notification delivered');
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({ method: 'POST', path: '/hooks/ops-secret-key' });
    expect(JSON.parse(receiver.received[0]!.body).alerts[0].labels.alertname).toBe('EstateTestNotification');
    // Scrolled to the top, so a full-page screenshot has the sticky header where it belongs.
    await page.locator('html').evaluate((html) => html.ownerDocument.defaultView?.scrollTo(0, 0));
    await page.screenshot({ path: path.join(ARTIFACTS, '91-channel-test-delivered-desktop-light.png'), fullPage: true });

    await page.goto(`${server.url}/alerting/channels`);
    await page.getByTestId('channel-row').first().waitFor();
    expect(await page.getByTestId('channel-link').textContent()).toBe('Ops webhook');
    await page.screenshot({ path: path.join(ARTIFACTS, '92-channels-list-desktop-light.png'), fullPage: true });
  });

  it('a notification handed over as the dispatcher does is delivered by the worker and shown in the log with its attempt', {
    timeout: 90_000,
  }, async () => {
    const [channel] = (await api('GET', '/notification-channels')).body.items as { id: string }[];
    // The dispatcher's part, played here: enqueue in a transaction of the server's own store (SQLite, WAL).
    const store = await openDatabase({ sqliteFile: path.join(server.dataDir, 'estate.db') });
    try {
      await store.db
        .transaction()
        .execute((trx) =>
          new DeliveryService({ db: store.db }).enqueueWithin(trx, [channel!.id], sampleNotification({ id: 'e2e-notification-1' })),
        );
    } finally {
      await store.close();
    }
    const deadline = Date.now() + 30_000;
    while (!receiver.received.some((r) => r.body.includes('e2e-notification-1')) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(receiver.received.filter((r) => r.body.includes('e2e-notification-1'))).toHaveLength(1);

    await page.goto(`${server.url}/alerting/notifications`);
    await waitForPage(page, 'notifications-table');
    const row = page.getByTestId('notification-row').first();
    await row.locator('[data-testid="delivery-status"][data-status="delivered"]').waitFor();
    await row.click();
    await page.getByTestId('notification-attempts').waitFor();
    expect(await page.getByTestId('attempt-outcome').getAttribute('data-status')).toBe('delivered');
    expect(await page.getByTestId('notification-attempts').textContent()).toContain('e2e-notification-1');
    await page.screenshot({ path: path.join(ARTIFACTS, '93-notifications-desktop-light.png'), fullPage: true });

    await page.goto(`${server.url}/alerting/channels`);
    await page.locator('[data-testid="channel-row"] [data-testid="delivery-status"][data-status="delivered"]').waitFor();
  });
});
