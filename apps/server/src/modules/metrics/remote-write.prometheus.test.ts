/**
 * Debian's real Prometheus remote-writes into Estate: it scrapes itself every second and sends what it scraped to
 * Estate's /api/v1/write with an API token holding only `metrics:write`, as an operator would configure it. Estate
 * then answers PromQL over those series with the same samples Prometheus holds. Peers tier.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMETHEUS, type RunningBackend, startPrometheus } from '../../../test/fixtures/metric-peers';
import { createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { eventually, tierRequired } from '../../platform/db/test-databases';

const runs = existsSync(PROMETHEUS) || tierRequired('peers');
// The sender does not depend on the engine: the embedded one is enough.
const [engine] = testEngines();

/** An instant query's answer: a vector (`value`) or, for a range selector, a matrix (`values`). */
type Result = Array<{ metric: Record<string, string>; value?: [number, string]; values?: Array<[number, string]> }>;

describe.runIf(runs)('a real Prometheus remote-writing into Estate', () => {
  let t: TestEstate;
  let prometheus: RunningBackend;
  let reader: Record<string, string>;

  const estateQuery = async (query: string, at: number): Promise<Result> => {
    const url = `/api/v1/query?query=${encodeURIComponent(query)}&time=${at}`;
    const res = await t.anonymous().request('GET', url, undefined, reader);
    expect(res.statusCode, res.body).toBe(200);
    return res.json().data.result;
  };
  const prometheusQuery = async (query: string, at: number): Promise<Result> => {
    const res = await fetch(`${prometheus.base}/api/v1/query?query=${encodeURIComponent(query)}&time=${at}`);
    const body = (await res.json()) as { status: string; error?: string; data: { result: Result } };
    expect(body.status, `${query}: ${body.error}`).toBe('success');
    return body.data.result;
  };

  beforeAll(async () => {
    t = await createTestEstate(engine!);
    const admin = await t.setupAdmin();
    const token = async (scopes: string[]) =>
      (await admin.request('POST', '/api/v1/tokens', { name: scopes.join(' '), scopes })).json().token as string;
    const writeToken = await token(['metrics:write']);
    reader = { authorization: `Bearer ${await token(['metrics:read'])}` };
    await t.estate.http.listen({ host: '127.0.0.1', port: 0 });
    const estatePort = (t.estate.http.server.address() as AddressInfo).port;
    prometheus = await startPrometheus(
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: prometheus',
        "    static_configs: [{ targets: ['{{self}}'] }]",
        'remote_write:',
        `  - url: http://127.0.0.1:${estatePort}/api/v1/write`,
        `    authorization: { credentials: ${writeToken} }`,
        '    queue_config: { batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s }',
        '',
      ].join('\n'),
    );
  }, 60_000);
  afterAll(async () => {
    await prometheus?.stop();
    await t?.close();
  });

  it('stores what Prometheus scrapes, sample for sample, under Prometheus’ labels', { timeout: 90_000 }, async () => {
    // Wait for a dozen scrapes to arrive in Estate.
    let at = 0;
    await eventually(async () => {
      at = Date.now() / 1000;
      const [scrapes] = await estateQuery('count_over_time(up{job="prometheus"}[1m])', at);
      return Number(scrapes?.value?.[1] ?? 0) >= 12;
    }, 60_000);

    const [up] = await estateQuery('up', at);
    expect(up?.metric).toEqual({ __name__: 'up', instance: prometheus.base.replace('http://', ''), job: 'prometheus' });
    expect(up?.value?.[1]).toBe('1');

    // A window that has surely been sent: Prometheus' own raw samples of a counter equal Estate's, time and value.
    const past = Math.floor(at) - 2;
    const selector = 'prometheus_http_requests_total{handler="/metrics"}[8s]';
    const theirs = await prometheusQuery(selector, past);
    expect(theirs[0]?.values?.length).toBeGreaterThan(5);
    let mine: Result = [];
    await eventually(async () => {
      mine = await estateQuery(selector, past);
      return JSON.stringify(mine) === JSON.stringify(theirs);
    }, 10_000).catch(() => {});
    expect(mine).toEqual(theirs);
  });

  it('takes the whole scrape: every series name Prometheus holds from itself reaches Estate', async () => {
    const at = Date.now() / 1000 - 5;
    const names = async (query: (q: string, at: number) => Promise<Result>) =>
      new Set((await query('count by (__name__) ({job="prometheus"})', at)).map((r) => r.metric.__name__));
    const theirs = await names(prometheusQuery);
    expect(theirs.size).toBeGreaterThan(100);
    let missing: Array<string | undefined> = [];
    await eventually(async () => {
      const ours = await names(estateQuery);
      missing = [...theirs].filter((n) => !ours.has(n));
      return missing.length === 0;
    }, 15_000).catch(() => {});
    expect(missing).toEqual([]);
  });
});
