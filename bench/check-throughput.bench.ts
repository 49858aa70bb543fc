/**
 * Monitoring throughput (issue 14): 10,000 HTTP checks at a 10 s interval against local targets, results stored,
 * run by Estate (a child `estate serve`, as `npm start` runs it) and, in the same run, by Debian's
 * prometheus-blackbox-exporter with Debian's Prometheus scraping it for the same targets at the same rate.
 *
 * Needs (Debian): `apt-get install -y --no-install-recommends nginx-light prometheus prometheus-blackbox-exporter`.
 * Without nginx the benchmark cannot run at all and says so; without blackbox_exporter or Prometheus it measures
 * Estate alone and says what to install. Run: `npm run bench -- check-throughput` (add `--quick` for a smoke run).
 * A third run repeats Estate's with its checks list open in Debian's Chromium (live stream and all), as the issue asks;
 * it is skipped without /usr/bin/chromium.
 * Set BENCH_CPU_PROF_DIR=<dir> to write a V8 CPU profile of the Estate child there.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { BENCH_EMAIL, BENCH_PASSWORD } from './support/bench-estate';
import { createChecks, startEstateChild } from './support/estate-child';
import { cpuSeconds, freePort, residentMemory, runQueueWaitSeconds, type StartedProcess, start, waitForOk } from './support/process-probe';
import { type Benchmark, type Comparison, compare } from './support/report';

const NGINX = '/usr/sbin/nginx';
const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';
const PROMETHEUS = '/usr/bin/prometheus';
/** Debian's Chromium, for the run with the checks list open (skipped without it). */
const CHROMIUM = process.env.ESTATE_CHROMIUM ?? '/usr/bin/chromium';
const INTERVAL_S = 10;
/**
 * The targets are spread over this many loopback addresses (127.1.0.1 …), all served by the one nginx: a check
 * scheduler caps runs per target host (Estate: 4 at once), and 10,000 checks of one host would measure that cap,
 * not the throughput of 10,000 checks of a fleet.
 */
const HOSTS = 100;
/** Checks created at once through the API. */
const CREATE_POOL = 16;

const hostOf = (i: number) => `127.1.0.${(i % HOSTS) + 1}`;
const urlOf = (i: number, port: number) => `http://${hostOf(i)}:${port}/t/${i}`;

/** The targets: nginx 1 worker on its own prefix, `return 200 "ok"` for any path, an access log line per request. */
async function startNginx(): Promise<{ proc: StartedProcess; dir: string; port: number; log: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'nginx-bench-chk-'));
  const port = await freePort();
  const log = path.join(dir, 'access.log');
  const listens = Array.from({ length: HOSTS }, (_, i) => `    listen ${hostOf(i)}:${port};`).join('\n');
  writeFileSync(
    path.join(dir, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 8192; }
http {
  log_format bench '$msec $uri $status';
  access_log ${log} bench buffer=64k flush=1s;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_timeout 10s;
  server {
${listens}
    default_type text/plain;
    location / { return 200 "ok"; }
  }
}
`,
  );
  const proc = start(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], {
    cwd: dir,
    env: process.env,
  });
  await waitForOk(`http://${hostOf(HOSTS - 1)}:${port}/ready`, proc, performance.now(), 10_000);
  return { proc, dir, port, log };
}

/** Stops nginx gracefully (SIGQUIT), which writes out its buffered access log. */
async function stopNginx(proc: StartedProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.child.once('exit', () => resolve()));
  proc.child.kill('SIGQUIT');
  const killer = setTimeout(() => proc.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}

/** The access log as (epoch ms, path) pairs, target paths only. */
function readHits(log: string): { at: number; path: string }[] {
  const hits: { at: number; path: string }[] = [];
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const [msec, uri] = line.split(' ');
    if (!msec || !uri?.startsWith('/t/')) continue;
    hits.push({ at: Number(msec) * 1000, path: uri });
  }
  return hits;
}

interface WindowFigures {
  /** Target requests nginx answered in the window, per second. */
  checksPerSecond: number;
  hits: number;
  /** p99 (and p50, max) of |gap − interval| between consecutive hits of one path, the later hit in the window. */
  driftP50Ms: number;
  driftP99Ms: number;
  driftMaxMs: number;
  /** Gaps of at least 1.5 intervals (a slot without a run). */
  missedSlots: number;
  /** Paths not requested at all in the window. */
  silentTargets: number;
}

