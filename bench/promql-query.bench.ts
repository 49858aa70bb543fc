import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeWriteRequestV1, snappyEncode, type WriteSeries } from '@estate/tsdb';
import { createEstate, migrate, openStore } from '../apps/server/src/app';
import { loadConfig } from '../apps/server/src/platform/config/config';
import { freePort, start, waitForOk } from './support/process-probe';
import { type Benchmark, compare, median, p95 } from './support/report';

const STEP_MS = 30_000;

/** Counters of `series` hosts' request totals, a sample every 30 s over `hours`, as remote_write rounds of two scrapes. */
function rounds(
  series: number,
  hours: number,
  t0: number,
): { bodies: Buffer[]; perRound: Array<Array<[Record<string, string>, number, number]>> } {
  const count = (hours * 3_600_000) / STEP_MS;
  const values = new Float64Array(series);
  const labels = Array.from({ length: series }, (_, i) => ({
    __name__: 'bench_requests_total',
    host: `host-${String(Math.floor(i / 10)).padStart(3, '0')}`,
    instance: `10.0.${Math.floor(i / 250)}.${i % 250}:9100`,
    job: 'api',
  }));
  const perRound: Array<Array<[Record<string, string>, number, number]>> = [];
  for (let r = 0; r < count; r++) {
    const round: Array<[Record<string, string>, number, number]> = [];
    for (let i = 0; i < series; i++) {
      values[i] = (values[i] as number) + ((Math.imul(i + 1, r + 7) >>> 0) % 50);
      round.push([labels[i] as Record<string, string>, t0 + r * STEP_MS, values[i] as number]);
    }
    perRound.push(round);
  }
  const bodies: Buffer[] = [];
  for (let r = 0; r < perRound.length; r += 2) {
    const ws: WriteSeries[] = [];
    for (const round of perRound.slice(r, r + 2)) {
      for (const [l, t, v] of round) ws.push({ labels: Object.entries(l).sort(([a], [b]) => (a < b ? -1 : 1)), samples: [[t, v]] });
    }
    bodies.push(Buffer.from(snappyEncode(encodeWriteRequestV1(ws))));
  }
  return { bodies, perRound };
}

/**
 * PromQL query latency side by side: the same counters (1,000 series × 24 h at 30 s; quick: 100 × 6 h) loaded into
 * Estate (its store, in process, behind its HTTP API) and Debian's Prometheus 2.42 (remote_write, in time order), then
 * each query asked over HTTP of both, several times: p50 and p95 per query. Ratios are Estate / Prometheus.
 */
