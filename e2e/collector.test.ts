import { existsSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { setUpAdmin } from './admin-api';
import { until } from './agent-host';
import { AGENT_BUNDLE, type AgentProcess, enrollAgent, exited, startAgentProcess } from './agent-process';
import { restartServer, startServer } from './server-process';

/*
 * A remote collector for real: `estate serve`, and the agent bundle run as `estate-agent run --collector` (the file a
 * site's collector host runs), with an HTTP check assigned to the collector. The server goes down for a while, during
 * which the target fails and recovers; the collector keeps checking, and once the server is back every run arrives
 * in order — so the check's history shows the outage's failure at the time it happened.
 */

const INTERVAL_MS = 10_000;

interface Result {
  at: number;
  status: string;
  message: string;
  conditions: { condition: string; passed: boolean }[];
}
interface StateChange {
  at: number;
  state: string;
  previous: string | null;
}

describe('remote collectors for real', () => {
  it('a collector keeps checking while the server is down and delivers every result afterwards, in order', {
    timeout: 240_000,
  }, async () => {
    expect(existsSync(AGENT_BUNDLE), 'the agent bundle (npm run build -w apps/agent; npm test builds it)').toBe(true);
    // The target, inside the "site": every request remembered with when it arrived and what it was answered.
    const requests: { at: number; status: number }[] = [];
    let answer = 200;
    const target = http.createServer((_req, res) => {
      requests.push({ at: Date.now(), status: answer });
      res.statusCode = answer;
      res.end(answer === 200 ? 'ok' : 'failing');
    });
    target.listen(0, '127.0.0.1');
    await new Promise((resolve) => target.once('listening', resolve));
    const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/health`;

    const env = { ESTATE_LOCAL_AGENT: 'false' };
    let server = await startServer(env);
    const stateDir = mkdtempSync(path.join(tmpdir(), 'estate-collector-e2e-'));
    let collector: AgentProcess | undefined;
    try {
      const admin = await setUpAdmin(server);
      const api = async <T>(method: string, url: string, body?: unknown) => {
        const response = await admin(method, url, body);
        expect(response.status, `${method} ${url}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
        return response.body as T;
      };
      const { token, serverKeyFingerprint } = await api<{ token: string; serverKeyFingerprint: string }>('POST', '/enrollment-tokens', {
        name: 'site collector',
        ttlMinutes: 10,
      });
      const enroll = enrollAgent(server.url, token, stateDir, serverKeyFingerprint);
      expect(enroll.status, enroll.stderr).toBe(0);
      const agentId = (await api<{ items: { id: string }[] }>('GET', '/agents')).items[0]?.id ?? '';
      expect(agentId).not.toBe('');

      // An HTTP check run by the collector, not by the server.
      const check = await api<{ id: string; agentId: string | null }>('POST', '/checks', {
        name: 'intranet health',
        type: 'http',
        config: { url: targetUrl },
        conditions: ['[STATUS] == 200'],
        intervalSeconds: INTERVAL_MS / 1000,
        retries: 0,
        agentId,
      });
      expect(check.agentId).toBe(agentId);
      collector = startAgentProcess(AGENT_BUNDLE, ['run', '--collector', '--state-dir', stateDir]);
      const results = () => api<{ items: Result[] }>('GET', `/checks/${check.id}/results?limit=100`).then((r) => r.items);
      await until(async () => (await results()).length >= 2, 60_000, `two results from the collector\n${collector?.output()}`);
      const first = await results();
      expect(first[0]).toMatchObject({ status: 'up', conditions: [{ condition: '[STATUS] == 200', passed: true }] });

      // The server goes away. The collector keeps checking: the target fails for a while, then recovers.
      await server.stop();
      const outageFrom = Date.now();
      answer = 503;
      await sleep(2 * INTERVAL_MS + 1_000);
      answer = 200;
      await sleep(INTERVAL_MS + 1_000);
      const outageTo = Date.now();
      const duringOutage = requests.filter((r) => r.at >= outageFrom && r.at <= outageTo);
      expect(duringOutage.length, 'the collector stopped checking while the server was down').toBeGreaterThanOrEqual(3);
      expect(duringOutage.some((r) => r.status === 503)).toBe(true);

      server = await restartServer(server, env);
      const delivered = await until(
        async () => {
          const items = await results();
          return items.filter((r) => r.at >= outageFrom && r.at <= outageTo).length >= duringOutage.length ? items : undefined;
        },
        90_000,
        `the results checked during the outage\n${collector.output()}`,
      );

      // Every request the target saw up to the last delivered result has its result, at its time, in order.
      const chronological = [...delivered].sort((a, b) => a.at - b.at);
      expect(delivered.map((r) => r.at)).toEqual([...chronological].reverse().map((r) => r.at));
      const lastAt = chronological.at(-1)!.at;
      const seen = requests.filter((r) => r.at <= lastAt + 1_000);
      expect(chronological).toHaveLength(seen.length);
      for (const [i, request] of seen.entries()) {
        const result = chronological[i]!;
        expect(Math.abs(result.at - request.at), `run ${i} was stamped ${result.at - request.at} ms from its request`).toBeLessThan(1_000);
        expect(result.status).toBe(request.status === 200 ? 'up' : 'down');
      }
      // The state machine saw them in order: down during the outage, up again before it ended.
      const history = (await api<{ items: StateChange[] }>('GET', `/checks/${check.id}/history`)).items;
      const down = history.find((h) => h.state === 'down');
      expect(down, JSON.stringify(history)).toBeDefined();
      expect(down!.at).toBeGreaterThanOrEqual(outageFrom);
      expect(down!.at).toBeLessThanOrEqual(outageTo);
      const recovered = history.find((h) => h.state === 'up' && h.previous === 'down');
      expect(recovered!.at).toBeGreaterThan(down!.at);
      expect(recovered!.at).toBeLessThanOrEqual(outageTo);
    } finally {
      collector?.kill('SIGTERM');
      if (collector) await exited(collector);
      await server.stop();
      target.close();
    }
  });
});
