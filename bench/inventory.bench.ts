import { sql } from 'kysely';
import { startBare, startBenchEstate } from './support/bench-estate';
import { serverCsv, timeImport } from './support/import-run';
import { type GeneratedEstate, generateEstate } from './support/inventory-generator';
import { type LoadResult, runLoad } from './support/load-loop';
import { type Benchmark, type Comparison, compare, median } from './support/report';

interface Running {
  base: string;
  headers: Record<string, string>;
  estate: GeneratedEstate;
  generateMs: number;
  close(): Promise<void>;
}

/** A real Estate over a fresh store of the given engine, filled with a generated estate, listening on loopback. */
async function startEstate(databaseUrl: string | undefined, size: { cis: number; relationships: number }): Promise<Running> {
  let estate: GeneratedEstate | undefined;
  let generateMs = 0;
  const ours = await startBenchEstate(databaseUrl, ['inventory:read'], async (database) => {
    const started = performance.now();
    estate = await generateEstate(database.db, size);
    // Fresh statistics, as a real store would have, so both planners choose their indexes.
    await sql`analyze`.execute(database.db);
    generateMs = performance.now() - started;
  });
  return { base: ours.base, headers: ours.headers, estate: estate as GeneratedEstate, generateMs, close: () => ours.close() };
}

async function getJson(url: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Median latency of `n` sequential requests (ms), or null when the endpoint does not answer 200. */
async function sequentialLatency(url: string, headers: Record<string, string>, n: number): Promise<number | null> {
  const first = await fetch(url, { headers });
  await first.text();
  if (first.status !== 200) return null;
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    await res.text();
    times.push(performance.now() - t0);
  }
  return median(times);
}

function clean(result: LoadResult): boolean {
  return !result.timedOut && Object.keys(result.statuses).every((s) => s === '200');
}

/**
 * Inventory at size: 100k CIs and 300k relationships (10k/30k with --quick), on SQLite and, when
 * ESTATE_TEST_DATABASE_URL (or ESTATE_BENCH_DATABASE_URL) is set, on PostgreSQL. Each figure stands beside a bare
 * Fastify route answering a body of the same shape in the same run: single-CI GET (target ≥ 40% of bare), a
 * filtered page of 100 (≥ 25%), impact analysis to depth 5, search latency. Throughputs are the median of three
 * rounds (one with --quick) that alternate which side goes first.
 */
