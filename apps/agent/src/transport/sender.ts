import { createHash } from 'node:crypto';
import {
  type AgentCheckAck,
  type AgentCheckRun,
  AgentProblemType,
  AgentProtocolRoutes,
  canonicalJson,
  type HostSnapshot,
  type InventoryAck,
  type InventoryReport,
  type MetricsReport,
  mergePatchBetween,
} from '@estate/contract';
import type { MetricSeries } from '../collectors/collector';
import type { InventoryState } from '../inventory-state';
import type { AgentLogger } from '../logger';
import { type AgentAnswer, type AgentClient, ServerNotTrustedError } from './agent-client';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff';
import type { BufferedRecord, DiskBuffer } from './buffer';

/** Where the agent sends its requests, as the contract's route table declares them. */
export const AGENT_PATHS = {
  enroll: AgentProtocolRoutes.enrollAgent.path,
  config: AgentProtocolRoutes.getAgentConfig.path,
  inventory: AgentProtocolRoutes.reportInventory.path,
  metrics: AgentProtocolRoutes.reportMetrics.path,
  checks: AgentProtocolRoutes.listAgentChecks.path,
  checkResults: AgentProtocolRoutes.reportAgentChecks.path,
} as const;

/** One record of the store-and-forward buffer. `key` is its Idempotency-Key, fixed when it was buffered. */
export type OutboxRecord =
  | { kind: 'inventory'; key: string; collectedAt: number; hash: string; snapshot: HostSnapshot }
  | { kind: 'metrics'; key: string; series: MetricSeries[] }
  | { kind: 'checks'; key: string; runs: AgentCheckRun[] };

/** What the sender has seen, for status output and tests. */
export interface SenderStats {
  sent: number;
  /** Records the server refused for good (400, 413, 422), logged and removed. */
  rejected: number;
  /** Failed attempts in the current streak; 0 when the last attempt succeeded. */
  failures: number;
  lastSuccessAt: number | null;
  lastError: string | null;
  /** The CI the server tied this host to, from the last inventory acknowledgement. */
  ciId: string | null;
}

/** Options of `createSender`. */
export interface SenderOptions {
  buffer: DiskBuffer<OutboxRecord>;
  client: AgentClient;
  inventory: InventoryState;
  log: AgentLogger;
  backoff?: BackoffPolicy;
}

/** Drains the buffer to the server in order; see `createSender`. */
export interface Sender {
  /** Wakes the sender after an append (it does not cut a backoff wait short). */
  kick(): void;
  /** Resolves once the buffer is empty, or when the sender is stopped. */
  idle(): Promise<void>;
  stats(): SenderStats;
  /** Stops after the request in flight, if any, has been answered or failed. */
  stop(): Promise<void>;
}

type Outcome = 'done' | 'retry' | 'again';

const PERMANENT = new Set([400, 413, 422]);

/** Most metrics records sent in one report, and most series and bytes (roughly) in it: well inside the contract and body limits. */
const MAX_RUN = 60;
const MAX_RUN_SERIES = 4000;
const MAX_RUN_BYTES = 512 * 1024;

/** Most check runs sent in one report (the contract allows 1,000). */
const MAX_CHECK_RUNS = 500;

/** True when `value` is a check runs record that still fits the run `taken`. */
function fitsChecks(value: OutboxRecord, taken: ReadonlyArray<BufferedRecord<OutboxRecord>>): boolean {
  if (value.kind !== 'checks') return false;
  let runs = value.runs.length;
  for (const t of taken) {
    if (t.value.kind !== 'checks') return false;
    runs += t.value.runs.length;
  }
  return runs <= MAX_CHECK_RUNS;
}

/** True when `value` is a metrics record that still fits the run `taken` (series count and rough size). */
function fitsRun(value: OutboxRecord, taken: ReadonlyArray<BufferedRecord<OutboxRecord>>): boolean {
  if (value.kind !== 'metrics') return false;
  let series = value.series.length;
  let bytes = JSON.stringify(value.series).length;
  for (const t of taken) {
    if (t.value.kind !== 'metrics') return false;
    series += t.value.series.length;
    bytes += JSON.stringify(t.value.series).length;
  }
  return series <= MAX_RUN_SERIES && bytes <= MAX_RUN_BYTES;
}

