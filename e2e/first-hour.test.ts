import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNamespace,
  freeSubnet,
  type Namespace,
  type Peer,
  peersTier,
  requirePeers,
  scratchDir,
  startPeer,
} from '../apps/server/src/modules/discovery/scan/engine/peers.test-support';
import { ADMIN } from './admin-api';
import { HOST_PATH, hostScript, installCommandFromDialog, until } from './agent-host';
import { ARTIFACTS, browserTier, CHROMIUM, isMachineNoise, waitForPage } from './browser';
import { launchChromium } from './isolated-chromium';
import { freePort, type ServerProcess, startServer } from './server-process';

/*
 * A newcomer's first hour, in one walk through the real parts: `estate serve` as `npm start` runs it (with its local
 * agent), the setup link it prints last, the inventory with this machine, this machine's CI page without raw JSON,
 * and a second host (a network namespace) enrolled with exactly the command the enroll dialog shows. The server's
 * public URL is its address on the veth link, so the link in the console and the command in the dialog are both what
 * the second host can reach. Screenshots go to e2e/artifacts/3x-*.png.
 */

const tier = browserTier() && peersTier(['ip']);

describe.runIf(tier)('the first hour', () => {
  let ns: Namespace;
  let server: ServerProcess;
  let browser: Browser;
  let scratch: ReturnType<typeof scratchDir>;
  let publicUrl: string;
  let secondHost: Peer | undefined;

  beforeAll(async () => {
    requirePeers(['ip']);
    const subnet = freeSubnet(215);
    ns = createNamespace({ hostAddress: `${subnet}.1/24`, innerAddress: `${subnet}.2/24` });
    scratch = scratchDir();
    const port = await freePort();
    publicUrl = `http://${subnet}.1:${port}`;
    server = await startServer({
      ESTATE_HOST: '0.0.0.0',
      ESTATE_PORT: String(port),
      ESTATE_PUBLIC_URL: publicUrl,
      ESTATE_AGENT_METRICS_SECONDS: '5',
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launchChromium(CHROMIUM, [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
    ]);
  }, 90_000);

  afterAll(async () => {
    secondHost?.stop();
    await browser?.close();
    await server?.stop();
    ns?.cleanup();
    scratch?.cleanup();
  });

  it('starts, sets up from the console link, shows this machine without raw JSON, and enrolls a second host from the dialog', async () => {
    const problems: string[] = [];
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error' && !isMachineNoise(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
    });

    // 1. The console: the setup link is among the last lines printed, on the public address.
    expect(server.setupUrl.startsWith(`${publicUrl}/setup?token=`)).toBe(true);
    expect(server.output().trim().split('\n').slice(-8).join('\n')).toContain(server.setupUrl);
    expect(server.output()).not.toMatch(/"msg":"incoming request"/);

    // 2. Setup from that link: the token is filled in; the first admin lands on the estate at a glance.
    await page.goto(server.setupUrl);
    await page.getByTestId('setup-form').waitFor();
    expect(await page.getByTestId('setup-token').inputValue()).toBe(server.setupToken);
    await page.getByTestId('setup-email').fill(ADMIN.email);
    await page.getByTestId('setup-name').fill(ADMIN.name);
    await page.getByTestId('setup-password').fill(ADMIN.password);
    await page.getByTestId('setup-confirm').fill(ADMIN.password);
    await page.getByTestId('setup-submit').click();
    await page.waitForURL(`${publicUrl}/`);
    await page.locator('[data-testid="home-hosts"], [data-testid="home-empty"]').first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '30-first-hour-setup-done.png') });
    await page.getByTestId('nav-inventory').click();
    await page.waitForURL(`${publicUrl}/inventory`);

    // 3. The inventory lists this machine, reported by the server's own agent.
    const thisMachine = page.getByTestId('ci-row').first();
    await until(
      async () => {
        await page.reload();
        await page.getByTestId('inventory-search').waitFor();
        return (await page.getByTestId('ci-row').count()) > 0;
      },
      60_000,
      'this machine in the inventory',
      1_000,
    );
    await page.screenshot({ path: path.join(ARTIFACTS, '31-first-hour-inventory.png') });

    // 4. Its CI page: structured facts as tables, no raw JSON anywhere a person reads.
    await thisMachine.getByRole('link').first().click();
    await waitForPage(page, 'ci-attributes');
    expect(await page.getByTestId('ci-structure-filesystems-row').count()).toBeGreaterThan(0);
    expect(await page.locator('main').textContent()).not.toContain('{"');
    await page.screenshot({ path: path.join(ARTIFACTS, '32-first-hour-this-machine.png'), fullPage: true });

    // 5. A second host: the command from the enroll dialog, run unchanged on it.
    const command = await installCommandFromDialog(page, 'second host');
    expect(command).toContain(publicUrl);
    expect(await page.getByTestId('agent-install-loopback').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, '33-first-hour-install-command.png') });
    await page.getByTestId('enrollment-token-done').click();
    const hostname = `second-${randomBytes(2).toString('hex')}`;
    secondHost = await startPeer(
      '/usr/sbin/ip',
      ['netns', 'exec', ns.name, 'unshare', '--mount', '--uts', 'sh', hostScript(scratch.dir, hostname, true)],
      /--- running ExecStart/,
      90_000,
      { PATH: HOST_PATH, ESTATE_INSTALL_COMMAND: command },
    );
    expect(secondHost.output()).toContain('estate-agent.mjs: OK');

    // 6. It shows up online on the Agents page, and as a second host in the inventory.
    const row = page.getByTestId('agent-row').filter({ hasText: hostname });
    await until(
      async () => {
        await page.reload();
        await page.getByTestId('agents-table').waitFor();
        return (await row.getByTestId('agent-online').filter({ hasText: 'online' }).count()) > 0;
      },
      90_000,
      `${hostname} online`,
      1_000,
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\n${secondHost?.output()}`);
    });
    // Its first inventory report binds it to a CI of its own, linked from its row; the CI page shows the host.
    const ciLink = row.getByRole('link');
    await until(
      async () => {
        await page.reload();
        await page.getByTestId('agents-table').waitFor();
        return (await ciLink.count()) > 0;
      },
      120_000,
      `${hostname} bound to its CI`,
      1_000,
    );
    await ciLink.click();
    await waitForPage(page, 'ci-attributes');
    expect(await page.getByTestId('ci-title').textContent()).toContain(hostname);
    expect(await page.locator('main').textContent()).not.toContain('{"');
    await page.getByTestId('nav-inventory').click();
    await page.getByTestId('ci-row').filter({ hasText: hostname }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '34-first-hour-inventory-two-hosts.png') });
    expect(problems, 'no console errors or failed requests in the whole walk').toEqual([]);
  }, 300_000);
});
