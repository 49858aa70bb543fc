import { randomUUID } from 'node:crypto';
import type { DestinationClass } from '@estate/checks/net/outbound-policy';
import { type AgentCheckList, type AgentConfig, type AgentIntervals, AgentProblemType, type AgentStatus } from '@estate/contract';
import { loadAssignedChecks, saveAssignedChecks } from './checks/assigned-checks';
import { AgentCheckRunner, type RunnerClock } from './checks/check-runner';
import { loadNetworkChecks } from './checks/load-network-checks';
import { DEFAULT_CONFIG_FILE, loadChecksAllow, loadPluginAllowList, type PluginAllowList } from './checks/plugin-config';
import type { InventoryCollector, MetricCollector } from './collectors/collector';
import { collectInventory, defaultInventoryCollectors, snapshotHash } from './collectors/inventory';
import { collectMetrics, defaultMetricCollectors } from './collectors/metrics';
import { loadIdentity, saveIntervals, statePaths } from './identity';
import { InventoryState } from './inventory-state';
import { type AgentLogger, stderrLogger } from './logger';
import { acquireRunLock } from './run-lock';
import { type AgentStats, writeStatus } from './status';
import { createAgentClient, ServerNotTrustedError } from './transport/agent-client';
import type { BackoffPolicy } from './transport/backoff';
import { DiskBuffer } from './transport/buffer';
import { AGENT_PATHS, createSender, type OutboxRecord } from './transport/sender';

/** Options of `startAgent`. Only `stateDir` is required; the rest exist for the server's local agent and tests. */
export interface StartAgentOptions {
  /** The state directory of an enrolled agent (identity, private key, buffer). */
  stateDir: string;
  /** Overrides the intervals the server asks for (tests, benchmarks); the server's are used otherwise. */
  intervals?: Partial<AgentIntervals>;
  /** Bound of the store-and-forward buffer in bytes; default 64 MiB. */
  bufferMaxBytes?: number;
  backoff?: BackoffPolicy;
  log?: AgentLogger;
  inventoryCollectors?: InventoryCollector[];
  metricCollectors?: MetricCollector[];
  /** The host's own configuration file (plugin allow-list); default /etc/estate-agent/agent.json. */
  configFile?: string;
  /** The plugin allow-list itself, instead of reading `configFile` (tests). */
  plugins?: PluginAllowList;
  /** How often the assigned checks are fetched (default 60 s). */
  checksSyncSeconds?: number;
  /**
   * Runs as a remote collector: besides its own host's checks, the network checks (HTTP, TCP, ICMP, SNMP, …) assigned
   * to it, from inside its site; their results travel through the same buffered, signed channel.
   */
  collector?: boolean;
  /** The check runner's clock (tests). */
  checksClock?: RunnerClock;
  /** Where in its interval each check first runs, a fraction in [0, 1) (default random; tests give 0). */
  checksJitter?: (checkId: string) => number;
}

