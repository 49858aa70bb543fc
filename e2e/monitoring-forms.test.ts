import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTypeLabel } from '../apps/web/src/features/monitoring/check-format';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession } from './browser';
import type { ServerProcess } from './server-process';

/*
 * The check form's per-type fields in a real browser against a real server: every type's example read into its
 * fields and shown again as JSON unchanged, then a PostgreSQL check and an SNMPv3 check created through their fields,
 * the server's refusals landing on the fields they name and the secrets sent apart from the configuration.
 */

/** Chooses a check type in the form. */
async function chooseType(page: Page, type: string): Promise<void> {
  await page.getByTestId('check-type').click();
  await page.getByRole('option', { name: checkTypeLabel(type), exact: true }).click();
}

/** Scrolls to the top, so a full-page screenshot has the sticky header where it belongs. */
const scrollToTop = (page: Page) => page.locator('html').evaluate((html) => html.ownerDocument.defaultView?.scrollTo(0, 0));

/** Chooses `option` in the Select `testId`. */
async function choose(page: Page, testId: string, option: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

describe.runIf(browserTier())('monitoring: every check type edited through its own fields', () => {
  let session: BrowserSession;
  let server: ServerProcess;
  let browser: Browser;
  let api: AdminApi;
  let page: Page;

  beforeAll(async () => {
    session = await startBrowserSession();
    ({ server, browser } = session);
    api = await setUpAdmin(server);
    page = await signInPage(browser, server);
  }, 90_000);

  afterAll(async () => {
    await session?.close();
  });

  it('starts each type from the example the server serves and shows it as JSON unchanged', { timeout: 90_000 }, async () => {
    const types = (await api('GET', '/check-types')).body.items as { type: string; example: Record<string, unknown> }[];
    await page.goto(`${server.url}/checks/new`);
    await page.getByTestId('check-form').waitFor();
    const typed = types.filter((t) => t.type !== 'http' && t.type !== 'tcp');
    expect(typed.length).toBeGreaterThanOrEqual(18);
    for (const { type, example } of typed) {
      await chooseType(page, type);
      // Fields, not the JSON editor, edit it; the JSON they make is the example itself.
      expect(await page.getByTestId('check-config-json').count()).toBe(0);
      // The settings section of each type, for people to look at.
      await page.getByTestId('check-form').screenshot({ path: path.join(ARTIFACTS, `84-check-fields-${type}-desktop-light.png`) });
      await page.getByTestId('check-toggle-json').click();
      expect([type, JSON.parse(await page.getByTestId('check-config-json').inputValue())]).toEqual([type, example]);
      await page.getByTestId('check-toggle-json').click();
      await page.getByTestId('check-config-json').waitFor({ state: 'detached' });
    }
  });

  it('creates a PostgreSQL check through its fields: tested, saved with the password as a secret, read back', {
    timeout: 60_000,
  }, async () => {
    await page.goto(`${server.url}/checks/new`);
    await page.getByTestId('check-name').fill('Orders database');
    await chooseType(page, 'postgres');
    expect(await page.getByTestId('check-postgres-database').inputValue()).toBe('postgres');
    expect(await page.getByTestId('check-postgres-user').inputValue()).toBe('monitor');
    // Required fields left blank are named on the client, nothing sent.
    await page.getByTestId('check-postgres-database').fill('');
    await page.getByTestId('check-submit').click();
    await page.locator('[data-testid="check-postgres-database"][aria-invalid="true"]').waitFor();
    expect(await page.getByTestId('check-form').textContent()).toContain('Enter the database to connect to');

    // Port 1 on this machine: nothing listens, so the run is down for the connection, not for the configuration.
    await page.getByTestId('check-postgres-host').fill('127.0.0.1');
    await page.getByTestId('check-postgres-port').fill('1');
    await page.getByTestId('check-postgres-database').fill('orders');
    await page.getByTestId('check-postgres-user').fill('probe');
    await page.getByTestId('check-postgres-query').fill('select count(*) from pending_jobs');
    await choose(page, 'check-postgres-tls', 'On, unverified');
    await page.getByTestId('check-secret-password').fill('orders-probe-password');
    await page.getByTestId('check-test').click();
    const tested = page.getByTestId('test-result');
    await tested.waitFor();
    expect(await tested.getAttribute('data-status')).toBe('down');
    expect(await tested.getByTestId('result-message').textContent()).toMatch(/refused|127\.0\.0\.1:1/);
    await scrollToTop(page);
    await page.screenshot({ path: path.join(ARTIFACTS, '81-check-postgres-fields-desktop-light.png'), fullPage: true });

    await page.getByTestId('check-submit').click();
    await page.waitForURL(/\/checks\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop() as string;
    const saved = (await api('GET', `/checks/${id}`)).body;
    expect(saved).toMatchObject({
      type: 'postgres',
      config: { host: '127.0.0.1', port: 1, database: 'orders', user: 'probe', query: 'select count(*) from pending_jobs', tls: 'require' },
      secretNames: ['password'],
    });
    expect(JSON.stringify(saved)).not.toContain('orders-probe-password');

    await page.getByTestId('check-edit').click();
    expect(await page.getByTestId('check-postgres-database').inputValue()).toBe('orders');
    expect(await page.getByTestId('check-postgres-tls').inputValue()).toBe('On, unverified');
    expect(await page.getByTestId('check-secret-password').getAttribute('placeholder')).toContain('stored');
  });

  it('creates an SNMPv3 check that walks a subtree: the missing privacy key lands on its field, the keys are sealed', {
    timeout: 60_000,
  }, async () => {
    await page.goto(`${server.url}/checks/new`);
    await page.getByTestId('check-name').fill('Core switch ports');
    await chooseType(page, 'snmp');
    // The example's v2c community is a secret; a v3 user has keys instead.
    await page.getByTestId('check-secret-community').waitFor();
    await choose(page, 'check-snmp-login', 'v3 user');
    expect(await page.getByTestId('check-secret-community').count()).toBe(0);
    await page.getByTestId('check-snmp-host').fill('192.0.2.1');
    await page.getByTestId('check-snmp-user').fill('monitor');
    expect(await page.getByTestId('check-snmp-security-level').inputValue()).toBe('authPriv');
    await choose(page, 'check-snmp-auth-protocol', 'SHA-256');
    await choose(page, 'check-snmp-priv-protocol', 'AES-128');
    await page.getByTestId('check-snmp-reads').getByText('A subtree (walk)').click();
    await page.getByTestId('check-snmp-walk').fill('1.3.6.1.2.1.2.2.1.8');
    await page.getByTestId('check-snmp-walk-name').fill('ifOperStatus');
    await page.getByTestId('check-secret-authKey').fill('auth-key-of-monitor');
    // No privacy key at authPriv: the server's 400 names secrets.privKey, shown on that field.
    await page.getByTestId('check-submit').click();
    // A PasswordInput marks its inner input data-invalid rather than aria-invalid.
    await page.locator('[data-testid="check-secret-privKey"][data-invalid="true"]').waitFor();
    expect(await page.getByTestId('check-form').textContent()).toContain('is required at security level authPriv');
    await page.getByTestId('check-secret-privKey').fill('priv-key-of-monitor');
    await scrollToTop(page);
    await page.screenshot({ path: path.join(ARTIFACTS, '82-check-snmp-v3-fields-desktop-light.png'), fullPage: true });
    await page.getByTestId('check-submit').click();
    await page.waitForURL(/\/checks\/[0-9a-f-]{36}$/);
    const id = page.url().split('/').pop() as string;
    const saved = (await api('GET', `/checks/${id}`)).body;
    expect(saved).toMatchObject({ type: 'snmp', secretNames: ['authKey', 'privKey'] });
    expect(saved.config).toEqual({
      host: '192.0.2.1',
      version: 'v3',
      user: 'monitor',
      securityLevel: 'authPriv',
      authProtocol: 'sha256',
      privProtocol: 'aes',
      walk: { oid: '1.3.6.1.2.1.2.2.1.8', name: 'ifOperStatus' },
    });
    expect(JSON.stringify(saved)).not.toMatch(/key-of-monitor/);

    await page.getByTestId('check-edit').click();
    expect(await page.getByTestId('check-snmp-walk-name').inputValue()).toBe('ifOperStatus');
    expect(await page.getByTestId('check-snmp-auth-protocol').inputValue()).toBe('SHA-256');
    expect(await page.getByTestId('check-secret-privKey').getAttribute('placeholder')).toContain('stored');
  });

  it('an SNMP interface check logs in with a stored discovery credential chosen by name', async () => {
    await api('POST', '/discovery/snmp-credentials', { name: 'campus', snmpVersion: 'v2c', community: 'campus-community' });
    await page.goto(`${server.url}/checks/new`);
    await page.getByTestId('check-name').fill('Access switch uplinks');
    await chooseType(page, 'snmp-interfaces');
    expect(await page.getByTestId('check-snmp-interfaces-interfaces').inputValue()).toBe('Gi*');
    await choose(page, 'check-snmp-interfaces-login', 'Stored credential');
    await choose(page, 'check-snmp-interfaces-credential', 'campus (v2c)');
    // The credential holds the secrets: none is asked for.
    expect(await page.locator('[data-testid^="check-secret-"]').count()).toBe(0);
    await page.getByTestId('check-snmp-interfaces-interfaces').fill('Gi1/0/49\nGi1/0/50');
    await scrollToTop(page);
    await page.screenshot({ path: path.join(ARTIFACTS, '83-check-snmp-interfaces-credential-desktop-light.png'), fullPage: true });
    await page.getByTestId('check-submit').click();
    await page.waitForURL(/\/checks\/[0-9a-f-]{36}$/);
    const saved = (await api('GET', `/checks/${page.url().split('/').pop()}`)).body;
    expect(saved.config).toEqual({ host: 'switch1.example.org', credentialId: expect.any(String), interfaces: ['Gi1/0/49', 'Gi1/0/50'] });
    expect(saved.secretNames).toEqual([]);
  });
});
