import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { encodeWriteRequestV1, snappyEncode, type WriteSeries } from '@estate/tsdb';
import SQLite from 'better-sqlite3';
import { createEstate, migrate, openStore } from '../apps/server/src/app';
import { EmbeddedMetricStore } from '../apps/server/src/modules/metrics';
import { loadConfig } from '../apps/server/src/platform/config/config';
import { freePort, residentMemory, type StartedProcess, start, waitForOk } from './support/process-probe';
import { type Benchmark, compare } from './support/report';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERIES = 10_000;
/** Prometheus' default max_samples_per_send. */
const PER_REQUEST = 2_000;
/** Requests in flight at once (Prometheus' remote_write sends over several shards). */
const CONCURRENCY = 4;
const INTERVAL_MS = 10_000;
/**
 * Rounds in a full run (BENCH_INGEST_ROUNDS, default 60: ten minutes per series). Each tool's per-series index
 * weighs most in a short stream; 360 rounds (an hour per series) compares the samples' own bytes more fairly.
 */
const ROUNDS = Number(process.env.BENCH_INGEST_ROUNDS ?? 60);

/** One scrape round of 10,000 node_exporter-like series, as remote_write 1.0 bodies of 2,000 series each. */
function round(r: number, t0: number, state: Float64Array): Buffer[] {
  const series: WriteSeries[] = [];
  for (let i = 0; i < SERIES; i++) {
    const host = Math.floor(i / 100);
    const kind = i % 100;
    const noise = ((Math.imul(i * 2654435761 + r * 40503, 2246822519) >>> 0) % 1000) / 1000;
    if (kind < 40) state[i] = Math.round(((state[i] as number) + noise * 5) * 100) / 100;
    else if (kind < 70) state[i] = (state[i] as number) + (noise < 0.7 ? 0 : Math.round(noise * 64) * 4096);
    else state[i] = (state[i] as number) + Math.round(noise * 1e5);
    series.push({
      labels: [
        ['__name__', `node_bench_${kind % 25}`],
        ['device', `dev${Math.floor(kind / 25)}`],
        ['instance', `host-${String(host).padStart(3, '0')}:9100`],
        ['job', 'node'],
      ],
      samples: [[t0 + r * INTERVAL_MS + (host % 7), state[i] as number]],
    });
  }
  const bodies: Buffer[] = [];
  for (let i = 0; i < SERIES; i += PER_REQUEST)
    bodies.push(Buffer.from(snappyEncode(encodeWriteRequestV1(series.slice(i, i + PER_REQUEST)))));
  return bodies;
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function directoryBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(full) : statSync(full).size;
  }
  return total;
}

