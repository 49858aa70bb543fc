/**
 * Alert latency (issue 15): the time from a target going down to the notification arriving at a local webhook
 * receiver, for Estate (a child `estate serve`: an HTTP check of the target, the starter rule CheckDown, a webhook
 * channel) and, in the same run and watching the same target at the same moments, Debian's Prometheus scraping the
 * target with a rule `up == 0` (`for: 0s`) and Debian's Alertmanager posting to the same receiver.
 *
 * Fairness: both sides look at the target every 10 s (Estate's check interval, Prometheus' scrape interval) and
 * evaluate their rules every 10 s (Estate's starter group "Estate checks" runs at 10 s, Prometheus'
 * evaluation_interval is set to 10 s); both route with the same group_wait (GROUP_WAIT, set on Estate through
 * PUT /api/v1/alert-routing and in Alertmanager's route) and group_interval. The target is one path served by this
 * process: 200 with a valid exposition line while up (so Prometheus' scrape succeeds and `up` is 1), 503 while down
 * (Estate's check fails, Prometheus' scrape fails and `up` is 0). Each trial waits a random part of the interval
 * before switching the target down, so the switch falls at a different phase of both sides' timers.
 *
 * Needs (Debian): `apt-get install -y --no-install-recommends prometheus prometheus-alertmanager`; without them the
 * bench measures Estate alone and says what to install. Run: `npm run bench -- alert-latency` (`--quick`: 3 trials).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type EstateChild, startEstateChild } from './support/estate-child';
import { freePort, type StartedProcess, start, waitForOk } from './support/process-probe';
import { type Benchmark, type Comparison, compare, median, p95 } from './support/report';

const PROMETHEUS = '/usr/bin/prometheus';
const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';
const INTERVAL_S = 10;
/** The same on both sides (Alertmanager's and Estate's default is 30 s); reported with the figures. */
const GROUP_WAIT = '0s';
/** Short on both sides so a resolved notification (sent on the group's interval) ends a trial quickly. */
const GROUP_INTERVAL = '10s';
/**
 * Alertmanager removes a group left empty by a resolution only on its 30 s maintenance tick; an alert joining a group
 * that still exists waits for the group's next interval instead of group_wait. Waiting this long after both resolved
 * notifications makes every trial start from no group on either side (Estate drops an empty group at once).
 */
const SETTLE_MS = 32_000;
const NOTIFY_TIMEOUT_MS = 120_000;

type Side = 'estate' | 'prometheus';

interface Delivery {
  at: number;
  status: string;
  /** The firing alert's startsAt (when the side's rule made it active), epoch ms. */
  startsAt: number | null;
}

