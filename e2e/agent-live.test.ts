import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { setUpAdmin } from './admin-api';
import { until } from './agent-host';
import { AGENT_SOURCES, type AgentProcess, enrollAgent, exited, startAgentProcess } from './agent-process';
import { restartServer, startServer } from './server-process';

/*
 * The agent run for real on this machine against the real server: `estate serve`'s local agent, and a separate
 * `estate-agent` process through enrollment, an outage, a kill -9 and a restart. Sample rows are read straight from
 * the server's SQLite store, since metrics have no read API before the monitoring issue.
 */

interface AgentRow {
  id: string;
  hostname: string;
  status: string;
  online: boolean;
  ciId: string | null;
}

/** Times of the metric samples the server holds for one agent's CPU series (`cpu.usage`, stored under its Estate name). */
/**
 * The times of an agent's CPU samples, asked of the server as a user would, through PromQL: the store keeps its newest
 * samples in its write-ahead log until a checkpoint, so another process reading the chunk table would miss them.
 */
async function sampleTimes(api: { get: <T>(url: string) => Promise<T> }, agentId: string): Promise<number[]> {
  const query = encodeURIComponent(`estate_host_cpu_utilisation_ratio{agent_id="${agentId}"}[1h]`);
  const answer = await api.get<{ data: { result: Array<{ values: Array<[number, string]> }> } }>(`/query?query=${query}`);
  return (answer.data.result[0]?.values ?? []).map(([t]) => Math.round(t * 1000));
}

describe('host agents for real', () => {
  it('estate serve reports this machine through its local agent: one CI with agent provenance and its packages', {
    timeout: 180_000,
  }, async () => {
    const server = await startServer({ ESTATE_AGENT_METRICS_SECONDS: '5' });
    try {
      const admin = await setUpAdmin(server);
      const api = {
        get: async <T>(url: string) => (await admin('GET', url)).body as T,
        post: async <T>(url: string, body: unknown) => (await admin('POST', url, body)).body as T,
      };
      const agent = await until(
        async () => (await api.get<{ items: AgentRow[] }>('/agents')).items.find((a) => a.ciId !== null),
        90_000,
        'the local agent to report its inventory',
      );
      expect(agent).toMatchObject({ status: 'active', online: true, hostname: os.hostname() });
      const ci = await api.get<{
        type: string;
        name: string;
        attributes: Record<string, unknown>;
        provenance: Record<string, { source: string }>;
      }>(`/cis/${agent.ciId}`);
      // This machine may be bare metal, a VM or (as on CI) a container; the agent tells which.
      expect(['physical_server', 'virtual_machine', 'container']).toContain(ci.type);
      expect(ci.name).toBe(os.hostname());
      // Containers keep host attributes too: a host in a container has CPUs, memory, disks and ports like any other.
      expect(ci.attributes.hostname).toBe(os.hostname());
      expect(ci.provenance['attributes.memoryGb']?.source).toBe('agent');
      expect(ci.attributes.architecture).toEqual(os.machine() === 'x86_64' ? 'x86_64' : expect.any(String));
      expect(ci.attributes.bootedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      // Services are listed, or the agent says why they cannot be (no systemd in a container).
      expect(Array.isArray(ci.attributes.services) || typeof ci.attributes.servicesUnavailable === 'string').toBe(true);
      const software = await api.get<{ items: Array<{ name: string; version: string }> }>(`/cis/${agent.ciId}/software?name=bash`);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax.
      const bash = spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'bash'], { encoding: 'utf8' });
      expect(software.items.find((s) => s.name === 'bash')?.version).toBe(bash.stdout);

      // Its metrics land in the metric store under node_exporter's names and answer PromQL over Prometheus' API.
      type Vector = {
        status: string;
        data: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
      };
      const query = encodeURIComponent(`node_load1{ci_id="${agent.ciId}"}`);
      const load = await until(
        async () => {
          const answer = await api.get<Vector>(`/query?query=${query}`);
          return answer.data.result.length > 0 ? answer : undefined;
        },
        60_000,
        'node_load1 of this machine through PromQL',
      );
      expect(load.status).toBe('success');
      expect(load.data.result[0]?.metric).toMatchObject({ instance: os.hostname(), job: 'estate-agent', ci_id: agent.ciId });
      // A load average: a finite number, not NaN or a string the store mangled.
      expect(Number.isFinite(Number(load.data.result[0]?.value[1]))).toBe(true);
      expect(Number(load.data.result[0]?.value[1])).toBeGreaterThanOrEqual(0);
    } finally {
      await server.stop();
    }
  });

  it('an estate-agent process enrolls, buffers while the server is down, survives kill -9 and delivers what it buffered', {
    timeout: 300_000,
  }, async () => {
    const env = { ESTATE_AGENT_METRICS_SECONDS: '5', ESTATE_LOCAL_AGENT: 'false' };
    let server = await startServer(env);
    const stateDir = mkdtempSync(path.join(tmpdir(), 'estate-agent-e2e-'));
    let agent: AgentProcess | undefined;
    try {
      const admin = await setUpAdmin(server);
      const api = {
        get: async <T>(url: string) => (await admin('GET', url)).body as T,
        post: async <T>(url: string, body: unknown) => (await admin('POST', url, body)).body as T,
      };
      const { token, serverKeyFingerprint } = await api.post<{ token: string; serverKeyFingerprint: string }>('/enrollment-tokens', {
        name: 'e2e host',
        ttlMinutes: 10,
      });
      const enroll = enrollAgent(server.url, token, stateDir, serverKeyFingerprint);
      expect(enroll.status, enroll.stderr).toBe(0);
      // The token was single-use: a second enrollment with it is refused (exit code 5 or 1, never 0).
      const again = enrollAgent(server.url, token, mkdtempSync(path.join(tmpdir(), 'estate-agent-e2e-')));
      expect(again.status).not.toBe(0);

      agent = startAgentProcess(AGENT_SOURCES, ['run', '--state-dir', stateDir]);
      const enrolled = await until(
        async () => (await api.get<{ items: AgentRow[] }>('/agents')).items.find((a) => a.ciId !== null),
        90_000,
        'the agent to report its inventory',
      );
      await until(async () => (await sampleTimes(api, enrolled.id)).length > 0, 30_000, 'the first metrics');

      // The server goes away; the agent keeps collecting into its disk buffer, and is then killed outright.
      await server.stop();
      const outageFrom = Date.now();
      await sleep(16_000);
      agent.kill('SIGKILL');
      await exited(agent);
      const outageTo = Date.now();

      server = await restartServer(server, env);
      agent = startAgentProcess(AGENT_SOURCES, ['run', '--state-dir', stateDir]);
      const delivered = await until(
        async () => {
          const during = (await sampleTimes(api, enrolled.id)).filter((t) => t >= outageFrom && t <= outageTo);
          return during.length >= 2 ? during : undefined;
        },
        60_000,
        'the samples buffered during the outage',
      );
      expect(delivered.length).toBeGreaterThanOrEqual(2);
    } finally {
      agent?.kill('SIGTERM');
      if (agent) await exited(agent);
      await server.stop();
    }
  });
});