/** Waits until a directory's size has not changed for three polls a second apart (a minute at most); answers it. */
async function settledBytes(dir: string): Promise<number> {
  let last = -1;
  let same = 0;
  for (let i = 0; i < 60 && same < 3; i++) {
    await sleep(1_000);
    const now = directoryBytes(dir);
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

interface Receiver {
  name: string;
  url: string;
  headers: Record<string, string>;
  proc: StartedProcess;
  dir: string;
  /** Makes the receiver write what it holds to disk before the size is read, where it has a way. */
  settle(): Promise<void>;
  /**
   * Brings the samples to the form the receiver keeps them in for good (its compaction) and answers the bytes that
   * form takes on disk, with the same files for every receiver as far as each tool allows (see the notes). May stop
   * the receiver.
   */
  compact(): Promise<{ bytes: number; vacuumedBytes?: number; tables?: Record<string, number> }>;
}

/** Estate as `npm start` runs it (the built bundle), with an admin's metrics:write token made beforehand. */
async function startEstate(): Promise<Receiver> {
  const dir = mkdtempSync(path.join(tmpdir(), 'estate-bench-rw-'));
  const port = await freePort();
  const config = loadConfig({}, { dataDir: dir, host: '127.0.0.1', port: 0, logLevel: 'silent', webDir: path.join(dir, 'no-web') });
  const database = await openStore(config);
  await migrate(database);
  const estate = await createEstate(config, database, { logger: false });
  const ctx = { actor: { type: 'system' as const, id: null, label: 'bench' }, requestId: null, sourceIp: null };
  const { user } = await estate.auth.users.create(
    { email: 'bench@example.org', name: 'Bench', role: 'admin', password: 'correct horse battery staple 42' },
    ctx,
  );
  const { token } = await estate.auth.tokens.create(user.id, { name: 'rw', scopes: ['metrics:write'], expiresInDays: 1 }, ctx);
  await estate.close();
  await database.close();
  const file = path.join(dir, 'estate.db');
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ESTATE_')));
  Object.assign(env, {
    ESTATE_DATA_DIR: dir,
    ESTATE_HOST: '127.0.0.1',
    ESTATE_PORT: String(port),
    ESTATE_LOG_LEVEL: 'warn',
    ESTATE_RATE_LIMIT: '1000000',
    ESTATE_LOCAL_AGENT: 'false',
  });
  const startedAt = performance.now();
  const proc = start(process.execPath, [path.join(ROOT, 'apps/cli/dist/estate.mjs'), 'serve'], { cwd: ROOT, env });
  await waitForOk(`http://127.0.0.1:${port}/readyz`, proc, startedAt);
  return {
    name: 'Estate',
    url: `http://127.0.0.1:${port}/api/v1/write`,
    headers: { authorization: `Bearer ${token}` },
    proc,
    dir,
    settle: async () => {},
    compact: async () => {
      // A clean stop closes the database, which folds SQLite's -wal file into estate.db.
      await proc.stop(30_000);
      // The checkpoint Estate runs every minute (and before its rollup and prune jobs): the log rows left at the
      // stop are replayed onto the heads, the heads written to their chunk rows, metric_wal emptied; then its own
      // reclaim of free pages, past a tenth of the file.
      const reopened = await openStore(config);
      const again = await createEstate(config, reopened, { logger: false });
      if (!(again.metrics.store instanceof EmbeddedMetricStore)) throw new Error('Estate is not on its embedded metric store');
      await again.metrics.store.flush();
      await again.close();
      await reopened.close();
      // Every free page left handed back (what that reclaim does over its next runs), without rewriting the file.
      const native = new SQLite(file);
      native.exec('PRAGMA incremental_vacuum');
      const bytes = directoryBytes(dir);
      // Where the bytes are: SQLite's dbstat, pages per table and index (the metric ones; the rest summed).
      const tables: Record<string, number> = {};
      for (const r of native.prepare('SELECT name, SUM(pgsize) AS bytes FROM dbstat GROUP BY name').all() as Array<{
        name: string;
        bytes: number;
      }>) {
        const key = r.name.includes('metric_') ? r.name : 'other tables and indexes';
        tables[key] = (tables[key] ?? 0) + r.bytes;
      }
      // For comparison only: VACUUM rewrites the whole file packed, which Estate never does by itself.
      native.exec('VACUUM');
      native.pragma('wal_checkpoint(TRUNCATE)');
      native.close();
      return { bytes, vacuumedBytes: directoryBytes(dir), tables };
    },
  };
}

async function startPrometheus(): Promise<Receiver> {
  const dir = mkdtempSync(path.join(tmpdir(), 'prometheus-bench-rw-'));
  const port = await freePort();
  writeFileSync(path.join(dir, 'prometheus.yml'), 'global: {}\n');
  const proc = start(
    '/usr/bin/prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--web.enable-admin-api',
    ],
    { cwd: dir, env: process.env },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitForOk(`${base}/-/ready`, proc, performance.now());
  return {
    name: 'Prometheus',
    url: `${base}/api/v1/write`,
    headers: {},
    proc,
    dir,
    settle: async () => {},
    compact: async () => {
      // The head becomes a block only after about two hours; a snapshot writes it as one now (the same block
      // writer compaction uses), and the block is what stays once the head's WAL is truncated.
      const res = await fetch(`${base}/api/v1/admin/tsdb/snapshot`, { method: 'POST' });
      const body = (await res.json()) as { status: string; data?: { name?: string } };
      if (body.status !== 'success' || !body.data?.name) throw new Error(`Prometheus snapshot failed: ${JSON.stringify(body)}`);
      return { bytes: directoryBytes(path.join(dir, 'data', 'snapshots', body.data.name)) };
    },
  };
}

async function startVictoriaMetrics(): Promise<Receiver> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vm-bench-rw-'));
  const port = await freePort();
  const proc = start('/usr/bin/victoria-metrics', [`-storageDataPath=${dir}`, `-httpListenAddr=127.0.0.1:${port}`, '-loggerLevel=ERROR'], {
    cwd: dir,
    env: process.env,
  });
  await waitForOk(`http://127.0.0.1:${port}/health`, proc, performance.now());
  const base = `http://127.0.0.1:${port}`;
  return {
    name: 'VictoriaMetrics',
    url: `${base}/api/v1/write`,
    headers: {},
    proc,
    dir,
    settle: async () => {
      await fetch(`${base}/internal/force_flush`).catch(() => undefined);
      // Its in-memory parts reach the data directory within its 5 s flush interval, not at the call.
      await sleep(6_000);
    },
    compact: async () => {
      await fetch(`${base}/internal/force_flush`);
      const res = await fetch(`${base}/internal/force_merge`);
      if (!res.ok) throw new Error(`VictoriaMetrics force_merge answered ${res.status}: ${await res.text()}`);
      // The merge runs in the background: wait for the directory to stop changing.
      return { bytes: await settledBytes(dir) };
    },
  };
}

interface Figures {
  samplesPerSecond: number;
  cpuMicrosPerSample: number;
  peakRssMiB: number;
  /** Data directory bytes per sample right after the run. */
  bytesPerSample: number;
  /** Bytes per sample once compacted (Receiver.compact). */
  compactedBytesPerSample: number;
  /** Estate only: bytes per sample had a full VACUUM followed (see the notes). */
  vacuumedBytesPerSample?: number;
  /** Estate only: bytes per sample of each table and index after compaction (SQLite dbstat). */
  tableBytesPerSample?: Record<string, number>;
}

async function feed(receiver: Receiver, rounds: Buffer[][], samples: number): Promise<Figures> {
  const pid = receiver.proc.child.pid as number;
  const cpu0 = cpuSeconds(pid);
  const wall0 = performance.now();
  for (const bodies of rounds) {
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const body = bodies[next++] as Buffer;
        const res = await fetch(receiver.url, {
          method: 'POST',
          body,
          headers: {
            ...receiver.headers,
            'content-type': 'application/x-protobuf',
            'content-encoding': 'snappy',
            'x-prometheus-remote-write-version': '0.1.0',
          },
        });
        if (res.status !== 204 && res.status !== 200) throw new Error(`${receiver.name} answered ${res.status}: ${await res.text()}`);
        await res.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }
  const wallS = (performance.now() - wall0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  const memory = residentMemory(pid);
  await receiver.settle();
  const rightAfter = directoryBytes(receiver.dir);
  const compacted = await receiver.compact();
  return {
    samplesPerSecond: samples / wallS,
    cpuMicrosPerSample: (cpu * 1e6) / samples,
    peakRssMiB: memory.peakMiB,
    bytesPerSample: rightAfter / samples,
    compactedBytesPerSample: compacted.bytes / samples,
    ...(compacted.vacuumedBytes !== undefined ? { vacuumedBytesPerSample: compacted.vacuumedBytes / samples } : {}),
    ...(compacted.tables
      ? { tableBytesPerSample: Object.fromEntries(Object.entries(compacted.tables).map(([name, bytes]) => [name, bytes / samples])) }
      : {}),
  };
}

/**
 * remote_write ingestion side by side: the same pre-encoded stream — 10,000 series, a sample each per 10 s round,
 * 2,000 series per request, 4 requests in flight, rounds in order — fed as fast as each receiver answers to Estate
 * (a child `estate serve`, SQLite), Debian's Prometheus 2.42 and VictoriaMetrics 1.79. Figures: samples/s at
 * saturation, receiver CPU per sample (/proc), peak RSS, and disk bytes per sample right after the run and after
 * each tool's compaction (see the notes for how), with Estate's split by table and index (SQLite dbstat).
 * BENCH_INGEST_ROUNDS sets the rounds of a full run (default 60, ten minutes per series; 360 is an hour).
 */
export const benchmark: Benchmark = {
  name: 'remote-write-ingest',
  description:
    'remote_write of 10,000 series to saturation: Estate vs Prometheus vs VictoriaMetrics (BENCH_INGEST_ROUNDS rounds of 10 s, default 60)',
  async run({ quick }) {
    for (const bin of ['/usr/bin/prometheus', '/usr/bin/victoria-metrics']) {
      if (!existsSync(bin)) throw new Error(`${bin} is missing (apt-get install prometheus victoria-metrics)`);
    }
    const roundCount = quick ? 6 : ROUNDS;
    if (!Number.isInteger(roundCount) || roundCount < 1) throw new Error(`BENCH_INGEST_ROUNDS must be a positive integer`);
    const t0 = Date.now() - roundCount * INTERVAL_MS - 60_000;
    const state = new Float64Array(SERIES);
    const rounds = Array.from({ length: roundCount }, (_, r) => round(r, t0, state));
    const samples = SERIES * roundCount;
    const results: Record<string, Figures> = {};
    for (const starter of [startEstate, startPrometheus, startVictoriaMetrics]) {
      const receiver = await starter();
      try {
        results[receiver.name] = await feed(receiver, rounds, samples);
      } finally {
        await receiver.proc.stop();
        rmSync(receiver.dir, { recursive: true, force: true });
      }
    }
    const ours = results.Estate as Figures;
    const prometheus = results.Prometheus as Figures;
    const comparisons = ['Prometheus', 'VictoriaMetrics'].flatMap((peer) => {
      const theirs = results[peer] as Figures;
      return [
        compare({
          metric: `samples/s vs ${peer}`,
          unit: '/s',
          ours: ours.samplesPerSecond,
          peer: theirs.samplesPerSecond,
          better: 'higher',
          target: '≥ 100,000/s',
          meetsTarget: ours.samplesPerSecond >= 100_000,
        }),
        compare({
          metric: `CPU per sample vs ${peer}`,
          unit: 'µs',
          ours: ours.cpuMicrosPerSample,
          peer: theirs.cpuMicrosPerSample,
          better: 'lower',
        }),
        compare({ metric: `peak RSS vs ${peer}`, unit: 'MiB', ours: ours.peakRssMiB, peer: theirs.peakRssMiB, better: 'lower' }),
        compare({
          metric: `disk per sample right after the run vs ${peer}`,
          unit: 'B',
          ours: ours.bytesPerSample,
          peer: theirs.bytesPerSample,
          better: 'lower',
        }),
        compare({
          metric: `disk per sample after compaction vs ${peer}`,
          unit: 'B',
          ours: ours.compactedBytesPerSample,
          peer: theirs.compactedBytesPerSample,
          better: 'lower',
          target: "≤ Prometheus' and ≤ 1.5 B",
          meetsTarget: ours.compactedBytesPerSample <= Math.min(prometheus.compactedBytesPerSample, 1.5),
        }),
      ];
    });
    return {
      peerName: 'Prometheus 2.42 and VictoriaMetrics 1.79 (Debian), same stream, same run',
      comparisons,
      samples: { series: SERIES, rounds: roundCount, samples, results },
      notes: [
        `${samples} samples: ${Object.entries(results)
          .map(
            ([name, f]) =>
              `${name} ${Math.round(f.samplesPerSecond)}/s, ${f.cpuMicrosPerSample.toFixed(2)} µs CPU, ${f.peakRssMiB.toFixed(0)} MiB, ${f.bytesPerSample.toFixed(2)} B/sample right after, ${f.compactedBytesPerSample.toFixed(2)} B/sample after compaction`,
          )
          .join('; ')}.`,
        "Disk right after the run (data directory): Prometheus' samples are still in its WAL and head (compaction into blocks comes after 2 h), VictoriaMetrics' 6 s after a force_flush (its in-memory parts may not all be on disk yet), Estate's SQLite file with its -wal file and the metric_wal rows since the last checkpoint.",
        "Disk after compaction: Prometheus — the block its admin API's snapshot writes from the head (--web.enable-admin-api, POST /api/v1/admin/tsdb/snapshot; chunks, index, meta), the form compaction gives the samples, without the WAL it then truncates. VictoriaMetrics — its data directory after /internal/force_flush and /internal/force_merge, once its size stops changing. Estate — its data directory after a clean stop (SQLite's -wal folded in), a checkpoint (flush: metric_wal replayed and emptied, heads written) and PRAGMA incremental_vacuum (every free page handed back; the file is not rewritten as VACUUM would).",
        `Estate after compaction by table and index (SQLite dbstat), B/sample: ${Object.entries(ours.tableBytesPerSample ?? {})
          .sort(([, a], [, b]) => b - a)
          .map(([name, b]) => `${name} ${b.toFixed(2)}`)
          .join(', ')}.`,
        `Estate after a full VACUUM (which rewrites the file packed, as the others' compactions write new blocks or parts, but which Estate never runs by itself): ${ours.vacuumedBytesPerSample?.toFixed(2)} B/sample.`,
        'Estate replays history here (the stream ends a minute ago), so samples older than its rollup grace mark their 5-minute buckets in metric_rollup_late for the rollup job to redo; those rows stay until the job next runs and are counted.',
      ],
    };
  },
};