/** The webhook receiver both sides post to: /estate and /alertmanager, every delivery kept with its arrival time. */
async function startReceiver(): Promise<{ port: number; deliveries: Record<Side, Delivery[]>; close(): Promise<void> }> {
  const deliveries: Record<Side, Delivery[]> = { estate: [], prometheus: [] };
  const server = http.createServer((req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const side: Side | null = req.url === '/estate' ? 'estate' : req.url === '/alertmanager' ? 'prometheus' : null;
      if (side) {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { status?: string; alerts?: { startsAt?: string }[] };
          const firstStart = body.alerts?.[0]?.startsAt;
          deliveries[side].push({ at, status: body.status ?? 'unknown', startsAt: firstStart ? Date.parse(firstStart) : null });
        } catch {
          deliveries[side].push({ at, status: 'unparsable', startsAt: null });
        }
      }
      res.writeHead(200).end('ok');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { port, deliveries, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The watched target: GET /target answers 200 with one exposition line while up, 503 while down. */
async function startTarget(): Promise<{ port: number; setUp(up: boolean): void; close(): Promise<void> }> {
  let up = true;
  const server = http.createServer((req, res) => {
    if (!req.url?.startsWith('/target')) return void res.writeHead(404).end();
    if (up) res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end('bench_target_ok 1\n');
    else res.writeHead(503, { 'content-type': 'text/plain' }).end('down\n');
  });
  server.keepAliveTimeout = 1_000;
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    setUp: (value) => {
      up = value;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function api(child: EstateChild, method: string, route: string, body?: unknown, extra: Record<string, string> = {}) {
  const res = await fetch(`${child.base}${route}`, {
    method,
    headers: { ...child.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extra },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${text}`);
  return { res, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Estate: routing with GROUP_WAIT, a webhook channel to the receiver, an HTTP check of the target. */
async function setUpEstate(targetPort: number, receiverPort: number): Promise<{ child: EstateChild; checkId: string }> {
  const child = await startEstateChild(['monitoring:read', 'monitoring:write', 'alerting:read', 'alerting:write', 'metrics:read'], {
    env: { ESTATE_CHANNELS_ALLOW: 'loopback' },
  });
  try {
    const current = await api(child, 'GET', '/api/v1/alert-routing');
    const etag = current.res.headers.get('etag') ?? '';
    await api(
      child,
      'PUT',
      '/api/v1/alert-routing',
      {
        yaml: `route:\n  receiver: default\n  group_by: ['alertname']\n  group_wait: ${GROUP_WAIT}\n  group_interval: ${GROUP_INTERVAL}\n  repeat_interval: 4h\nreceivers:\n  - name: default\n`,
      },
      { 'if-match': etag },
    );
    await api(child, 'POST', '/api/v1/notification-channels', {
      name: 'bench receiver',
      type: 'webhook',
      secrets: { url: `http://127.0.0.1:${receiverPort}/estate` },
    });
    const check = await api(child, 'POST', '/api/v1/checks', {
      name: 'bench target',
      type: 'http',
      intervalSeconds: INTERVAL_S,
      timeoutSeconds: 5,
      retries: 0,
      config: { url: `http://127.0.0.1:${targetPort}/target` },
    });
    return { child, checkId: check.json.id as string };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

/** Prometheus (scrape and rule evaluation every 10 s) and Alertmanager (no cluster) over a fresh directory. */
async function setUpPrometheus(
  targetPort: number,
  receiverPort: number,
): Promise<{ prometheus: StartedProcess; alertmanager: StartedProcess; base: string; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'prometheus-bench-alert-'));
  const promPort = await freePort();
  const amPort = await freePort();
  writeFileSync(
    path.join(dir, 'alertmanager.yml'),
    `route:
  receiver: hook
  group_by: ['alertname']
  group_wait: ${GROUP_WAIT}
  group_interval: ${GROUP_INTERVAL}
  repeat_interval: 4h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:${receiverPort}/alertmanager
`,
  );
  writeFileSync(
    path.join(dir, 'rules.yml'),
    `groups:
  - name: bench
    rules:
      - alert: TargetDown
        expr: up{job="target"} == 0
        for: 0s
`,
  );
  writeFileSync(
    path.join(dir, 'prometheus.yml'),
    `global:
  scrape_interval: ${INTERVAL_S}s
  scrape_timeout: 5s
  evaluation_interval: ${INTERVAL_S}s
rule_files:
  - ${path.join(dir, 'rules.yml')}
alerting:
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:${amPort}']
scrape_configs:
  - job_name: target
    metrics_path: /target
    static_configs:
      - targets: ['127.0.0.1:${targetPort}']
`,
  );
  const alertmanager = start(
    ALERTMANAGER,
    [
      `--config.file=${path.join(dir, 'alertmanager.yml')}`,
      `--storage.path=${path.join(dir, 'am')}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { cwd: dir, env: process.env },
  );
  let prometheus: StartedProcess | undefined;
  try {
    await waitForOk(`http://127.0.0.1:${amPort}/-/ready`, alertmanager, performance.now());
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
    return { prometheus, alertmanager, base, dir };
  } catch (err) {
    await prometheus?.stop();
    await alertmanager.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Waits until `ready()` holds, polling every 500 ms; fails after `timeoutMs` naming `what`. */
async function until(what: string, ready: () => Promise<boolean> | boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await ready()) return;
    await sleep(500);
  }
  throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
}

interface Trial {
  downAt: number;
  /** ms from the switch to the firing notification's arrival, per side (null: none within the timeout). */
  latencyMs: Record<Side, number | null>;
  /** ms from the switch to the alert's startsAt as the side reported it (detection and rule evaluation). */
  activeAfterMs: Record<Side, number | null>;
}

const sides = (peer: boolean): Side[] => (peer ? ['estate', 'prometheus'] : ['estate']);

export const benchmark: Benchmark = {
  name: 'alert-latency',
  description: 'Target down → webhook notification: Estate (check + CheckDown) vs Prometheus + Alertmanager, p50/p95',
  async run({ quick }) {
    const trials = quick ? 3 : 10;
    const peerMissing = [PROMETHEUS, ALERTMANAGER].filter((bin) => !existsSync(bin));
    const peer = peerMissing.length === 0;
    const receiver = await startReceiver();
    const target = await startTarget();
    let estate: Awaited<ReturnType<typeof setUpEstate>> | undefined;
    let prom: Awaited<ReturnType<typeof setUpPrometheus>> | undefined;
    const done: Trial[] = [];
    const notes: string[] = [];
    try {
      estate = await setUpEstate(target.port, receiver.port);
      if (peer) prom = await setUpPrometheus(target.port, receiver.port);
      const { child, checkId } = estate;
      // Both sides have seen the target up before the first trial.
      await until(
        "Estate's check up",
        async () => JSON.stringify((await api(child, 'GET', `/api/v1/checks/${checkId}`)).json).includes('"state":"up"'),
        60_000,
      );
      if (prom) {
        const base = prom.base;
        await until(
          "Prometheus' scrape up",
          async () => {
            const body = (await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent('up{job="target"}')}`)).json()) as {
              data?: { result?: { value?: [number, string] }[] };
            };
            return body.data?.result?.[0]?.value?.[1] === '1';
          },
          60_000,
        );
      }
      for (let i = 0; i < trials; i++) {
        // A different phase of both sides' 10 s timers each trial.
        await sleep(Math.floor(Math.random() * INTERVAL_S * 1000));
        const seen = { estate: receiver.deliveries.estate.length, prometheus: receiver.deliveries.prometheus.length };
        const downAt = Date.now();
        target.setUp(false);
        const firing = (side: Side) => receiver.deliveries[side].slice(seen[side]).find((d) => d.status === 'firing');
        await until('a firing notification from every side', () => sides(peer).every((s) => firing(s)), NOTIFY_TIMEOUT_MS).catch(
          (err: Error) => notes.push(`trial ${i + 1}: ${err.message}`),
        );
        const trial: Trial = {
          downAt,
          latencyMs: { estate: null, prometheus: null },
          activeAfterMs: { estate: null, prometheus: null },
        };
        for (const side of sides(peer)) {
          const d = firing(side);
          if (!d) continue;
          trial.latencyMs[side] = d.at - downAt;
          trial.activeAfterMs[side] = d.startsAt === null ? null : d.startsAt - downAt;
        }
        done.push(trial);
        process.stdout.write(
          `  trial ${i + 1}/${trials}: Estate ${trial.latencyMs.estate ?? 'none'} ms${peer ? `, Prometheus + Alertmanager ${trial.latencyMs.prometheus ?? 'none'} ms` : ''}\n`,
        );
        const upAt = Date.now();
        const resolvedSeen = { estate: receiver.deliveries.estate.length, prometheus: receiver.deliveries.prometheus.length };
        target.setUp(true);
        const resolved = (side: Side) => receiver.deliveries[side].slice(resolvedSeen[side]).some((d) => d.status === 'resolved');
        await until('a resolved notification from every side', () => sides(peer).every(resolved), NOTIFY_TIMEOUT_MS).catch((err: Error) =>
          notes.push(`trial ${i + 1}: ${err.message} (after ${((Date.now() - upAt) / 1000).toFixed(0)} s)`),
        );
        if (i < trials - 1) await sleep(SETTLE_MS);
      }
    } finally {
      await estate?.child.stop();
      await prom?.prometheus.stop(30_000);
      await prom?.alertmanager.stop();
      if (prom) rmSync(prom.dir, { recursive: true, force: true });
      await target.close();
      await receiver.close();
    }
    const of = (side: Side) => done.map((t) => t.latencyMs[side]).filter((v): v is number => v !== null);
    const ours = of('estate');
    const theirs = of('prometheus');
    if (ours.length === 0) throw new Error(`Estate sent no firing notification in ${trials} trials: ${notes.join('; ')}`);
    const targetMs = (INTERVAL_S + 5) * 1000;
    const orNaN = (values: number[], pick: (v: number[]) => number) => (values.length > 0 ? pick(values) : Number.NaN);
    const comparisons: Comparison[] = [
      compare({
        metric: 'target down → webhook, p50',
        unit: 's',
        ours: median(ours) / 1000,
        peer: orNaN(theirs, median) / 1000,
        better: 'lower',
      }),
      compare({
        metric: 'target down → webhook, p95',
        unit: 's',
        ours: p95(ours) / 1000,
        peer: orNaN(theirs, p95) / 1000,
        better: 'lower',
        target: `≤ ${targetMs / 1000} s (check interval + 5 s)`,
        meetsTarget: p95(ours) <= targetMs,
      }),
    ];
    const fmt = (values: (number | null)[]) => values.map((v) => (v === null ? '—' : (v / 1000).toFixed(1))).join(', ');
    /** ms from the alert's startsAt to the notification's arrival (routing, group_wait and delivery), per trial. */
    const after = (side: Side) =>
      done
        .map((t) =>
          t.latencyMs[side] === null || t.activeAfterMs[side] === null
            ? '—'
            : `${(t.latencyMs[side] as number) - (t.activeAfterMs[side] as number)}`,
        )
        .join(', ');
    notes.unshift(
      `${trials} trials; group_wait ${GROUP_WAIT} and group_interval ${GROUP_INTERVAL} on both sides (both default to 30 s / 5 m); check interval = scrape interval = rule evaluation interval = ${INTERVAL_S} s; Estate's check has retries 0 and CheckDown has for 0, Prometheus' rule is up == 0 with for: 0s.`,
      `Estate, s per trial: ${fmt(done.map((t) => t.latencyMs.estate))}; of which until the alert's startsAt (check run + rule evaluation): ${fmt(done.map((t) => t.activeAfterMs.estate))}; from startsAt to arrival, ms: ${after('estate')}.`,
      ...(peer
        ? [
            `Prometheus + Alertmanager, s per trial: ${fmt(done.map((t) => t.latencyMs.prometheus))}; of which until the alert's startsAt (scrape + rule evaluation): ${fmt(done.map((t) => t.activeAfterMs.prometheus))}; from startsAt to arrival, ms: ${after('prometheus')}.`,
            "Alertmanager runs with clustering off (--cluster.listen-address=), as one instance; otherwise Debian's defaults.",
          ]
        : [`Peer skipped: ${peerMissing.join(' and ')} missing — apt-get install -y prometheus prometheus-alertmanager to run it.`]),
    );
    return {
      peerName: peer ? 'Prometheus 2.42 + Alertmanager 0.25 (Debian), same target, same trials' : 'none (peer missing)',
      comparisons,
      samples: { trials: done, groupWait: GROUP_WAIT, groupInterval: GROUP_INTERVAL, intervalSeconds: INTERVAL_S },
      notes,
    };
  },
};