/** Joins the series of several rounds: one entry per name and labels, points in round order. */
export function mergeSeries(rounds: ReadonlyArray<ReadonlyArray<MetricSeries>>): MetricSeries[] {
  const merged = new Map<string, MetricSeries>();
  for (const round of rounds)
    for (const series of round) {
      const id = `${series.name}${canonicalJson(series.labels ?? {})}`;
      const existing = merged.get(id);
      if (existing) existing.points.push(...series.points);
      else merged.set(id, { ...series, points: [...series.points] });
    }
  return [...merged.values()];
}

/**
 * Sends buffered records one at a time, oldest first, so each series arrives in order. A record leaves the buffer
 * only after the server acknowledged it (2xx with a verified signature) or refused it for good (400, 413, 422:
 * sending it again cannot help; it is logged and counted). Anything else — no answer, 5xx, 401/403 (pending,
 * revoked, clock skew), 429, an answer without a valid server signature — keeps the record and retries it after
 * an exponential backoff with full jitter (at least `Retry-After` when the server gave one). The first error of a
 * streak is logged, then silence until the server is back, which is logged too.
 */
export function createSender(options: SenderOptions): Sender {
  const { buffer, client, inventory, log } = options;
  const policy = options.backoff ?? DEFAULT_BACKOFF;
  const stats: SenderStats = { sent: 0, rejected: 0, failures: 0, lastSuccessAt: null, lastError: null, ciId: null };
  let running = true;
  let wake: (() => void) | null = null;
  const idleWaiters: Array<() => void> = [];
  // The server's Retry-After on the last failed attempt: the next wait is at least this long.
  let retryAfterMs = 0;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });

  const fail = (message: string, answer?: AgentAnswer<unknown>): Outcome => {
    stats.failures++;
    if (stats.failures === 1) log.warn(`${message}; keeping the buffer and retrying with backoff.`);
    stats.lastError = message;
    retryAfterMs = answer?.retryAfterMs ?? 0;
    return 'retry';
  };

  const succeeded = () => {
    if (stats.failures > 0) log.info(`The server accepts reports again after ${stats.failures} failed attempt(s).`);
    stats.failures = 0;
    stats.lastError = null;
    stats.lastSuccessAt = Date.now();
    stats.sent++;
  };

  async function sendInventory(record: Extract<OutboxRecord, { kind: 'inventory' }>): Promise<Outcome> {
    const base = inventory.get();
    if (base?.hash === record.hash) return 'done';
    const patch = base ? mergePatchBetween(base.snapshot, record.snapshot) : undefined;
    const report: InventoryReport =
      base && patch && typeof patch === 'object'
        ? {
            kind: 'delta',
            collectedAt: record.collectedAt,
            hash: record.hash,
            baseHash: base.hash,
            patch: patch as Record<string, unknown>,
          }
        : { kind: 'full', collectedAt: record.collectedAt, hash: record.hash, snapshot: record.snapshot };
    // A delta and a full report of one record are different requests to the server: each has its own key.
    const answer = await client.send<InventoryAck>('POST', AGENT_PATHS.inventory, {
      body: report,
      idempotencyKey: `${record.key}.${report.kind}`,
    });
    // Only a delta can miss its base; a full report answered so is a server fault, retried with backoff below.
    if (report.kind === 'delta' && answer.status === 409 && answer.problemType === AgentProblemType.snapshotMismatch) {
      log.info('The server does not hold the base snapshot; sending a full one.');
      inventory.clear();
      return 'again';
    }
    if (answer.status >= 200 && answer.status < 300) {
      if (answer.body?.hash === record.hash) inventory.set({ hash: record.hash, snapshot: record.snapshot });
      else inventory.clear();
      stats.ciId = answer.body?.ciId ?? stats.ciId;
      return 'done';
    }
    return judge(answer, 'inventory report');
  }

  async function sendMetrics(records: ReadonlyArray<BufferedRecord<OutboxRecord>>): Promise<Outcome> {
    const series = mergeSeries(records.map((r) => (r.value as Extract<OutboxRecord, { kind: 'metrics' }>).series));
    const report: MetricsReport = { series, dropped: buffer.stats().dropped };
    // One record keeps its own key; a run of them gets a key made of theirs, so the same run retried has the same key
    // and a different run (more records appended meanwhile) a different one. Points already stored are not stored
    // twice, so runs that overlap are harmless.
    const key =
      records.length === 1
        ? records[0]?.value.key
        : `run-${createHash('sha256')
            .update(records.map((r) => r.value.key).join(','))
            .digest('hex')
            .slice(0, 40)}`;
    const answer = await client.send('POST', AGENT_PATHS.metrics, { body: report, ...(key ? { idempotencyKey: key } : {}) });
    if (answer.status >= 200 && answer.status < 300) return 'done';
    return judge(answer, 'metrics report');
  }

  async function sendChecks(records: ReadonlyArray<BufferedRecord<OutboxRecord>>): Promise<Outcome> {
    const runs = records.flatMap((r) => (r.value as Extract<OutboxRecord, { kind: 'checks' }>).runs);
    // Runs already recorded are skipped by the server (not newer than the last one), so a retried run is harmless.
    const key = records.length === 1 ? records[0]?.value.key : `checks-${records[0]?.value.key}-${records.length}`;
    const answer = await client.send<AgentCheckAck>('POST', AGENT_PATHS.checkResults, {
      body: { runs },
      ...(key ? { idempotencyKey: key } : {}),
    });
    if (answer.status >= 200 && answer.status < 300) return 'done';
    return judge(answer, 'check results report');
  }

  function judge(answer: AgentAnswer<unknown>, what: string): Outcome {
    const detail = describe(answer);
    if (PERMANENT.has(answer.status)) {
      stats.rejected++;
      log.error(`The server refused a ${what} for good (${detail}); dropping it.`);
      return 'done';
    }
    return fail(`The server answered a ${what} with ${detail}`, answer);
  }

  async function loop(): Promise<void> {
    while (running) {
      const record = buffer.peek();
      if (!record) {
        for (const resolve of idleWaiters.splice(0)) resolve();
        await new Promise<void>((resolve) => {
          wake = () => {
            wake = null;
            resolve();
          };
        });
        continue;
      }
      // A backlog of metrics rounds (after an outage) goes out as one report per run of up to MAX_RUN records.
      let run =
        record.value.kind === 'metrics'
          ? buffer.peekRun(MAX_RUN, (value, taken) => fitsRun(value, taken))
          : record.value.kind === 'checks'
            ? buffer.peekRun(MAX_RUN, (value, taken) => fitsChecks(value, taken))
            : [record];
      // A record too large for a run on its own still goes, alone.
      if (run.length === 0) run = [record];
      let outcome: Outcome;
      try {
        outcome =
          record.value.kind === 'inventory'
            ? await sendInventory(record.value)
            : record.value.kind === 'checks'
              ? await sendChecks(run)
              : await sendMetrics(run);
      } catch (err) {
        const message = err instanceof ServerNotTrustedError ? err.message : `The server is unreachable: ${(err as Error).message}`;
        outcome = fail(message);
      }
      if (outcome === 'again') continue;
      if (outcome === 'done') {
        for (const sent of run) buffer.ack(sent.id);
        succeeded();
        continue;
      }
      if (!running) break;
      await sleep(Math.max(retryAfterMs, backoffDelay(stats.failures, policy)));
    }
    for (const resolve of idleWaiters.splice(0)) resolve();
  }

  const done = loop();
  return {
    kick() {
      // Only an idle sender is woken; one waiting out a backoff keeps waiting.
      if (wake && stats.failures === 0) wake();
    },
    idle() {
      if (!running || buffer.stats().pending === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    stats: () => ({ ...stats }),
    async stop() {
      running = false;
      wake?.();
      await done;
    },
  };
}

function describe(answer: AgentAnswer<unknown>): string {
  const body = answer.body as { title?: string; detail?: string } | undefined;
  const text = body?.detail ?? body?.title;
  return `${answer.status}${answer.problemType ? ` ${answer.problemType}` : ''}${text ? `: ${text}` : ''}`;
}