/** A started agent. */
export interface RunningAgent {
  readonly agentId: string;
  /** Collects inventory (and sends it when it changed) and one metrics round now, without waiting for the timers. */
  collectNow(): Promise<void>;
  /** Fetches the assigned checks now; answers the ids scheduled afterwards. */
  syncChecks(): Promise<string[]>;
  /** Resolves once every buffered record has been acknowledged (or the agent stopped). */
  flush(): Promise<void>;
  stats(): AgentStats;
  /** Stops the timers, waits for the round and request in flight, closes the buffer. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts an enrolled agent: metrics every `metricsSeconds`, inventory every `inventorySeconds` (sent only when
 * the snapshot changed: full first, then merge-patch deltas), a heartbeat (`GET /api/v1/agent/config`, which
 * may change the intervals) with each inventory round, and every record buffered on disk before it is sent.
 * Rejects with a ConfigError when the state directory holds no usable identity, and with a refusal when another
 * agent already runs on it.
 */
export async function startAgent(options: StartAgentOptions): Promise<RunningAgent> {
  const log = options.log ?? stderrLogger;
  const identity = loadIdentity(options.stateDir);
  const release = acquireRunLock(options.stateDir);
  const paths = statePaths(options.stateDir);
  let buffer: DiskBuffer<OutboxRecord>;
  try {
    buffer = new DiskBuffer<OutboxRecord>({ dir: paths.buffer, ...(options.bufferMaxBytes ? { maxBytes: options.bufferMaxBytes } : {}) });
  } catch (err) {
    release();
    throw err;
  }
  let plugins: PluginAllowList;
  let checksAllow: DestinationClass[] = [];
  try {
    const configFile = options.configFile ?? process.env.ESTATE_AGENT_CONFIG ?? DEFAULT_CONFIG_FILE;
    plugins = options.plugins ?? loadPluginAllowList(configFile);
    if (options.collector) checksAllow = loadChecksAllow(configFile);
  } catch (err) {
    buffer.close();
    release();
    throw err;
  }
  const inventory = new InventoryState(paths.inventory);
  const client = createAgentClient(identity);
  const sender = createSender({ buffer, client, inventory, log, ...(options.backoff ? { backoff: options.backoff } : {}) });
  const inventoryCollectors = options.inventoryCollectors ?? defaultInventoryCollectors();
  const metricCollectors = options.metricCollectors ?? defaultMetricCollectors();

  let serverIntervals: AgentIntervals = identity.intervals ?? { inventorySeconds: 600, metricsSeconds: 30 };
  const intervals = (): AgentIntervals => ({ ...serverIntervals, ...options.intervals });
  let status: AgentStatus | null = null;
  let lastQueuedHash = inventory.get()?.hash ?? null;
  let heartbeatFailing = false;
  let running = true;
  let inventoryReports = 0;
  let metricsReports = 0;
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();

  const stats = (): AgentStats => ({
    agentId: identity.agentId,
    status,
    intervals: intervals(),
    buffer: buffer.stats(),
    sender: sender.stats(),
    inventoryReports,
    metricsReports,
  });

  const append = (record: OutboxRecord) => {
    try {
      buffer.append(record);
      sender.kick();
    } catch (err) {
      log.error(`Could not buffer a ${record.kind} report: ${(err as Error).message}`);
    }
  };

  async function heartbeat(): Promise<void> {
    try {
      const answer = await client.send<AgentConfig>('GET', AGENT_PATHS.config);
      // A pending or revoked agent is refused with a problem saying so: remember it for `estate-agent status`.
      const refusedAs =
        answer.problemType === AgentProblemType.agentPending
          ? 'pending'
          : answer.problemType === AgentProblemType.agentRevoked
            ? 'revoked'
            : null;
      if (refusedAs && refusedAs !== status) {
        log.warn(
          refusedAs === 'pending'
            ? 'This agent waits for an administrator to approve it; its reports stay buffered until then.'
            : 'An administrator revoked this agent; enroll it again with a new token (`estate-agent enroll --force`).',
        );
        status = refusedAs;
        return;
      }
      if (refusedAs) return;
      if (answer.status !== 200 || !answer.body)
        throw new Error(`the server answered ${answer.status}${answer.problemType ? ` ${answer.problemType}` : ''}`);
      if (heartbeatFailing) log.info('Heartbeat answered again.');
      heartbeatFailing = false;
      if (answer.body.status !== status && answer.body.status !== 'active')
        log.warn(
          `The server lists this agent as ${answer.body.status}${answer.body.status === 'pending' ? ' (waiting for approval)' : ''}.`,
        );
      status = answer.body.status;
      const next = answer.body.intervals;
      if (next && (next.inventorySeconds !== serverIntervals.inventorySeconds || next.metricsSeconds !== serverIntervals.metricsSeconds)) {
        serverIntervals = next;
        saveIntervals(options.stateDir, next);
        log.info(`The server asks for inventory every ${next.inventorySeconds} s and metrics every ${next.metricsSeconds} s.`);
      }
    } catch (err) {
      if (!heartbeatFailing) {
        const reason = err instanceof ServerNotTrustedError ? err.message : `Heartbeat failed: ${(err as Error).message}`;
        log.warn(`${reason}; will retry.`);
      }
      heartbeatFailing = true;
    }
  }

  const checksFile = `${options.stateDir}/checks.json`;
  let assigned = loadAssignedChecks(checksFile);
  // The network check types (and their database and SNMP clients) load only in a collector: a plain agent stays small.
  const network = options.collector ? new (await loadNetworkChecks())(checksAllow) : undefined;
  const runner = new AgentCheckRunner({
    plugins,
    ...(network ? { network } : {}),
    onRun: (run) => append({ kind: 'checks', key: randomUUID(), runs: [run] }),
    ...(options.checksClock ? { clock: options.checksClock } : {}),
    ...(options.checksJitter ? { jitter: options.checksJitter } : {}),
  });
  // The checks last fetched keep running while the server cannot be reached, also across a restart.
  if (assigned) runner.assign(assigned.checks);

  let checksFailing = false;
  async function checksRound(): Promise<void> {
    const params = new URLSearchParams();
    if (assigned) params.set('version', assigned.version);
    if (options.collector) params.set('collector', 'true');
    const query = params.size > 0 ? `?${params}` : '';
    let answer: Awaited<ReturnType<typeof client.send<AgentCheckList>>>;
    try {
      answer = await client.send<AgentCheckList>('GET', `${AGENT_PATHS.checks}${query}`);
      if (answer.status !== 200 || !answer.body) throw new Error(`the server answered ${answer.status}`);
      checksFailing = false;
    } catch (err) {
      // An untrusted answer is reported by the heartbeat already; the checks fetched last keep running meanwhile.
      if (!checksFailing && !(err instanceof ServerNotTrustedError))
        log.warn(`Could not fetch the assigned checks (${(err as Error).message}); the last ones keep running.`);
      checksFailing = true;
      return;
    }
    if (!answer.body) return;
    const { version, checks } = answer.body;
    if (checks === null) return;
    const before = assigned?.checks.length ?? 0;
    assigned = { version, checks };
    saveAssignedChecks(checksFile, assigned);
    runner.assign(checks);
    // Most agents run no checks: an empty list is news only when it replaces checks this agent ran.
    if (checks.length > 0 || before > 0)
      log.info(`${checks.length} check${checks.length === 1 ? '' : 's'} assigned to this agent (version ${version.slice(0, 8)}).`);
  }

  async function inventoryRound(): Promise<void> {
    await heartbeat();
    const collectedAt = Date.now();
    const { snapshot, failures } = await collectInventory(inventoryCollectors, collectedAt);
    for (const f of failures) log.warn(`Inventory collector ${f.collector} failed: ${f.error.message}`);
    const hash = snapshotHash(snapshot);
    if (hash === lastQueuedHash) return;
    append({ kind: 'inventory', key: randomUUID(), collectedAt, hash, snapshot });
    lastQueuedHash = hash;
    inventoryReports++;
  }

  async function metricsRound(): Promise<void> {
    const { series, failures } = await collectMetrics(metricCollectors);
    for (const failure of failures) log.warn(`Metrics collector ${failure}`);
    if (series.length > 0) {
      append({ kind: 'metrics', key: randomUUID(), series });
      metricsReports++;
    }
    writeStatus(options.stateDir, stats());
  }

  // Each round reschedules itself when it is done, so rounds never overlap and interval changes apply at once.
  const every = (round: () => Promise<void>, seconds: () => number, name: string) => {
    const tick = () => {
      if (!running) return;
      const work = round()
        .catch((err: unknown) => log.error(`The ${name} round failed: ${(err as Error).message}`))
        .finally(() => {
          inFlight.delete(work);
          if (!running) return;
          const timer = setTimeout(() => {
            timers.delete(timer);
            tick();
          }, seconds() * 1000);
          timers.add(timer);
        });
      inFlight.add(work);
    };
    tick();
  };

  log.info(
    `Agent ${identity.agentId} reporting to ${identity.serverUrl}${options.collector ? ', also running network checks as a remote collector' : ''}.`,
  );
  every(inventoryRound, () => intervals().inventorySeconds, 'inventory');
  every(metricsRound, () => intervals().metricsSeconds, 'metrics');
  every(checksRound, () => options.checksSyncSeconds ?? 60, 'checks');

  let stopped: Promise<void> | null = null;
  return {
    agentId: identity.agentId,
    async collectNow() {
      await Promise.all([inventoryRound(), metricsRound()]);
    },
    async syncChecks() {
      await checksRound();
      return runner.ids();
    },
    flush: () => sender.idle(),
    stats,
    stop() {
      stopped ??= (async () => {
        running = false;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        await Promise.all(inFlight);
        await runner.stop();
        await sender.stop();
        writeStatus(options.stateDir, stats());
        buffer.close();
        release();
      })();
      return stopped;
    },
  };
}
