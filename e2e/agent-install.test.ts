import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNamespace,
  freeSubnet,
  type Namespace,
  peersTier,
  requirePeers,
  scratchDir,
  startPeer,
} from '../apps/server/src/modules/discovery/scan/engine/peers.test-support';
import { type AdminApi, setUpAdmin, signInPage } from './admin-api';
import { hostScript, installCommandFromDialog, HOST_PATH as PATH, until } from './agent-host';
import { ARTIFACTS, browserTier, CHROMIUM } from './browser';
import { launchChromium } from './isolated-chromium';
import { type ServerProcess, startServer } from './server-process';

/*
 * A second host installs and enrolls the agent with exactly the command the enroll dialog shows. The "host" is a
 * network namespace joined to this machine by a veth pair, with its own mount and UTS namespaces: /usr/local,
 * /etc/systemd/system and /var/lib are empty tmpfs there, its host name and machine id are its own, and systemctl is
 * /bin/true (no systemd runs in a namespace), so the command runs unchanged and touches nothing of this machine. The
 * unit's ExecStart is then run as systemd would. The server listens on the veth address the browser opens it at, so
 * the command carries the address the host reaches it by.
 */

const tier = browserTier() && peersTier(['ip']);

describe.runIf(tier)('installing the agent on a second host from the enroll dialog', () => {
  let ns: Namespace;
  let server: ServerProcess;
  let browser: Browser;
  let scratch: ReturnType<typeof scratchDir>;
  let hostUrl: string;
  let tamperer: Server | undefined;
  let admin: AdminApi;
  const cleanups: Array<() => void> = [];

  beforeAll(async () => {
    requirePeers(['ip']);
    const subnet = freeSubnet(214);
    ns = createNamespace({ hostAddress: `${subnet}.1/24`, innerAddress: `${subnet}.2/24` });
    scratch = scratchDir();
    server = await startServer({ ESTATE_HOST: '0.0.0.0', ESTATE_AGENT_METRICS_SECONDS: '5' });
    hostUrl = `http://${subnet}.1:${new URL(server.url).port}`;
    mkdirSync(ARTIFACTS, { recursive: true });
    admin = await setUpAdmin(server);
    browser = await launchChromium(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run']);
  }, 90_000);

  afterAll(async () => {
    for (const cleanup of cleanups) cleanup();
    await browser?.close();
    tamperer?.close();
    await server?.stop();
    ns?.cleanup();
    scratch?.cleanup();
  });

  it('refuses a tampered download: the checksum in the command fails, nothing is installed, the token stays unused', async () => {
    const page = await signInPage(browser, { ...server, url: hostUrl });
    const command = await installCommandFromDialog(page, 'tampered host');
    await page.getByTestId('enrollment-token-done').click();

    // A server (or a proxy on the way) that hands out a modified bundle at the URL the command downloads from.
    const bundleUrl = `${hostUrl}/api/v1/agent/download/estate-agent.mjs`;
    expect(command).toContain(bundleUrl);
    tamperer = createServer(async (_req, res) => {
      const genuine = Buffer.from(await (await fetch(`${server.url}/api/v1/agent/download/estate-agent.mjs`)).arrayBuffer());
      res.end(Buffer.concat([genuine, Buffer.from('\nrequire("child_process").execSync("touch /tmp/owned");\n')]));
    });
    const hostAddress = new URL(hostUrl).hostname;
    await new Promise<void>((resolve) => tamperer?.listen(0, hostAddress, resolve));
    const port = (tamperer.address() as { port: number }).port;
    const tampered = command.replace(bundleUrl, `http://${hostAddress}:${port}/estate-agent.mjs`);

    const script = hostScript(scratch.dir, 'tampered-host', false);
    // Asynchronously: the tampering server above answers from this process.
    const result = await new Promise<{ status: number; out: string }>((resolve) => {
      execFile(
        '/usr/sbin/ip',
        [
          'netns',
          'exec',
          ns.name,
          'env',
          `PATH=${PATH}`,
          `ESTATE_INSTALL_COMMAND=${tampered}`,
          'unshare',
          '--mount',
          '--uts',
          'sh',
          script,
        ],
        { timeout: 60_000 },
        (err, stdout, stderr) => resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
      );
    });
    expect(result.status, result.out).not.toBe(0);
    expect(result.out).toContain('FAILED');
    expect(result.out).toContain('bundle: absent');
    const tokens = (await admin('GET', '/enrollment-tokens')).body.items as Array<{ name: string; status: string }>;
    expect(tokens.find((t) => t.name === 'tampered host')?.status).toBe('unused');
  }, 120_000);

  it('installs, enrolls and runs the agent with the command the dialog shows', async () => {
    const page = await signInPage(browser, { ...server, url: hostUrl });
    const command = await installCommandFromDialog(page, 'second host');
    // Opened at the veth address, the page has no loopback warning: this is the address the host reaches.
    expect(await page.getByTestId('agent-install-loopback').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, '22-install-command.png') });
    await page.getByTestId('enrollment-token-done').click();

    const hostname = `ns-host-${randomBytes(2).toString('hex')}`;
    const script = hostScript(scratch.dir, hostname, true);
    const host = await startPeer(
      '/usr/sbin/ip',
      ['netns', 'exec', ns.name, 'unshare', '--mount', '--uts', 'sh', script],
      /--- running ExecStart/,
      90_000,
      {
        PATH,
        ESTATE_INSTALL_COMMAND: command,
      },
    );
    cleanups.push(() => host.stop());
    const out = host.output();
    expect(out).toContain('estate-agent.mjs: OK');
    expect(out).toContain('bundle: installed');
    expect(out).toMatch(/Enrolled as agent \S+ \(active\)/);
    expect(out).toMatch(
      /^ExecStart=\S*node --lite-mode \/usr\/local\/lib\/estate-agent\/estate-agent\.mjs run --state-dir \/var\/lib\/estate-agent$/m,
    );

    // The unit's agent reports: the host is active, online and bound to its CI, from the namespace's address.
    const agent = await until(
      async () =>
        (
          (await admin('GET', '/agents')).body.items as Array<{
            hostname: string;
            online: boolean;
            ciId: string | null;
            lastAddress: string;
          }>
        ).find((a) => a.hostname === hostname && a.online && a.ciId !== null),
      90_000,
      `${hostname} to report its inventory`,
    ).catch((err) => {
      throw new Error(`${(err as Error).message}\n${host.output()}`);
    });
    expect(agent.lastAddress).toBe(`${new URL(hostUrl).hostname.replace(/\.1$/, '.2')}`);
    await page.reload();
    const row = page.getByTestId('agent-row').filter({ hasText: hostname });
    await row.getByTestId('agent-online').filter({ hasText: 'online' }).waitFor();
    // The server's own agent is marked, and cannot be revoked from here.
    const local = page.getByTestId('agent-row').filter({ has: page.getByTestId('agent-local') });
    await local.waitFor();
    await expect(local.getByTestId('revoke-agent-local').isDisabled()).resolves.toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, '23-agents-second-host.png'), fullPage: true });
  }, 180_000);
});
