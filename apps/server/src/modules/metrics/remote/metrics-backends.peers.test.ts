/**
 * The remote metric store against Debian's real VictoriaMetrics and Prometheus (peers tier): an enrolled agent's
 * report goes through the agents' route and the sink to the backend by remote_write, and comes back equal through
 * Estate's own Prometheus API (/api/v1/query, query_range, series, labels, label values), which the backend answers.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgentClient } from '../../../../test/agent-client';
import {
  PROMETHEUS,
  type RunningBackend,
  startPrometheus,
  startVictoriaMetrics,
  VICTORIA_METRICS,
} from '../../../../test/fixtures/metric-peers';
import { createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { eventually, tierRequired } from '../../../platform/db/test-databases';
import { AGENT_JOB } from '../agent-series-names';
import type { MetricSample } from '../store/metric-store';
import { RemoteMetricStore } from '../store/remote-metric-store';
import { MetricsBackendClient } from './metrics-backend-client';

const BACKENDS = [
  { kind: 'victoria-metrics', binary: VICTORIA_METRICS, start: startVictoriaMetrics },
  { kind: 'prometheus', binary: PROMETHEUS, start: startPrometheus },
] as const;
// The primary database plays no part in where samples go; one engine is enough.
const engine = testEngines()[0]!;

interface Answer<T> {
  status: string;
  data: T;
  errorType?: string;
  error?: string;
}
type Matrix = { resultType: 'matrix'; result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
type Vector = { resultType: 'vector'; result: Array<{ metric: Record<string, string>; value: [number, string] }> };

for (const b of BACKENDS) {
  describe.runIf(existsSync(b.binary) || tierRequired('peers'))(`metrics kept in ${b.kind}`, () => {
    let backend: RunningBackend;
    let t: TestEstate;
    let bearer: Record<string, string>;
    let agent: TestAgentClient;
    // Whole minutes, so that VictoriaMetrics' alignment of a range query to its step changes nothing.
    const T = Math.floor(Date.now() / 60_000) * 60_000 - 180_000;
    const s = (ms: number) => ms / 1000;

    const get = async <T>(url: string) => {
      const res = await t.anonymous().request('GET', url, undefined, bearer);
      return { statusCode: res.statusCode, body: res.json() as Answer<T>, type: res.headers['content-type'] };
    };
    const enc = encodeURIComponent;

    beforeAll(async () => {
      backend = await b.start();
      t = await createTestEstate(engine, { metricsUrl: backend.base });
      const admin = await t.setupAdmin();
      const token = await admin.request('POST', '/api/v1/tokens', { name: 'grafana', scopes: ['metrics:read'] });
      bearer = { authorization: `Bearer ${token.json().token}` };
      const enrollment = await admin.request('POST', '/api/v1/enrollment-tokens', { name: b.kind });
      agent = new TestAgentClient(t);
      expect((await agent.enroll(enrollment.json().token)).statusCode).toBe(201);
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await backend?.stop();
    });

    it("stores an agent's report through the sink and answers it, equal, through Estate's /api/v1/query", async () => {
      const report = {
        series: [
          {
            name: 'load.1',
            points: [
              [T, 0.75],
              [T + 15_000, 1.5],
              [T + 30_000, 2.25],
            ],
          },
          {
            name: 'net.rx_bytes',
            labels: { iface: 'eth0' },
            points: [
              [T, 1000],
              [T + 15_000, 4096.5],
            ],
          },
        ],
      };
      const sent = await agent.request('POST', '/api/v1/agent/metrics', report);
      expect(sent.statusCode, sent.body).toBe(200);
      expect(sent.json().accepted).toBe(5);

      const raw = `/api/v1/query?query=${enc(`node_load1{agent_id="${agent.agentId}"}[1m]`)}&time=${s(T + 30_000)}`;
      let answer = await get<Matrix>(raw);
      await eventually(async () => {
        answer = await get<Matrix>(raw);
        return answer.body.data?.result?.[0]?.values.length === 3;
      }, 15_000);
      expect(answer.statusCode).toBe(200);
      expect(answer.type).toMatch(/^application\/json/);
      expect(answer.body.status).toBe('success');
      expect(answer.body.data.result).toHaveLength(1);
      expect(answer.body.data.result[0]?.metric).toMatchObject({
        __name__: 'node_load1',
        agent_id: agent.agentId,
        instance: 'host-under-test',
        job: AGENT_JOB,
      });
      expect(answer.body.data.result[0]?.values).toEqual([
        [s(T), '0.75'],
        [s(T + 15_000), '1.5'],
        [s(T + 30_000), '2.25'],
      ]);

      const sum = await get<Vector>(
        `/api/v1/query?query=${enc(`sum(node_network_receive_bytes_total{agent_id="${agent.agentId}"})`)}&time=${s(T + 15_000)}`,
      );
      expect(sum.body.data.result).toEqual([{ metric: {}, value: [s(T + 15_000), '4096.5'] }]);

      const range = await get<Matrix>(
        `/api/v1/query_range?query=${enc(`node_load1{agent_id="${agent.agentId}"}`)}&start=${s(T)}&end=${s(T + 30_000)}&step=15s`,
      );
      expect(range.statusCode, JSON.stringify(range.body)).toBe(200);
      expect(range.body.data.result.map((r) => r.values)).toEqual([
        [
          [s(T), '0.75'],
          [s(T + 15_000), '1.5'],
          [s(T + 30_000), '2.25'],
        ],
      ]);

      // The store's own read path gives the same samples, as numbers.
      const selected = await t.estate.metrics.store.select([{ name: 'agent_id', op: '=', value: agent.agentId }], T, T + 30_000);
      const byName = Object.fromEntries(selected.map((x) => [x.labels.__name__, x.samples]));
      expect(byName).toEqual({
        node_load1: [
          [T, 0.75],
          [T + 15_000, 1.5],
          [T + 30_000, 2.25],
        ],
        node_network_receive_bytes_total: [
          [T, 1000],
          [T + 15_000, 4096.5],
        ],
      });
    });

    it('reads all of time at once, and a resent report adds no sample', async () => {
      const all = () => t.estate.metrics.store.select([{ name: 'agent_id', op: '=', value: agent.agentId }], 0, Date.now() + 86_400_000);
      const before = await all();
      expect(before.flatMap((x) => x.samples)).toHaveLength(5);
      const again = await agent.request('POST', '/api/v1/agent/metrics', {
        series: [
          {
            name: 'load.1',
            points: [
              [T, 0.75],
              [T + 15_000, 1.5],
              [T + 30_000, 2.25],
            ],
          },
        ],
      });
      expect(again.statusCode, again.body).toBe(200);
      // Prometheus refuses the repeats as out of order; VictoriaMetrics stores them, and the store reads one per time.
      expect(again.json().accepted).toBe(b.kind === 'prometheus' ? 0 : 3);
      if (b.kind === 'victoria-metrics') {
        // Wait until the backend itself shows the repeats, so that the read below is a test of the store's reading.
        const raw = `${backend.base}/api/v1/query?query=${enc(`node_load1{agent_id="${agent.agentId}"}[1m]`)}&time=${s(T + 30_000)}`;
        await eventually(async () => ((await (await fetch(raw)).json()) as Answer<Matrix>).data.result[0]?.values.length === 6, 15_000);
      }
      const after = await all();
      const sort = (xs: typeof before) => [...xs].sort((x, y) => (x.labels.__name__ ?? '').localeCompare(y.labels.__name__ ?? ''));
      expect(sort(after)).toEqual(sort(before));
    });

    it('answers series, label names and label values through Estate, from the backend', async () => {
      const match = `match[]=${enc(`{agent_id="${agent.agentId}"}`)}&start=${s(T - 60_000)}&end=${s(T + 60_000)}`;
      await eventually(async () => (await get<unknown[]>(`/api/v1/series?${match}`)).body.data?.length === 2, 15_000);
      const series = await get<Array<Record<string, string>>>(`/api/v1/series?${match}`);
      expect(series.body.data.map((x) => x.__name__).sort()).toEqual(['node_load1', 'node_network_receive_bytes_total']);
      expect(series.body.data.find((x) => x.__name__ === 'node_network_receive_bytes_total')).toMatchObject({ device: 'eth0' });

      const labels = await get<string[]>(`/api/v1/labels?${match}`);
      expect(labels.statusCode).toBe(200);
      expect(labels.body.data).toEqual(expect.arrayContaining(['__name__', 'agent_id', 'device', 'instance', 'job']));
      const names = await get<string[]>(`/api/v1/label/__name__/values?${match}`);
      expect(names.body.data).toEqual(['node_load1', 'node_network_receive_bytes_total']);

      expect(await t.estate.metrics.store.labelValues('device', [{ name: 'agent_id', op: '=', value: agent.agentId }])).toEqual(['eth0']);
      expect(await t.estate.metrics.store.labelNames([{ name: 'agent_id', op: '=', value: agent.agentId }])).toEqual(
        expect.arrayContaining(['__name__', 'agent_id', 'device']),
      );
    });

    it("answers exemplar searches as Grafana sends them: the backend's, or none where it keeps none", async () => {
      const res = await get<unknown[]>(`/api/v1/query_exemplars?query=${enc('node_load1')}&start=${s(T - 60_000)}&end=${s(T + 60_000)}`);
      expect(res.statusCode, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ status: 'success', data: [] });
    });

    it("keeps Estate's access check and parameter validation, and passes the backend's refusals on in Prometheus' envelope", async () => {
      const anonymous = await t.anonymous().request('GET', '/api/v1/query?query=up');
      expect(anonymous.statusCode).toBe(401);

      const badStep = await get(`/api/v1/query_range?query=up&start=${s(T)}&end=${s(T + 60_000)}&step=0`);
      expect(badStep.statusCode).toBe(400);
      expect(badStep.body).toMatchObject({ status: 'error', errorType: 'bad_data' });

      const badQuery = await get(`/api/v1/query?query=${enc('sum(')}`);
      expect([400, 422]).toContain(badQuery.statusCode);
      expect(badQuery.type).toMatch(/^application\/json/);
      expect(badQuery.body).toMatchObject({ status: 'error', errorType: badQuery.statusCode === 400 ? 'bad_data' : 'execution' });
      expect(badQuery.body.error).toMatch(/sum|parse|unexpected/i);
    });

    it('cuts a large append into requests of the configured size, in order, and deletes series', async () => {
      const writes: string[] = [];
      const counting: typeof fetch = (input, init) => {
        if (String(input).endsWith('/api/v1/write')) writes.push(String(input));
        return fetch(input, init);
      };
      const target = { baseUrl: backend.base, writeUrl: `${backend.base}/api/v1/write`, authorization: undefined };
      const store = new RemoteMetricStore(new MetricsBackendClient(target, { userAgent: 'Estate/test', fetch: counting }), {
        maxSamplesPerRequest: 7,
      });
      const samples: MetricSample[] = [];
      for (let i = 0; i < 25; i++) {
        samples.push({ labels: { __name__: 'estate_batch_test', part: String(i % 3) }, t: T + Math.floor(i / 3) * 1000, v: i });
      }
      expect(await store.append(samples)).toEqual({ appended: 25, duplicates: 0, rejected: [] });
      expect(writes).toHaveLength(4);

      const matcher = { name: '__name__', op: '=', value: 'estate_batch_test' } as const;
      let read = await store.select([matcher], T, T + 60_000);
      await eventually(async () => {
        read = await store.select([matcher], T, T + 60_000);
        return read.reduce((n, x) => n + x.samples.length, 0) === 25;
      }, 15_000);
      const part1 = read.find((x) => x.labels.part === '1');
      expect(part1?.samples).toEqual(samples.filter((x) => x.labels.part === '1').map((x) => [x.t, x.v]));

      if (b.kind === 'prometheus') {
        // Prometheus refuses a sample older than the series' newest: the request's samples are reported, not thrown.
        const late = await store.append([{ labels: { __name__: 'estate_batch_test', part: '0' }, t: T, v: 99 }]);
        expect(late.appended).toBe(0);
        expect(late.rejected).toEqual([{ index: 0, reason: 'out_of_order', message: expect.stringContaining('out of order') }]);
      }

      expect(await store.deleteSeries([matcher, { name: 'part', op: '=', value: '2' }])).toBe(1);
      await eventually(async () => (await store.select([matcher], T, T + 60_000)).length === 2, 15_000);
    });

    it('answers 503 unavailable, naming the backend, once it stops', async () => {
      await backend.stop();
      const down = await get(`/api/v1/query?query=up&time=${s(T)}`);
      expect(down.statusCode).toBe(503);
      expect(down.body).toEqual({
        status: 'error',
        errorType: 'unavailable',
        error: `metrics backend ${backend.base} is unavailable: ECONNREFUSED`,
      });
    });
  });
}
