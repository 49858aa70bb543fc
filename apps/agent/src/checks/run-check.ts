import {
  type AgentCheckDefinition,
  type AgentCheckRun,
  type AgentCheckType,
  checkAgentCheckConfig,
  isAgentCheckType,
} from '@estate/contract';
import type { AgentCheckContext, AgentCheckExecutor, AgentCheckOutcome } from './agent-check';
import { certificateFileCheck } from './certificate-file.check';
import { fileCheck } from './file.check';
import { filesystemCheck } from './filesystem.check';
import { nagiosCheck } from './nagios.check';
import type { NetworkChecks } from './network-checks';
import { processCheck } from './process.check';
import { systemdCheck } from './systemd.check';

/** The executor of each agent-side type; a new type adds one line here (and its schema in the contract). */
const EXECUTORS: { [T in AgentCheckType]: AgentCheckExecutor<T> } = {
  systemd: systemdCheck,
  process: processCheck,
  filesystem: filesystemCheck,
  file: fileCheck,
  'certificate-file': certificateFileCheck,
  nagios: nagiosCheck,
};

/** What `runAgentCheck` needs besides the definition. */
export interface RunCheckContext extends Omit<AgentCheckContext, 'signal'> {
  /** Aborted when the agent stops; the run's own timeout is added to it. */
  signal?: AbortSignal;
  /** A monotonic clock in ms for the run's duration (default `performance.now`). */
  monotonic?: () => number;
  /** The network check types, when this agent runs as a remote collector; without them a network check is unknown. */
  network?: NetworkChecks;
}

/**
 * Runs one check as the server defined it and answers its run, stamped with this agent's clock. The configuration is
 * checked again here (the agent trusts only its own files); a refused one, a fault, or a stop are `unknown`; a run
 * that outlives its timeout is `down`, as on the server. Never rejects.
 */
export async function runAgentCheck(definition: AgentCheckDefinition, context: RunCheckContext): Promise<AgentCheckRun> {
  const monotonic = context.monotonic ?? (() => performance.now());
  const at = context.now();
  const started = monotonic();
  const timeoutMs = Math.round(definition.timeoutSeconds * 1000);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = context.signal ? AbortSignal.any([context.signal, timeout]) : timeout;
  const outcome = await outcomeOf(definition, { ...context, signal }, timeoutMs, timeout);
  return {
    checkId: definition.id,
    at,
    status: outcome.status,
    durationMs: Math.max(0, Math.round((monotonic() - started) * 1000) / 1000),
    message: outcome.message.slice(0, 2_000),
    details: outcome.details,
    ...(outcome.conditions && outcome.conditions.length > 0 ? { conditions: outcome.conditions.slice(0, 100) } : {}),
    ...(outcome.series && outcome.series.length > 0 ? { series: outcome.series.slice(0, 200) } : {}),
  };
}

async function outcomeOf(
  definition: AgentCheckDefinition,
  context: AgentCheckContext & { network?: NetworkChecks },
  timeoutMs: number,
  timeout: AbortSignal,
): Promise<AgentCheckOutcome> {
  let execute: () => Promise<AgentCheckOutcome>;
  if (isAgentCheckType(definition.type)) {
    const executor = EXECUTORS[definition.type] as AgentCheckExecutor<AgentCheckType>;
    const verdict = checkAgentCheckConfig(definition.type, definition.config);
    if (!verdict.ok)
      return { status: 'unknown', message: `This agent refuses the check's settings: ${verdict.field} ${verdict.message}`, details: {} };
    execute = () => executor(verdict.config, context);
  } else if (context.network?.runs(definition.type)) {
    const network = context.network;
    execute = () => network.run(definition, context.signal);
  } else {
    const lacking = context.network
      ? `This collector does not know the check type "${definition.type}"; update it.`
      : `This agent does not run "${definition.type}" checks: update it, or start it with --collector for network checks.`;
    return { status: 'unknown', message: lacking, details: {} };
  }
  const timedOut = new Promise<AgentCheckOutcome>((resolve) => {
    const onAbort = () =>
      resolve(
        timeout.aborted
          ? { status: 'down', message: `Timed out after ${timeoutMs / 1000} s`, details: {} }
          : { status: 'unknown', message: 'Stopped: the agent is stopping', details: {} },
      );
    if (context.signal.aborted) onAbort();
    else context.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([execute(), timedOut]);
  } catch (err) {
    return { status: 'unknown', message: `The check could not run: ${(err as Error).message}`, details: {} };
  }
}
