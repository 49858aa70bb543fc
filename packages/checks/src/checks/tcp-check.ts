import net from 'node:net';
import type { Condition } from '../conditions/condition-parser';
import type { PlaceholderName } from '../conditions/placeholders';
import { CheckConfigError, type CheckOutcome, type CheckType, concludeRun, parseCheckConditions } from './check-executor';
import {
  addressRefusal,
  type CheckNetworkPolicy,
  DEFAULT_CHECK_NETWORK_POLICY,
  DestinationRefusedError,
  describeConnectionError,
  guardedLookup,
  literalRefusal,
} from './outbound-connection';

/** A TCP check's configuration after validation. */
export interface TcpCheckConfig {
  /** Host name or address literal (IPv6 without brackets). */
  host: string;
  port: number;
  conditionSources: string[];
  conditions: Condition[];
}

const PLACEHOLDERS: readonly PlaceholderName[] = ['CONNECTED', 'RESPONSE_TIME', 'IP'];
const DEFAULT_CONDITIONS = ['[CONNECTED] == true'];

function validate(raw: unknown): TcpCheckConfig {
  if (typeof raw !== 'object' || raw === null) throw new CheckConfigError('config', 'must be an object');
  const r = raw as Record<string, unknown>;
  if (typeof r.host !== 'string' || r.host.trim() === '') throw new CheckConfigError('host', 'a host name or address is required');
  const host = r.host.trim().replace(/^\[(.*)\]$/, '$1');
  if (typeof r.port !== 'number' || !Number.isInteger(r.port) || r.port < 1 || r.port > 65_535) {
    throw new CheckConfigError('port', 'must be a whole number from 1 to 65535');
  }
  const { sources, parsed } = parseCheckConditions(r.conditions, PLACEHOLDERS, DEFAULT_CONDITIONS);
  return { host, port: r.port, conditionSources: sources, conditions: parsed };
}

interface TcpAttempt {
  connected: boolean;
  address?: string;
  dnsMs?: number;
  connectMs?: number;
  error?: unknown;
}

function connectOnce(config: TcpCheckConfig, policy: CheckNetworkPolicy, signal: AbortSignal): Promise<TcpAttempt> {
  return new Promise((resolve) => {
    const started = performance.now();
    let resolvedAt: number | undefined;
    const refused = literalRefusal(config.host, policy);
    if (refused) return resolve({ connected: false, error: refused });
    const socket = net.connect({
      host: config.host,
      port: config.port,
      lookup: guardedLookup(policy, () => {
        resolvedAt = performance.now();
      }),
    });
    const done = (attempt: TcpAttempt) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve({ ...attempt, dnsMs: resolvedAt === undefined ? undefined : resolvedAt - started });
    };
    const onAbort = () => done({ connected: false, error: signal.reason });
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      const address = socket.remoteAddress;
      // The lookup already refused what the policy refuses; this guards the address the socket actually reached.
      const refusal = address ? addressRefusal(address, policy) : null;
      if (refusal) return done({ connected: false, address, error: new DestinationRefusedError(config.host, address!, refusal) });
      done({ connected: true, address, connectMs: performance.now() - (resolvedAt ?? started) });
    });
    socket.once('error', (error) => done({ connected: false, error }));
  });
}

/**
 * The TCP check: opens a connection to host:port through the outbound policy and closes it at once. `[CONNECTED]`
 * says whether it opened, `[RESPONSE_TIME]` is the time to open it (DNS included), `[IP]` the address reached.
 */
export function tcpCheck(policy: CheckNetworkPolicy = DEFAULT_CHECK_NETWORK_POLICY): CheckType<TcpCheckConfig> {
  return {
    type: 'tcp',
    placeholders: PLACEHOLDERS,
    defaultConditions: DEFAULT_CONDITIONS,
    validate,
    target: (config) => (config.host.includes(':') ? `[${config.host}]:${config.port}` : `${config.host}:${config.port}`),
    async run(config, signal): Promise<CheckOutcome> {
      const startedAt = performance.now();
      const attempt: TcpAttempt = signal.aborted ? { connected: false, error: signal.reason } : await connectOnce(config, policy, signal);
      const responseTimeMs = performance.now() - startedAt;
      const details = {
        address: attempt.address,
        timings: { dnsMs: attempt.dnsMs, connectMs: attempt.connectMs, totalMs: responseTimeMs },
      };
      // A refused connection is an answer a condition may want (`[CONNECTED] == false` watches that a port stays
      // closed); a timeout, a policy refusal or a DNS failure is not, so those are a failure whatever the conditions.
      const code = (attempt.error as NodeJS.ErrnoException | undefined)?.code;
      const answered = attempt.connected || code === 'ECONNREFUSED';
      const outcome = concludeRun({
        conditions: config.conditions,
        context: answered ? { connected: attempt.connected, responseTimeMs, ip: attempt.address } : {},
        startedAt,
        aborted: signal.aborted ? signal : undefined,
        failure: answered ? undefined : describeConnectionError(attempt.error, config.host, config.port),
        summary: attempt.connected
          ? `Connected to ${config.host} port ${config.port} (${attempt.address}) in ${Math.round(responseTimeMs)} ms`
          : `Connection to ${config.host} port ${config.port} refused, as the conditions expect`,
        details,
      });
      // "Connection refused" says more than "[CONNECTED] (false) == true".
      if (outcome.status === 'down' && answered && !attempt.connected) {
        outcome.message = describeConnectionError(attempt.error, config.host, config.port);
      }
      return outcome;
    },
  };
}