export const benchmark: Benchmark = {
  name: 'inventory',
  description: 'CMDB at 100k CIs / 300k relationships: single GET, filtered page, impact depth 5, search (SQLite and PostgreSQL)',
  async run({ quick }) {
    const size = quick ? { cis: 10_000, relationships: 30_000 } : { cis: 100_000, relationships: 300_000 };
    const load = {
      warmup: quick ? 200 : 1_000,
      requests: quick ? 2_000 : 10_000,
      concurrency: 16,
      timeoutMs: 120_000,
      rounds: quick ? 1 : 3,
    };
    const engines: Array<[string, string | undefined]> = [['sqlite', undefined]];
    const pgUrl = process.env.ESTATE_BENCH_DATABASE_URL ?? process.env.ESTATE_TEST_DATABASE_URL;
    if (pgUrl) engines.push(['postgres', pgUrl]);
    const comparisons: Comparison[] = [];
    const notes: string[] = [];
    const samples: Record<string, unknown> = { size, load };
    for (const [engine, url] of engines) {
      const ours = await startEstate(url, size);
      try {
        notes.push(
          `${engine}: generated ${ours.estate.cis} CIs and ${ours.estate.relationships} relationships in ${(ours.generateMs / 1000).toFixed(1)} s.`,
        );
        const single = `${ours.base}/api/v1/cis/${ours.estate.anyServerId}`;
        const page = `${ours.base}/api/v1/cis?type=virtual_machine&status=deployed&environment=production&limit=100`;
        const oneCi = await getJson(single, ours.headers);
        const onePage = await getJson(page, ours.headers);
        if (oneCi.status !== 200 || onePage.status !== 200) {
          notes.push(`${engine}: CI endpoints not available yet (GET /cis/:id → ${oneCi.status}, GET /cis → ${onePage.status}); skipped.`);
          continue;
        }
        const bare = await startBare({ '/api/v1/cis/:id': oneCi.body, '/api/v1/cis': onePage.body });
        try {
          for (const [metric, ourUrl, peerUrl, target] of [
            ['single-CI GET', single, `${bare.base}/api/v1/cis/x`, 0.4],
            ['filtered page of 100', page, `${bare.base}/api/v1/cis`, 0.25],
          ] as const) {
            // Rounds alternate which side goes first, so a machine that speeds up or slows down during the run
            // weighs on both sides alike; each side's figure is its median round.
            const rounds: Array<{ ours: LoadResult; peer: LoadResult }> = [];
            for (let round = 0; round < load.rounds; round++) {
              const peerFirst = round % 2 === 0;
              const first = await runLoad({ ...load, url: peerFirst ? peerUrl : ourUrl, headers: peerFirst ? {} : ours.headers });
              const second = await runLoad({ ...load, url: peerFirst ? ourUrl : peerUrl, headers: peerFirst ? ours.headers : {} });
              rounds.push(peerFirst ? { peer: first, ours: second } : { ours: first, peer: second });
            }
            samples[`${engine}:${metric}`] = rounds;
            for (const { ours: o } of rounds) {
              if (!clean(o)) notes.push(`${engine}: ${metric} load run not clean: ${JSON.stringify(o.statuses)} ${o.firstError ?? ''}`);
            }
            const ourRate = median(rounds.map((r) => r.ours.requestsPerSecond));
            const peerRate = median(rounds.map((r) => r.peer.requestsPerSecond));
            notes.push(
              `${engine} ${metric}: ratio by round ${rounds.map((r) => (r.ours.requestsPerSecond / r.peer.requestsPerSecond).toFixed(2)).join(', ')}.`,
            );
            comparisons.push(
              compare({
                metric: `${engine} ${metric} throughput`,
                unit: 'req/s',
                ours: ourRate,
                peer: peerRate,
                better: 'higher',
                target: `ratio >= ${target}`,
                meetsTarget: ourRate / peerRate >= target,
              }),
            );
          }
          const bareLatency = (await sequentialLatency(`${bare.base}/api/v1/cis/x`, {}, 50)) ?? Number.NaN;
          const impact = await sequentialLatency(
            `${ours.base}/api/v1/cis/${ours.estate.aSwitchId}/impact?depth=5&direction=downstream`,
            ours.headers,
            quick ? 5 : 20,
          );
          if (impact === null) notes.push(`${engine}: impact endpoint not available yet; skipped.`);
          else
            comparisons.push(
              compare({
                metric: `${engine} impact depth 5 (switch) latency`,
                unit: 'ms',
                ours: impact,
                peer: bareLatency,
                better: 'lower',
              }),
            );
          const search = await sequentialLatency(`${ours.base}/api/v1/cis?q=000123&limit=50`, ours.headers, quick ? 10 : 50);
          if (search === null) notes.push(`${engine}: search not available yet; skipped.`);
          else
            comparisons.push(compare({ metric: `${engine} search latency`, unit: 'ms', ours: search, peer: bareLatency, better: 'lower' }));
        } finally {
          await bare.close();
        }
      } finally {
        await ours.close();
      }
    }
    const importRows = quick ? 2_000 : 100_000;
    const csv = serverCsv(importRows);
    for (const [engine, url] of engines) {
      const result = await timeImport(url, csv);
      samples[`${engine}:import`] = result;
      if (result.status !== 'succeeded') notes.push(`${engine}: the import ended ${result.status}.`);
      comparisons.push(
        compare({
          metric: `${engine} CSV import of ${importRows} rows`,
          unit: 'rows/s',
          ours: importRows / (result.importMs / 1000),
          peer: importRows / (result.parseMs / 1000),
          better: 'higher',
        }),
      );
    }
    notes.push('Import peer: a bare Fastify route receiving the same body and only parsing the CSV (no validation, no writes).');
    return { peerName: 'bare Fastify route with a body of the same shape, same run', comparisons, samples, notes };
  },
};