/** The figures of one side's window; `since` is when the side began, so requests of the side before don't count. */
function windowFigures(hits: { at: number; path: string }[], since: number, from: number, to: number, targets: number): WindowFigures {
  const inWindow = hits.filter((h) => h.at >= from && h.at < to);
  const byPath = new Map<string, number[]>();
  for (const h of hits) {
    if (h.at < since || h.at >= to) continue;
    const list = byPath.get(h.path);
    if (list) list.push(h.at);
    else byPath.set(h.path, [h.at]);
  }
  const drift: number[] = [];
  let missedSlots = 0;
  let seen = 0;
  for (const times of byPath.values()) {
    times.sort((a, b) => a - b);
    if (times.some((t) => t >= from)) seen++;
    for (let i = 1; i < times.length; i++) {
      if ((times[i] as number) < from) continue;
      const gap = (times[i] as number) - (times[i - 1] as number);
      drift.push(Math.abs(gap - INTERVAL_S * 1000));
      if (gap >= 1.5 * INTERVAL_S * 1000) missedSlots++;
    }
  }
  drift.sort((a, b) => a - b);
  const rank = (q: number) =>
    drift.length === 0 ? Number.NaN : (drift[Math.min(drift.length - 1, Math.ceil(q * drift.length) - 1)] as number);
  return {
    checksPerSecond: (inWindow.length * 1000) / (to - from),
    hits: inWindow.length,
    driftP50Ms: rank(0.5),
    driftP99Ms: rank(0.99),
    driftMaxMs: drift.length ? (drift[drift.length - 1] as number) : Number.NaN,
    missedSlots,
    silentTargets: targets - seen,
  };
}

/** What one side's run measured, besides the nginx figures. */
interface SideRun {
  name: string;
  /** When the side began (epoch ms): its processes started, no request of it before. */
  since: number;
  from: number;
  to: number;
  /** CPU seconds of the side's processes over the window, per process. */
  cpuSeconds: Record<string, number>;
  /** Seconds the side's processes waited for a CPU over the window (the machine's contention), per process. */
  runQueueWaitSeconds: Record<string, number>;
  rssMiB: Record<string, number>;
  peakRssMiB: Record<string, number>;
  /** Results the side itself stored with a time in the window (its PromQL count_over_time). */
  storedInWindow: number | null;
  loadAverage: number[];
  extra: Record<string, unknown>;
}

/** Waits out the warm-up, then measures the CPU of `pids` over the window and their memory at its end. */
async function measureWindow(pids: Record<string, number>, windowMs: number) {
  const loadAverage = os.loadavg();
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const wait0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, runQueueWaitSeconds(pid)]));
  const from = Date.now();
  await sleep(windowMs);
  const to = Date.now();
  const cpu = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid) - (cpu0[k] as number)]));
  const wait = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, runQueueWaitSeconds(pid) - (wait0[k] as number)]));
  const memory = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, residentMemory(pid)]));
  return {
    from,
    to,
    cpuSeconds: cpu,
    runQueueWaitSeconds: wait,
    rssMiB: Object.fromEntries(Object.entries(memory).map(([k, m]) => [k, m.rssMiB])),
    peakRssMiB: Object.fromEntries(Object.entries(memory).map(([k, m]) => [k, m.peakMiB])),
    loadAverage,
  };
}

async function instantQuery(base: string, query: string, time: number, headers: Record<string, string> = {}): Promise<number | null> {
  const url = `${base}/api/v1/query?query=${encodeURIComponent(query)}&time=${(time / 1000).toFixed(3)}`;
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as { data?: { result?: { value?: [number, string] }[] } };
  const value = body.data?.result?.[0]?.value?.[1];
  return value === undefined ? null : Number(value);
}

/**
 * Headless Chromium signed in as the bench's admin with the checks list open (its live stream), kept open until
 * `close`; the browser's own CPU is not counted, the server's cost of the open page is.
 */
