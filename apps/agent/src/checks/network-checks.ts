import {
  builtInCheckTypes,
  type CheckNetworkPolicy,
  CheckTypeRegistry,
  checkNetworkPolicyAllowing,
  type DestinationClass,
  type JudgedOutcome,
  type PreparedCheck,
} from '@estate/checks';
import { type AgentCheckDefinition, type AgentCheckSeries, isAgentCheckType } from '@estate/contract';
import type { AgentCheckOutcome } from './agent-check';

/** Details larger than this (as JSON) are not reported; a note says so (the server keeps no more either). */
const MAX_DETAILS_CHARS = 16_384;
const SERIES_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * The network check types an agent runs as a remote collector (`estate-agent run --collector`): the server's own
 * types from @estate/checks — HTTP, TCP, ICMP, DNS, TLS, SMTP/IMAP, databases, Prometheus, SNMP — run from inside the
 * collector's site, under the same outbound policy as on the server (private and loopback ranges reachable; link-local
 * and cloud metadata refused unless the host's own agent.json lifts them with `checksAllow`). Push checks stay on the server, where their pings arrive.
 *
 * A definition is validated by its type once, on its first run, and kept with the definition object (a changed check
 * arrives as a new object); the configuration and secrets are checked again here, whatever the server said.
 */
export class NetworkChecks {
  private readonly registry: CheckTypeRegistry;
  /** Where this collector's checks may connect. */
  readonly policy: CheckNetworkPolicy;
  private readonly prepared = new WeakMap<AgentCheckDefinition, PreparedCheck | Error>();

  /** `allowed`: the destination classes this host's agent.json lifts (`checksAllow`). */
  constructor(allowed: readonly DestinationClass[] = []) {
    this.policy = checkNetworkPolicyAllowing(allowed);
    this.registry = new CheckTypeRegistry(builtInCheckTypes(this.policy).filter((t) => t.type !== 'push' && !isAgentCheckType(t.type)));
  }

  /** Whether `type` is a network type a collector runs. */
  runs(type: string): boolean {
    return this.registry.get(type) !== undefined;
  }

  /** Runs one network check; a configuration its type refuses is `unknown`, naming the field. Never rejects. */
  async run(definition: AgentCheckDefinition, signal: AbortSignal): Promise<AgentCheckOutcome> {
    const prepared = this.prepare(definition);
    if (prepared instanceof Error)
      return { status: 'unknown', message: `This collector refuses the check's settings: ${prepared.message}`, details: {} };
    return reportable(await prepared.run(signal));
  }

  private prepare(definition: AgentCheckDefinition): PreparedCheck | Error {
    let prepared = this.prepared.get(definition);
    if (!prepared) {
      try {
        prepared = this.registry.prepare(
          definition.type,
          { ...definition.config, conditions: definition.conditions ?? [] },
          { warningConditions: definition.warningConditions ?? [], secrets: definition.secrets ?? {} },
        );
      } catch (err) {
        prepared = err as Error;
      }
      this.prepared.set(definition, prepared);
    }
    return prepared;
  }
}

/** A judged outcome in the shape the agent's channel carries: details capped, series the server would accept. */
function reportable(outcome: JudgedOutcome): AgentCheckOutcome {
  const json = JSON.stringify(outcome.details);
  const details =
    json === undefined || json.length > MAX_DETAILS_CHARS
      ? { note: `The details (${json?.length ?? 0} characters) were too large to keep.` }
      : outcome.details;
  const series: AgentCheckSeries[] = [];
  for (const s of outcome.series ?? []) {
    const labels = s.labels ?? {};
    const entries = Object.entries(labels);
    if (!SERIES_NAME.test(s.name) || s.name.length > 200 || !Number.isFinite(s.value) || entries.length > 10) continue;
    if (entries.some(([k, v]) => k.length > 100 || v.length > 200)) continue;
    series.push(entries.length > 0 ? { name: s.name, labels: { ...labels }, value: s.value } : { name: s.name, value: s.value });
  }
  return {
    status: outcome.status,
    message: outcome.message,
    details,
    conditions: outcome.conditions.map((c) => ({
      condition: c.condition,
      passed: c.passed,
      reason: c.reason,
      ...(c.warning ? { warning: true } : {}),
    })),
    ...(series.length > 0 ? { series } : {}),
  };
}
