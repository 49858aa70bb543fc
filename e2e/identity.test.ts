import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession } from './browser';
import type { ServerProcess } from './server-process';

const STATE = path.resolve(import.meta.dirname, '../apps/server/src/modules/discovery/terraform/fixtures/aws-prod.serial-17.tfstate');

describe.runIf(browserTier())('one identity per thing in a real browser', () => {
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

  it('previews and imports a Terraform state, then merges two records of one server', async () => {
    const admin = await setUpAdmin(server);
    const create = async (body: unknown) => (await admin('POST', '/cis', body)).body.id as string;

    const page = await signInPage(browser, server);

    // Terraform: a dry run shows what would happen and writes nothing; the import then lands in the history.
    await page.getByTestId('nav-terraform-imports').click();
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'terraform.tfstate', mimeType: 'application/json', buffer: readFileSync(STATE) });
    await page.getByTestId('terraform-dry-run').click();
    await expect.poll(() => page.getByTestId('terraform-counts').textContent()).toContain('15 to create');
    const history = page.getByTestId('terraform-history');
    await history.getByTestId('table-empty').waitFor();
    expect(await history.getByTestId('terraform-history-row').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'identity-01-terraform-dry-run.png') });
    await page.getByTestId('terraform-import').click();
    await expect.poll(() => history.getByTestId('terraform-history-row').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('terraform-resources').textContent()).toContain('web-2');

    // Two records of one server, and the suggestion discovery would have made for them.
    const keep = await create({ type: 'physical_server', name: 'db-01', serial: 'SN-1' });
    const other = await create({ type: 'physical_server', name: 'db-01-old', manufacturer: 'Dell Inc.' });
    const store = new Database(path.join(server.dataDir, 'estate.db'));
    store.pragma('busy_timeout = 5000');
    store
      .prepare(
        `insert into merge_suggestions (id, ci_id, other_ci_id, reason, details, status, source, created_at)
         values ('0190a000-0000-7000-8000-00000000e2e1', ?, ?, 'same MAC address 52:54:00:aa:00:01', '{}', 'open', 'scan', ?)`,
      )
      .run(other, keep, Date.now());
    // What an SNMP scan saw of the other record, as discovery stores it: its interfaces and a fact a server cannot hold.
    store
      .prepare(
        `insert into ci_interfaces (ci_id, source, name, kind, mac, addresses, speed_mbps, admin_up, oper_up, seen_at)
         values (?, 'scan', 'eno1', 'physical', '52:54:00:aa:00:01', '["10.0.0.5/24"]', 1000, 1, 1, ?),
                (?, 'scan', 'docker0', 'physical', '02:42:ac:11:00:01', '["172.17.0.1/16"]', null, 1, 0, ?)`,
      )
      .run(other, Date.now(), other, Date.now());
    store
      .prepare(
        `insert into ci_observed_facts (ci_id, key, source, value, observer, reason, seen_at)
         values (?, 'sysLocation', 'scan', '"Rack 4, row B"', 'scan Office', 'a physical_server has no attribute sysLocation', ?)`,
      )
      .run(other, Date.now());
    store.close();

    await page.getByTestId('nav-merge-suggestions').click();
    await page.getByTestId('merge-review').click();
    await page.getByTestId('merge-compare').waitFor();
    expect(await page.getByTestId('merge-compare').locator('tr[data-differs]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'identity-02-merge-review.png') });
    await page.getByTestId('merge-start').click();
    await expect.poll(() => page.getByTestId('merge-confirm-text').textContent()).toContain('db-01-old will be deleted');
    await page.getByTestId('merge-confirm').click();
    await page.getByTestId('merge-empty').waitFor();

    expect((await admin('GET', `/cis/${keep}`)).body.manufacturer).toBe('Dell Inc.');
    await expect(admin('GET', `/cis/${other}`)).rejects.toThrow(/→ 404/);

    // The kept server's page shows the facts and interfaces the merged record brought, and has a Software tab.
    await page.goto(`${server.url}/inventory/${keep}`);
    await expect.poll(() => page.getByTestId('observed-facts').textContent()).toContain('Rack 4, row B');
    await page.getByTestId('tab-interfaces').click();
    await page.getByTestId('interfaces-table').waitFor();
    await expect.poll(() => page.getByTestId('interfaces-table').textContent()).toContain('52:54:00:aa:00:01');
    expect(await page.getByTestId('interface-row').count()).toBe(2);
    await page.screenshot({ path: path.join(ARTIFACTS, 'identity-03-ci-interfaces.png') });
    await page.getByTestId('tab-software').click();
    await page.getByTestId('software-empty').waitFor();
  });
});