export const benchmark: Benchmark = {
  name: 'promql-query',
  description: 'PromQL range queries over 1,000 counters × 24 h: Estate vs Prometheus, p50/p95',
  async run({ quick }) {
    const series = quick ? 100 : 1_000;
    const hours = quick ? 6 : 24;
    const repeats = quick ? 3 : 7;
    const end = Math.floor(Date.now() / 60_000) * 60_000;
    const t0 = end - hours * 3_600_000;
    // Dropped once loaded: millions of sample tuples held through the queries would slow the collector of the process
    // Estate runs in (and only Estate's), so the queries would be timed against the bench's garbage.
    let data: ReturnType<typeof rounds> | undefined = rounds(series, hours, t0);
    const sampleCount = series * data.perRound.length;

    // Estate: a real instance over SQLite, loaded through its store, asked through its HTTP API with a token.
    const dir = mkdtempSync(path.join(tmpdir(), 'estate-bench-q-'));
    const config = loadConfig(
      {},
      { dataDir: dir, host: '127.0.0.1', port: 0, logLevel: 'silent', webDir: path.join(dir, 'w'), rateLimitPerMinute: 1_000_000 },
    );
    const database = await openStore(config);
    await migrate(database);
    const estate = await createEstate(config, database, { logger: false });
    // Prometheus: remote-write receiver on, its own data directory.
    const promDir = mkdtempSync(path.join(tmpdir(), 'prometheus-bench-q-'));
    writeFileSync(path.join(promDir, 'prometheus.yml'), 'global: {}\n');
    const promPort = await freePort();
    const prometheus = start(
      '/usr/bin/prometheus',
      [
        `--config.file=${path.join(promDir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(promDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--web.enable-remote-write-receiver',
      ],
      { cwd: promDir, env: process.env },
    );
    try {
      const ctx = { actor: { type: 'system' as const, id: null, label: 'bench' }, requestId: null, sourceIp: null };
      const { user } = await estate.auth.users.create(
        { email: 'q@example.org', name: 'Q', role: 'admin', password: 'correct horse battery staple 42' },
        ctx,
      );
      const { token } = await estate.auth.tokens.create(user.id, { name: 'q', scopes: ['metrics:read'], expiresInDays: 1 }, ctx);
      await estate.http.listen({ host: '127.0.0.1', port: 0 });
      const address = estate.http.server.address();
      if (!address || typeof address === 'string') throw new Error('Estate is not listening');
      const ours = `http://127.0.0.1:${address.port}`;
      const theirs = `http://127.0.0.1:${promPort}`;
      await waitForOk(`${theirs}/-/ready`, prometheus, performance.now());

      const load0 = performance.now();
      for (const round of data.perRound) {
        const result = await estate.metrics.store.append(round.map(([labels, t, v]) => ({ labels, t, v })));
        if (result.rejected.length > 0) throw new Error(`Estate refused: ${result.rejected[0]?.message}`);
      }
      const ourLoadS = (performance.now() - load0) / 1000;
      const promLoad0 = performance.now();
      for (const body of data.bodies) {
        const res = await fetch(`${theirs}/api/v1/write`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
        });
        if (res.status !== 204) throw new Error(`Prometheus answered ${res.status}: ${await res.text()}`);
      }
      const theirLoadS = (performance.now() - promLoad0) / 1000;
      data = undefined;

      const queries = [
        { name: 'rate, every series', query: 'rate(bench_requests_total[5m])', step: 300 },
        { name: 'sum by host of rate', query: 'sum by (host) (rate(bench_requests_total[5m]))', step: 300 },
        { name: 'sum of rate, 1 m steps', query: 'sum(rate(bench_requests_total[5m]))', step: 60 },
      ];
      const comparisons = [];
      const samples: Record<string, unknown> = { series, hours, ourLoadS, theirLoadS };
      for (const q of queries) {
        const params = new URLSearchParams({
          query: q.query,
          start: String(t0 / 1000 + 600),
          end: String(end / 1000),
          step: String(q.step),
        });
        const time = async (base: string, headers: Record<string, string>) => {
          const started = performance.now();
          const res = await fetch(`${base}/api/v1/query_range?${params}`, { headers });
          const body = (await res.json()) as { status: string; error?: string; data: { result: unknown[] } };
          if (body.status !== 'success') throw new Error(`${base}: ${body.error}`);
          return { ms: performance.now() - started, series: body.data.result.length };
        };
        const ourTimes: number[] = [];
        const theirTimes: number[] = [];
        for (let i = 0; i < repeats; i++) {
          const a = await time(ours, { authorization: `Bearer ${token}` });
          const b = await time(theirs, {});
          if (a.series !== b.series) throw new Error(`${q.query}: Estate answered ${a.series} series, Prometheus ${b.series}`);
          ourTimes.push(a.ms);
          theirTimes.push(b.ms);
        }
        samples[q.name] = { ours: ourTimes, theirs: theirTimes };
        comparisons.push(
          compare({
            metric: `${q.name} p50`,
            unit: 'ms',
            ours: median(ourTimes),
            peer: median(theirTimes),
            better: 'lower',
            target: '≤ Prometheus',
            meetsTarget: median(ourTimes) <= median(theirTimes),
          }),
          compare({ metric: `${q.name} p95`, unit: 'ms', ours: p95(ourTimes), peer: p95(theirTimes), better: 'lower' }),
        );
      }
      return {
        peerName: 'Prometheus 2.42 (Debian), same series, same run',
        comparisons,
        samples,
        notes: [
          `${series} counters × ${hours} h at 30 s (${sampleCount} samples); queries over ${hours} h less 10 min, ${repeats} runs each, over HTTP.`,
          `Loading: Estate's store ${ourLoadS.toFixed(1)} s (in process), Prometheus' remote_write receiver ${theirLoadS.toFixed(1)} s.`,
        ],
      };
    } finally {
      await prometheus.stop();
      await estate.close();
      await database.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(promDir, { recursive: true, force: true });
    }
  },
};
