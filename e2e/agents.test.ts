import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import path from 'node:path';
import { AGENT_HEADERS, agentSigningPayload } from '@estate/contract';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUpAdmin, signInPage } from './admin-api';
import { ARTIFACTS, type BrowserSession, browserTier, startBrowserSession } from './browser';
import type { ServerProcess } from './server-process';

/** A host agent reduced to enrollment and one signed request, over real HTTP. */
function hostAgent(server: ServerProcess) {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  let agentId = '';
  return {
    /** Enrolls and answers the fingerprint of the server key the answer carried. */
    async enroll(token: string): Promise<string> {
      const res = await fetch(`${server.url}/api/v1/agent/enroll`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          token,
          publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          hostname: 'e2e-host',
          version: '0.1.0',
          os: 'Debian GNU/Linux 12',
        }),
      });
      expect(res.status).toBe(201);
      const body = (await res.json()) as { agentId: string; serverKey: string };
      agentId = body.agentId;
      return createHash('sha256')
        .update(createPublicKey(body.serverKey).export({ type: 'spki', format: 'der' }))
        .digest('hex');
    },
    async heartbeat(): Promise<number> {
      const timestamp = String(Date.now());
      const nonce = randomBytes(16).toString('base64url');
      const path = '/api/v1/agent/config';
      const bodySha256 = createHash('sha256').update('').digest('hex');
      const signature = sign(null, Buffer.from(agentSigningPayload({ method: 'GET', path, timestamp, nonce, bodySha256 })), privateKey);
      const res = await fetch(`${server.url}${path}`, {
        headers: {
          [AGENT_HEADERS.agent]: agentId,
          [AGENT_HEADERS.timestamp]: timestamp,
          [AGENT_HEADERS.nonce]: nonce,
          [AGENT_HEADERS.signature]: signature.toString('base64url'),
        },
      });
      return res.status;
    },
  };
}

describe.runIf(browserTier())('enrolling and revoking a host agent in a real browser', () => {
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

  it('creates an enrollment token, shows the enroll command once, lists the enrolled agent online, and revokes it', async () => {
    await setUpAdmin(server);

    const page = await signInPage(browser, server);

    await page.getByTestId('nav-agents').click();
    await page.getByTestId('agents-table').waitFor();
    await page.getByTestId('create-enrollment-token').click();
    await page.getByTestId('enrollment-token-name').fill('e2e host');
    await page.getByTestId('create-enrollment-token-submit').click();
    const command = (await page.getByTestId('enrollment-command').textContent()) ?? '';
    const parts = new RegExp(
      `^estate-agent enroll --server ${server.url} --token (estate-enroll-[A-Za-z0-9_-]{43}) --server-fingerprint ([0-9a-f]{64})$`,
    ).exec(command);
    expect(parts, command).not.toBeNull();
    await page.screenshot({ path: path.join(ARTIFACTS, '20-enrollment-command.png') });
    await page.getByTestId('enrollment-token-done').click();
    // `estate serve` enrolled its local agent with a token of its own: look at this test's token only.
    const tokenRow = page.getByTestId('enrollment-token-row').filter({ hasText: 'e2e host' });
    await tokenRow.getByTestId('enrollment-token-status').filter({ hasText: 'unused' }).waitFor();

    const agent = hostAgent(server);
    // The fingerprint in the command is the key the server presents at enrollment.
    expect(await agent.enroll(parts?.[1] as string)).toBe(parts?.[2]);
    expect(await agent.heartbeat()).toBe(200);

    await page.reload();
    const row = page.getByTestId('agent-row').filter({ hasText: 'e2e-host' });
    await row.getByTestId('agent-online').filter({ hasText: 'online' }).waitFor();
    await tokenRow
      .getByTestId('enrollment-token-status')
      .filter({ hasText: /^used$/ })
      .waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, '21-agents.png') });

    await row.getByTestId('revoke-agent').click();
    await page.getByTestId('confirm-action').click();
    await row.getByTestId('agent-status').filter({ hasText: 'revoked' }).waitFor();
    expect(await agent.heartbeat()).toBe(403);
  }, 120_000);
});
