import path from 'node:path';
import type { RunningAgent } from '@estate/agent';
import type { Config, RunningServer } from '@estate/server';

/** A logger the agent accepts, writing through the server's own (pino) logger. */
interface Logger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Runs an agent for this machine inside the `estate serve` process, so a fresh install shows its own host: on first
 * start it creates a short-lived enrollment token through the agents module (no HTTP, no user), enrolls over
 * loopback with its own key pair under `<data dir>/agent`, then starts reporting like any other agent. A store that
 * no longer knows the enrolled agent (a reset database) gets a fresh enrollment. Failures are logged and leave the
 * server running; answers null when the option is off or the process does not serve everything. The enrolled agent
 * is marked as the server's own (`local`); with the option off, no agent is.
 */
export async function startLocalAgent(config: Config, running: RunningServer): Promise<RunningAgent | null> {
  if (config.role !== 'all') return null;
  const ctx = { actor: { type: 'system' as const, id: null, label: 'local agent' }, requestId: null, sourceIp: null };
  if (!config.localAgent) {
    // No local agent runs: the one that ran before is no longer the server's own, so it may be revoked.
    await running.estate.agents.agents.markLocal(null, ctx).catch(() => undefined);
    return null;
  }
  const { enrollAgent, isEnrolled, loadIdentity, startAgent } = await import('@estate/agent');
  const logger = running.estate.logger as unknown as Logger;
  const log = {
    info: (msg: string) => logger.info({ component: 'local-agent' }, msg),
    warn: (msg: string) => logger.warn({ component: 'local-agent' }, msg),
    error: (msg: string) => logger.error({ component: 'local-agent' }, msg),
  };
  const stateDir = path.join(config.dataDir, 'agent');
  const address = running.estate.http.server.address();
  if (typeof address !== 'object' || address === null) return null;
  const loopback = address.family === 'IPv6' || address.address.includes(':') ? '[::1]' : '127.0.0.1';
  const host = ['0.0.0.0', '::'].includes(address.address)
    ? loopback
    : address.address.includes(':')
      ? `[${address.address}]`
      : address.address;
  const serverUrl = `http://${host}:${address.port}`;
  try {
    const enrolled = isEnrolled(stateDir) ? loadIdentity(stateDir) : null;
    const known =
      enrolled !== null &&
      enrolled.serverUrl === serverUrl &&
      (await running.estate.agents.agents.get(enrolled.agentId).then(
        () => true,
        () => false,
      ));
    if (!known) {
      const created = await running.estate.agents.tokens.create({ name: 'local agent', ttlMinutes: 5 }, null, ctx);
      await enrollAgent({ serverUrl, token: created.token, stateDir, force: true, expectServerFingerprint: created.serverKeyFingerprint });
    }
    // Marked as the server's own agent, so the Agents page says "This server" and the API refuses to revoke it.
    await running.estate.agents.agents.markLocal(loadIdentity(stateDir).agentId, ctx);
    return await startAgent({ stateDir, log });
  } catch (err) {
    log.warn(`the local agent did not start: ${(err as Error).message}`);
    return null;
  }
}