async function openChecksList(base: string): Promise<{ close(): Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const page = await (await browser.newContext()).newPage();
    const login = await page.request.post(`${base}/api/v1/auth/login`, { data: { email: BENCH_EMAIL, password: BENCH_PASSWORD } });
    if (!login.ok()) throw new Error(`the bench admin could not sign in: ${login.status()} ${await login.text()}`);
    await page.goto(`${base}/checks`);
    await page.getByTestId('check-link').first().waitFor({ timeout: 60_000 });
    return { close: () => browser.close() };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/**
 * Estate: a child `estate serve` over a fresh data directory, its checks created through the API; with `browser`,
 * the checks list stays open in Chromium through the warm-up and the window.
 */
async function runEstate(checks: number, nginxPort: number, warmupMs: number, windowMs: number, browser = false): Promise<SideRun> {
  const since = Date.now();
  const profileDir = process.env.BENCH_CPU_PROF_DIR;
  const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const estate = await startEstateChild(['monitoring:read', 'monitoring:write', 'metrics:read'], { nodeFlags });
  const { base, headers } = estate;
  try {
    const created = await createChecks(
      estate,
      checks,
      (i) => ({ name: `t${i}`, type: 'http', intervalSeconds: INTERVAL_S, timeoutSeconds: 5, config: { url: urlOf(i, nginxPort) } }),
      CREATE_POOL,
    );
    const page = browser ? await openChecksList(base) : undefined;
    await sleep(warmupMs);
    const window = await measureWindow({ estate: estate.pid }, windowMs).finally(() => page?.close());
    // Results are written once a second, samples after them: give the last ones time to land.
    await sleep(3_000);
    const storedInWindow = await instantQuery(
      base,
      `sum(count_over_time(estate_check_duration_seconds[${windowMs / 1000}s]))`,
      window.to,
      headers,
    );
    const meanRunMs = await instantQuery(
      base,
      `avg(avg_over_time(estate_check_duration_seconds[${windowMs / 1000}s])) * 1000`,
      window.to,
      headers,
    );
    const summary = await (await fetch(`${base}/api/v1/checks/summary`, { headers })).json();
    return {
      name: browser ? 'Estate with the checks list open' : 'Estate',
      since,
      ...window,
      storedInWindow,
      extra: {
        createSeconds: created.seconds,
        checksPerSecondCreated: checks / created.seconds,
        cpuMsPerCreate: (created.cpuSeconds * 1000) / checks,
        meanRunMs,
        summary,
      },
    };
  } finally {
    await estate.stop();
  }
}

/** blackbox_exporter with an http_2xx module, and Prometheus probing every target through it each interval. */
async function runBlackbox(checks: number, nginxPort: number, warmupMs: number, windowMs: number): Promise<SideRun> {
  const since = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'prometheus-bench-chk-'));
  const bbPort = await freePort();
  const promPort = await freePort();
  writeFileSync(
    path.join(dir, 'blackbox.yml'),
    'modules:\n  http_2xx:\n    prober: http\n    timeout: 5s\n    http:\n      preferred_ip_protocol: ip4\n',
  );
  const targets = Array.from({ length: checks }, (_, i) => `          - ${urlOf(i, nginxPort)}`).join('\n');
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    `global:
  scrape_interval: ${INTERVAL_S}s
  scrape_timeout: 5s
scrape_configs:
  - job_name: blackbox
    metrics_path: /probe
    params:
      module: [http_2xx]
    static_configs:
      - targets:
${targets}
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:${bbPort}
`,
  );
  const blackbox = start(
    BLACKBOX,
    [`--config.file=${path.join(dir, 'blackbox.yml')}`, `--web.listen-address=127.0.0.1:${bbPort}`, '--log.level=warn'],
    { cwd: dir, env: process.env },
  );
  let prometheus: StartedProcess | undefined;
  try {
    await waitForOk(`http://127.0.0.1:${bbPort}/-/healthy`, blackbox, performance.now());
    prometheus = start(
      PROMETHEUS,
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      { cwd: dir, env: process.env },
    );
    const base = `http://127.0.0.1:${promPort}`;
    await waitForOk(`${base}/-/ready`, prometheus, performance.now());
    await sleep(warmupMs);
    const window = await measureWindow({ blackbox: blackbox.child.pid as number, prometheus: prometheus.child.pid as number }, windowMs);
    await sleep(3_000);
    const storedInWindow = await instantQuery(base, `sum(count_over_time(probe_success[${windowMs / 1000}s]))`, window.to);
    const up = await instantQuery(base, 'count(probe_success == 1)', window.to);
    const seriesPerProbe = await instantQuery(base, `count({instance="${urlOf(0, nginxPort)}"})`, window.to);
    return { name: 'blackbox_exporter + Prometheus', since, ...window, storedInWindow, extra: { probesUp: up, seriesPerProbe } };
  } finally {
    await prometheus?.stop(30_000);
    await blackbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

/**
 * 10,000 HTTP checks at 10 s (quick: 1,000) against nginx on loopback, one side after the other, each measured over
 * the same steady window after a warm-up: checks/s and interval drift from nginx's access log ($msec per request;
 * drift is |gap − 10 s| between consecutive requests of one path), CPU of the side's processes from /proc over the
 * window per request answered (Estate: results stored in SQLite and the metric store; the peer: probes scraped and
 * stored by Prometheus), RSS at the window's end.
 */
export const benchmark: Benchmark = {
  name: 'check-throughput',
  description: '10,000 HTTP checks at 10 s against nginx on loopback: Estate vs blackbox_exporter + Prometheus',
  async run({ quick }) {
    if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: install nginx to run this bench (apt-get install -y nginx-light)`);
    const peerMissing = [BLACKBOX, PROMETHEUS].filter((bin) => !existsSync(bin));
    const checks = quick ? 1_000 : 10_000;
    // Prometheus starts its scrape loops about 5 s after it is ready, each at an offset within the interval; Estate
    // comes out of minutes of check creation (API writes competing with the first runs) still late on its slots and
    // catching up, which takes a few intervals on a busy machine.
    const warmupMs = quick ? 20_000 : 60_000;
    const windowMs = quick ? 20_000 : 60_000;
    const nominal = checks / INTERVAL_S;
    const nginx = await startNginx();
    const runs: SideRun[] = [];
    let hits: { at: number; path: string }[];
    try {
      runs.push(await runEstate(checks, nginx.port, warmupMs, windowMs));
      // Estate's last runs drain before the next side starts.
      await sleep(2_000);
      if (peerMissing.length === 0) runs.push(await runBlackbox(checks, nginx.port, warmupMs, windowMs));
      await sleep(2_000);
      if (existsSync(CHROMIUM)) runs.push(await runEstate(checks, nginx.port, warmupMs, windowMs, true));
    } finally {
      await stopNginx(nginx.proc);
      hits = existsSync(nginx.log) ? readHits(nginx.log) : [];
      rmSync(nginx.dir, { recursive: true, force: true });
    }
    const figures = runs.map((r) => {
      const w = windowFigures(hits, r.since, r.from, r.to, checks);
      const cpu = sum(r.cpuSeconds);
      return {
        ...r,
        ...w,
        cpuTotalSeconds: cpu,
        cores: cpu / ((r.to - r.from) / 1000),
        cpuMsPerCheck: (cpu * 1000) / Math.max(1, w.hits),
        rssTotalMiB: sum(r.rssMiB),
      };
    });
    const ours = figures[0] as (typeof figures)[number];
    const peer = figures.find((f) => !f.name.startsWith('Estate'));
    const watched = figures.find((f) => f.name.startsWith('Estate with'));
    const p = (pick: (f: typeof ours) => number) => (peer ? pick(peer) : Number.NaN);
    const comparisons: Comparison[] = [
      compare({
        metric: 'checks per second (answered by nginx)',
        unit: '/s',
        ours: ours.checksPerSecond,
        peer: p((f) => f.checksPerSecond),
        better: 'higher',
        target: `≥ ${nominal.toLocaleString('en-US')}/s (within 1%)`,
        meetsTarget: ours.checksPerSecond >= 0.99 * nominal,
      }),
      compare({
        metric: 'CPU per stored check',
        unit: 'ms',
        ours: ours.cpuMsPerCheck,
        peer: p((f) => f.cpuMsPerCheck),
        better: 'lower',
        target: '≤ 1.0 ms and ratio ≤ 1.0',
        meetsTarget: ours.cpuMsPerCheck <= 1.0 && (!peer || ours.cpuMsPerCheck <= peer.cpuMsPerCheck),
      }),
      compare({
        metric: 'CPU used (cores)',
        unit: 'cores',
        ours: ours.cores,
        peer: p((f) => f.cores),
        better: 'lower',
        target: '≤ 1 core',
        meetsTarget: ours.cores <= 1,
      }),
      ...(watched
        ? [
            compare({
              metric: 'CPU per stored check, checks list open in a browser',
              unit: 'ms',
              ours: watched.cpuMsPerCheck,
              peer: p((f) => f.cpuMsPerCheck),
              better: 'lower',
              target: '≤ 1.0 ms and ratio ≤ 1.0',
              meetsTarget: watched.cpuMsPerCheck <= 1.0 && (!peer || watched.cpuMsPerCheck <= peer.cpuMsPerCheck),
            }),
          ]
        : []),
      compare({ metric: 'interval drift p99', unit: 'ms', ours: ours.driftP99Ms, peer: p((f) => f.driftP99Ms), better: 'lower' }),
      compare({ metric: 'RSS at the window end', unit: 'MiB', ours: ours.rssTotalMiB, peer: p((f) => f.rssTotalMiB), better: 'lower' }),
    ];
    const describe = (f: (typeof figures)[number]) =>
      `${f.name}: ${f.hits} requests in ${((f.to - f.from) / 1000).toFixed(1)} s (${f.checksPerSecond.toFixed(1)}/s), ` +
      `${f.storedInWindow ?? 'n/a'} results stored in the window by its own count, CPU ${Object.entries(f.cpuSeconds)
        .map(([k, v]) => `${k} ${v.toFixed(2)} s`)
        .join(', ')} (${f.cpuMsPerCheck.toFixed(3)} ms per request, ${f.cores.toFixed(2)} cores), waiting for a CPU ${Object.entries(
        f.runQueueWaitSeconds,
      )
        .map(([k, v]) => `${k} ${v.toFixed(1)} s`)
        .join(', ')}, ` +
      `RSS ${Object.entries(f.rssMiB)
        .map(([k, v]) => `${k} ${v.toFixed(0)} MiB`)
        .join(', ')}, drift p50 ${f.driftP50Ms.toFixed(1)} ms / p99 ${f.driftP99Ms.toFixed(1)} ms / max ${f.driftMaxMs.toFixed(0)} ms, ` +
      `${f.missedSlots} missed slots, ${f.silentTargets} targets not requested; load average at the window start ${f.loadAverage
        .map((l) => l.toFixed(2))
        .join(' ')}.`;
    const notes = [
      `${checks} HTTP checks at ${INTERVAL_S} s (timeout 5 s) against nginx (1 worker, return 200 "ok") on ${HOSTS} loopback addresses; each side alone, ${warmupMs / 1000} s warm-up after its checks exist, then a ${windowMs / 1000} s window.`,
      ...figures.map(describe),
      `Estate's checks were created through POST /api/v1/checks, ${CREATE_POOL} at once: ${(ours.extra.checksPerSecondCreated as number).toFixed(0)} checks/s, ${(ours.extra.cpuMsPerCreate as number).toFixed(1)} CPU-ms of Estate per check created. A run took ${(ours.extra.meanRunMs as number | null)?.toFixed(1) ?? 'n/a'} ms on average in the window (estate_check_duration_seconds, event-loop delays included).`,
      'Checks/s and drift come from nginx access-log lines ($msec, the end of each request); drift is |gap − 10 s| between consecutive requests of one path with the later one in the window, missed slots count gaps of 15 s or more. CPU is utime+stime of the side’s processes (/proc/<pid>/stat) over the window divided by the requests nginx answered in it; nginx’s own CPU is not counted on either side.',
      'Estate stores per result: its state row, a ring slot and (on a change) history in SQLite, plus estate_check_up and estate_check_duration_seconds in its metric store; Prometheus stores per probe the probe_* series of blackbox_exporter and its scrape series.',
    ];
    if (peerMissing.length > 0)
      notes.push(
        `Peer skipped: ${peerMissing.join(' and ')} missing — install prometheus-blackbox-exporter and prometheus to run this bench's peer side (apt-get install -y prometheus prometheus-blackbox-exporter).`,
      );
    return {
      peerName: peer
        ? 'prometheus-blackbox-exporter 0.23 probed by Prometheus 2.42 (Debian), same targets and rate'
        : 'none (peer missing)',
      comparisons,
      samples: { checks, warmupMs, windowMs, hosts: HOSTS, runs: figures },
      notes,
    };
  },
};
