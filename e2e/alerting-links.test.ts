import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertStore } from '../apps/server/src/modules/alerting/alerts/alert-store';
import { ExternalAlerts } from '../apps/server/src/modules/alerting/alerts/external-alerts';
import { ActionTokens, LINK_KEY_PURPOSE } from '../apps/server/src/modules/alerting/links';
import { SecretBox } from '../apps/server/src/platform/crypto/secret-box';
import { openDatabase } from '../apps/server/src/platform/db/database';
import { newId } from '../apps/server/src/platform/ids';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession, waitForPage } from './browser';
import type { ServerProcess } from './server-process';

/*
 * A signed acknowledge link, as a message carries it, opened in a browser that is not signed in: the page says what
 * the link will do without doing it, the button acknowledges the incident's alert, and the link is then used up.
 * The alert arrives as Alertmanager would send it and is recorded as notified in an incident, as the engine's flush
 * does; the link is minted with the server's own key file, as the notifier does.
 */
describe.runIf(browserTier())('alerting: signed action links in a real browser', () => {
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

  it('opens a minted acknowledge link signed-out, shows the alert, and acknowledges it once', { timeout: 90_000 }, async () => {
    const incidentKey = 'e2e-incident-1';
    const store = await openDatabase({ sqliteFile: path.join(server.dataDir, 'estate.db') });
    try {
      await new ExternalAlerts(new AlertStore(store.db as never, 'sqlite')).receive(
        [{ labels: { alertname: 'UpstreamDown', severity: 'critical' }, annotations: { summary: 'The upstream link is down' } }],
        'alertmanager',
      );
      const row = await store.db.selectFrom('alerts').select('id').where('fingerprint', '!=', '').executeTakeFirstOrThrow();
      await store.db
        .insertInto('alert_events')
        .values({
          id: newId(),
          alert_id: row.id,
          at: Date.now() - 1000,
          kind: 'notified',
          actor: null,
          detail: JSON.stringify({ receiver: 'default', groupKey: '{}:{}', incidentKey }),
        })
        .execute();
    } finally {
      await store.close();
    }
    const tokens = new ActionTokens(SecretBox.fromKeyFile(path.join(server.dataDir, 'secret.key')).deriveKey(LINK_KEY_PURPOSE));
    const link = `${server.url}/alerting/actions/${tokens.mint('acknowledge', incidentKey, Date.now(), 3_600_000)}`;

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    await waitForPage(page, 'action-link-confirm');
    expect(await page.getByTestId('action-link-message').getAttribute('data-status')).toBe('ready');
    expect(await page.getByTestId('action-link-alerts').textContent()).toContain('The upstream link is down');
    // Opening the page acknowledged nothing.
    const before = (await api('GET', '/alerting/alerts')).body.items as Array<{ name: string; acknowledgedAt: number | null }>;
    expect(before.find((a) => a.name === 'UpstreamDown')?.acknowledgedAt).toBeNull();

    await page.getByTestId('action-link-confirm').click();
    await page.locator('[data-testid="action-link-message"][data-status="done"]').waitFor();
    expect(await page.getByTestId('action-link-message').textContent()).toContain('Acknowledged 1 alert');
    await page.screenshot({ path: path.join(ARTIFACTS, 'alerting-action-link.png'), fullPage: true });
    const after = (await api('GET', '/alerting/alerts')).body.items as Array<{ name: string; acknowledgedAt: number | null }>;
    expect(after.find((a) => a.name === 'UpstreamDown')?.acknowledgedAt).not.toBeNull();

    // Opened again: used up, no button.
    await page.reload();
    await page.locator('[data-testid="action-link-message"][data-status="used"]').waitFor();
    expect(await page.getByTestId('action-link-confirm').count()).toBe(0);
    await context.close();
  });

  it("backtests the rule editor's YAML before saving and shows a line per alerting rule", { timeout: 60_000 }, async () => {
    const page = await signInPage(browser, server);
    await page.goto(`${server.url}/alerts/rules/new`);
    await waitForPage(page, 'rule-backtest-run');
    await page.getByText('6 h').click();
    await page.getByTestId('rule-backtest-run').click();
    await page.getByTestId('rule-backtest-result').waitFor();
    // The starter YAML's two alerting rules; no disk series and no checks here: neither would have fired.
    for (const rule of ['HostDiskFullSoon', 'ServiceDown']) {
      expect(await page.getByTestId(`rule-backtest-${rule}`).textContent()).toContain('0 times');
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'alerting-rule-backtest.png'), fullPage: true });
    const groups = (await api('GET', '/alert-rule-groups')).body.items as Array<{ name: string }>;
    expect(groups.map((g) => g.name)).not.toContain('my rules');
  });
});
