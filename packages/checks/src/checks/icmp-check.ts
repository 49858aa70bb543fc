import type { Condition } from '../conditions/condition-parser';
import type { PlaceholderName } from '../conditions/placeholders';
import { CheckConfigError, type CheckType, concluder, parseCheckConditions } from './check-executor';
import { FpingBatcher } from './fping-batch';
import {
  type CheckNetworkPolicy,
  DEFAULT_CHECK_NETWORK_POLICY,
  describeConnectionError,
  resolveAllowedAddress,
  untilAborted,
} from './outbound-connection';

/** An ICMP (ping) check's configuration after validation. */
export interface IcmpCheckConfig {
  /** Host name or address literal (IPv6 without brackets). */
  host: string;
  /** Echo requests sent, 1 to 10. */
  count: number;
  /** Milliseconds between two echo requests to the host (fping's period); also each reply's timeout, up to 2 s. */
  intervalMs: number;
  conditionSources: string[];
  conditions: Condition[];
}

const PLACEHOLDERS: readonly PlaceholderName[] = ['CONNECTED', 'RESPONSE_TIME', 'IP', 'PACKET_LOSS'];
const DEFAULT_CONDITIONS = ['[CONNECTED] == true'];
const DEFAULT_INTERVAL_MS = 500;

function integerField(r: Record<string, unknown>, field: string, fallback: number, min: number, max: number): number {
  const value = r[field];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new CheckConfigError(field, `must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function validate(raw: unknown): IcmpCheckConfig {
  if (typeof raw !== 'object' || raw === null) throw new CheckConfigError('config', 'must be an object');
  const r = raw as Record<string, unknown>;
  if (typeof r.host !== 'string' || r.host.trim() === '') throw new CheckConfigError('host', 'a host name or address is required');
  const host = r.host.trim().replace(/^\[(.*)\]$/, '$1');
  // fping is handed what the resolver answered, never a word it could take for an option.
  if (host.startsWith('-') || /\s/.test(host)) throw new CheckConfigError('host', 'is not a host name or address');
  const count = integerField(r, 'count', 3, 1, 10);
  const intervalMs = integerField(r, 'intervalMs', DEFAULT_INTERVAL_MS, 10, 10_000);
  const { sources, parsed } = parseCheckConditions(r.conditions, PLACEHOLDERS, DEFAULT_CONDITIONS);
  return { host, count, intervalMs, conditionSources: sources, conditions: parsed };
}

let sharedBatcher: FpingBatcher | undefined;

/** One batcher for every ICMP check of the process, so their pings share fping runs. */
function defaultBatcher(): FpingBatcher {
  sharedBatcher ??= new FpingBatcher();
  return sharedBatcher;
}

/**
 * The ICMP check: resolves the host through the outbound policy and pings the address with fping, batched with every
 * other ping of the same count and interval that starts at about the same time (fping-batch.ts). `[CONNECTED]` says
 * whether any echo reply came back, `[RESPONSE_TIME]` is the average round trip, `[PACKET_LOSS]` the percentage of
 * requests unanswered, `[IP]` the address pinged. fping failing to run is a fault in Estate: the run throws.
 */
export function icmpCheck(
  policy: CheckNetworkPolicy = DEFAULT_CHECK_NETWORK_POLICY,
  batcher: FpingBatcher = defaultBatcher(),
): CheckType<IcmpCheckConfig> {
  return {
    type: 'icmp',
    placeholders: PLACEHOLDERS,
    defaultConditions: DEFAULT_CONDITIONS,
    validate,
    target: (config) => config.host,
    async run(config, signal) {
      const startedAt = performance.now();
      const details: Record<string, unknown> = {};
      const conclude = concluder(config.conditions, startedAt, signal, details);
      if (signal.aborted) return conclude({}, undefined);
      let address: string | undefined;
      try {
        address = await untilAborted(resolveAllowedAddress(config.host, policy), signal);
      } catch (err) {
        return conclude({}, describeConnectionError(err, config.host, 0));
      }
      if (address === undefined) return conclude({}, undefined);
      details.address = address;
      const outcome = await batcher.ping({ address, count: config.count, periodMs: config.intervalMs }, signal);
      if (outcome.kind === 'aborted') return conclude({ ip: address }, undefined);
      if (outcome.kind === 'fault') throw new Error(outcome.message);
      if (outcome.kind === 'failed') return conclude({ ip: address }, outcome.message);

      const replies = outcome.rtts.filter((rtt): rtt is number => rtt !== null);
      const sent = outcome.rtts.length;
      const received = replies.length;
      const lossPercent = sent === 0 ? 100 : ((sent - received) / sent) * 100;
      const avgMs = received === 0 ? undefined : replies.reduce((a, b) => a + b, 0) / received;
      Object.assign(details, {
        sent,
        received,
        lossPercent,
        minMs: received === 0 ? undefined : Math.min(...replies),
        avgMs,
        maxMs: received === 0 ? undefined : Math.max(...replies),
      });
      const shown = config.host === address ? address : `${config.host} (${address})`;
      const result = conclude(
        { connected: received > 0, responseTimeMs: avgMs, ip: address, packetLossPercent: lossPercent },
        undefined,
        received > 0
          ? `${received} of ${sent} echo replies from ${shown}, average ${avgMs!.toFixed(2)} ms`
          : `No echo reply from ${shown}, as the conditions expect`,
      );
      // "No echo reply" says more than "[CONNECTED] (false) == true".
      if (result.status === 'down' && received === 0 && result.message.startsWith('Condition failed: [CONNECTED]'))
        result.message = `No echo reply from ${shown} (${sent} sent)`;
      return result;
    },
  };
}
