import type { AgentCheckDefinition, AgentCheckRun } from '@estate/contract';
import type { NetworkChecks } from './network-checks';
import type { PluginAllowList } from './plugin-config';
import { runAgentCheck } from './run-check';

/** The timers and clocks the runner uses; tests give their own. */
export interface RunnerClock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

/** Options of `AgentCheckRunner`. */
export interface AgentCheckRunnerOptions {
  plugins: PluginAllowList;
  /** The network check types, when the agent runs as a remote collector. */
  network?: NetworkChecks;
  /** Receives every finished run, in the order runs finish (the agent buffers it for the server). */
  onRun: (run: AgentCheckRun) => void;
  clock?: RunnerClock;
  /** A fraction of the interval in [0, 1): where in its interval a check first runs (default random). */
  jitter?: (checkId: string) => number;
  /** Runs one check (default `runAgentCheck`); tests may count runs. */
  execute?: typeof runAgentCheck;
}

interface Scheduled {
  definition: AgentCheckDefinition;
  timer: unknown;
  /** The time the next run is due. */
  due: number;
}

const systemClock: RunnerClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return timer;
  },
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/**
 * Runs the agent's assigned checks on their intervals: each first at a jittered point of its interval (so a host's
 * checks do not all start together), then every interval. A check never runs twice at once: when its run outlives
 * the next slot, that slot is skipped, and a check that fell behind (a suspended host, a clock jump) runs once and
 * continues from now rather than catching up. Each run has the check's own timeout.
 */
export class AgentCheckRunner {
  private readonly checks = new Map<string, Scheduled>();
  /** Runs under way, by check id (kept across a change of the check, so the changed one does not overlap it). */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly clock: RunnerClock;
  private readonly stopping = new AbortController();
  private stopped = false;

  constructor(private readonly options: AgentCheckRunnerOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** The ids of the checks scheduled now. */
  ids(): string[] {
    return [...this.checks.keys()].sort();
  }

  /** Replaces the assigned checks: new ones are scheduled, changed ones rescheduled, missing ones dropped. */
  assign(definitions: readonly AgentCheckDefinition[]): void {
    if (this.stopped) return;
    const wanted = new Map(definitions.map((d) => [d.id, d]));
    for (const [id, scheduled] of this.checks)
      if (!wanted.has(id)) {
        this.clock.clearTimer(scheduled.timer);
        this.checks.delete(id);
      }
    for (const definition of definitions) {
      const current = this.checks.get(definition.id);
      if (current && current.definition.version === definition.version) continue;
      if (current) this.clock.clearTimer(current.timer);
      const intervalMs = definition.intervalSeconds * 1000;
      const offset = Math.floor((this.options.jitter ?? (() => Math.random()))(definition.id) * intervalMs);
      const scheduled: Scheduled = { definition, timer: null, due: this.clock.now() + offset };
      this.checks.set(definition.id, scheduled);
      this.arm(scheduled);
    }
  }

  /** Stops scheduling, aborts runs under way and waits for them; their results are dropped (the agent is stopping, not the check). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const scheduled of this.checks.values()) this.clock.clearTimer(scheduled.timer);
    this.stopping.abort();
    await Promise.all(this.inFlight.values());
  }

  private arm(scheduled: Scheduled): void {
    const wait = Math.max(0, scheduled.due - this.clock.now());
    scheduled.timer = this.clock.setTimer(() => this.fire(scheduled), wait);
  }

  private fire(scheduled: Scheduled): void {
    if (this.stopped || this.checks.get(scheduled.definition.id) !== scheduled) return;
    const intervalMs = scheduled.definition.intervalSeconds * 1000;
    const now = this.clock.now();
    // The next slot after now: a late check runs once, then keeps its rhythm from here.
    scheduled.due = now - scheduled.due >= intervalMs ? now + intervalMs : scheduled.due + intervalMs;
    const id = scheduled.definition.id;
    if (!this.inFlight.has(id)) {
      const execute = this.options.execute ?? runAgentCheck;
      const running = execute(scheduled.definition, {
        now: () => this.clock.now(),
        plugins: this.options.plugins,
        signal: this.stopping.signal,
        ...(this.options.network ? { network: this.options.network } : {}),
      })
        .then((run) => {
          if (!this.stopped) this.options.onRun(run);
        })
        .catch(() => undefined)
        .finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, running);
    }
    this.arm(scheduled);
  }
}
