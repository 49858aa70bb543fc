import { statSync } from 'node:fs';
import { chunkFormat, decodeChunk, XorChunkEncoder } from '@estate/tsdb';
import { type Kysely, sql } from 'kysely';
import type { MetricsTables } from '../apps/server/src/modules/metrics/metrics.tables';
import { EmbeddedMetricStore } from '../apps/server/src/modules/metrics/store/embedded-metric-store';
import type { MetricSample } from '../apps/server/src/modules/metrics/store/metric-store';
import { openBenchStore } from './support/bench-store';
import { type Benchmark, compare } from './support/report';

/** Prometheus 2.42's promtool on the same shape of data (docs: /work/shared/notes/tsdb-peers-measured.md, 2026-12-03). */
const PROMETHEUS = { bytesPerSample: 2.991, cpuMicrosPerSample: 2.06 };
const T0 = 1_704_110_400_000;
const STEP = 10_000;

/** A deterministic stream of node_exporter-like samples: counters with 2 decimals, gauges moving in 4 KiB steps. */
function scrape(seriesCount: number, round: number, state: Float64Array): MetricSample[] {
  const out: MetricSample[] = new Array(seriesCount);
  for (let i = 0; i < seriesCount; i++) {
    const host = Math.floor(i / 50);
    const kind = i % 50;
    const noise = ((Math.imul(i * 2654435761 + round * 40503, 2246822519) >>> 0) % 1000) / 1000;
    if (kind < 16) state[i] = Math.round(((state[i] as number) + noise * 5) * 100) / 100;
    else if (kind < 35) state[i] = (state[i] as number) + (noise < 0.7 ? 0 : Math.round(noise * 64) * 4096);
    else state[i] = (state[i] as number) + Math.round(noise * 1e5);
    out[i] = {
      labels: { __name__: `node_bench_${kind}`, instance: `host-${String(host).padStart(3, '0')}:9100`, job: 'node' },
      t: T0 + round * STEP + (host % 7),
      v: state[i] as number,
    };
  }
  return out;
}

/**
 * The embedded metric store's append path on SQLite: scrape rounds of every series in one `append` each, every call
 * durable before it resolves (one write-ahead log row per call; heads checkpointed every 64 calls). Figures: samples/s, CPU µs per sample, and
 * bytes per sample (chunk payload, and the whole database file). The peer figures are Prometheus' from the notes,
 * not measured in this run; the benchmark against live peers comes with the remote-write receiver.
 */
export const benchmark: Benchmark = {
  name: 'metric-store-append',
  description: 'EmbeddedMetricStore.append on SQLite, write-ahead log and checkpoints: samples/s, CPU/sample, bytes/sample',
  async run({ quick }) {
    const seriesCount = quick ? 1_000 : 10_000;
    const rounds = quick ? 130 : 240;
    const store = await openBenchStore(undefined);
    try {
      const db = store.database.db as Kysely<MetricsTables>;
      // The clock follows the scrape rounds, as for live samples: none is late for the rollups (ADR 0018).
      let round = 0;
      const metrics = new EmbeddedMetricStore(db, { now: () => T0 + round * STEP });
      const state = new Float64Array(seriesCount);
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      for (round = 0; round < rounds; round++) await metrics.append(scrape(seriesCount, round, state));
      const wallS = (performance.now() - wall0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const samples = seriesCount * rounds;
      await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
      await sql`vacuum`.execute(db);
      const payload = await db
        .selectFrom('metric_chunks')
        .select((eb) => eb.fn.sum<number>(sql`length(bytes)`).as('bytes'))
        .executeTakeFirstOrThrow();
      // The same chunks as XOR, as every chunk was before the decimal format: the payload without sealing.
      let xorBytes = 0;
      const sealed = { decimal: 0, xor: 0 };
      for (const row of await db.selectFrom('metric_chunks').select('bytes').execute()) {
        const { timestamps, values } = decodeChunk(row.bytes);
        xorBytes += XorChunkEncoder.of(timestamps, values).bytes().length;
        sealed[chunkFormat(row.bytes)]++;
      }
      const fileBytes = statSync(store.database.files?.[0] as string).size;
      const cpuMicros = (cpu.user + cpu.system) / samples;
      return {
        peerName: 'Prometheus 2.42 (promtool figures from the notes, not this run)',
        comparisons: [
          compare({
            metric: 'chunk payload per sample',
            unit: 'B',
            ours: Number(payload.bytes) / samples,
            peer: PROMETHEUS.bytesPerSample,
            better: 'lower',
          }),
          compare({
            metric: 'chunk payload per sample, all XOR (before decimal chunks)',
            unit: 'B',
            ours: xorBytes / samples,
            peer: PROMETHEUS.bytesPerSample,
            better: 'lower',
          }),
          compare({
            metric: 'database file per sample',
            unit: 'B',
            ours: fileBytes / samples,
            peer: PROMETHEUS.bytesPerSample,
            better: 'lower',
          }),
          compare({
            metric: 'CPU per sample (this process)',
            unit: 'µs',
            ours: cpuMicros,
            peer: PROMETHEUS.cpuMicrosPerSample,
            better: 'lower',
          }),
        ],
        samples: {
          seriesCount,
          rounds,
          samples,
          wallS,
          samplesPerSecond: samples / wallS,
          cpuMicros,
          fileBytes,
          payloadBytes: Number(payload.bytes),
          xorPayloadBytes: xorBytes,
          chunksByFormat: sealed,
        },
        notes: [
          `${seriesCount} series × ${rounds} rounds of 10 s = ${samples} samples, one append (one transaction) per round: ${Math.round(samples / wallS)} samples/s.`,
          'Each round is one write-ahead log row; every 64 rounds a checkpoint rewrites the open head chunks and empties the log.',
          `Chunks: ${sealed.decimal} decimal, ${sealed.xor} XOR (full chunks are sealed into the smaller format; open heads stay XOR). The same chunks all as XOR: ${(xorBytes / samples).toFixed(2)} B/sample.`,
        ],
      };
    } finally {
      await store.drop();
    }
  },
};
