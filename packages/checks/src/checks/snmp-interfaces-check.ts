import type { ConditionResult } from '../conditions/condition-evaluator';
import type { Condition } from '../conditions/condition-parser';
import type { CheckResultContext, PlaceholderName } from '../conditions/placeholders';
import { CheckConfigError, type CheckOutcome, type CheckType, concludeRun, parseCheckConditions } from './check-executor';
import { configRecord } from './database-connection';
import { type CheckNetworkPolicy, DEFAULT_CHECK_NETWORK_POLICY } from './outbound-connection';
import { CounterMemory, counterRates } from './snmp-interface-rates';
import { type InterfaceRow, interfaceRow, interfaceSeries, isDown } from './snmp-interface-row';
import { listInterfaces, readInterfaces, selectInterfaces } from './snmp-interface-table';
import { describeSnmpError, openSnmpSession } from './snmp-session';
import {
  SNMP_SECRET_NAMES,
  type SnmpCredentialResolver,
  type SnmpTarget,
  snmpLoginLabel,
  snmpTargetOf,
  snmpTargetText,
} from './snmp-target';

/** An SNMP interface check's configuration after validation. */
export interface SnmpInterfacesCheckConfig {
  target: SnmpTarget;
  /** Patterns of the interfaces covered (ifName or ifDescr, `*` a wildcard); absent: every interface. */
  interfaces?: string[];
  conditionSources: string[];
  conditions: Condition[];
}

/** What the interface check type is built with besides the policy and credentials. */
export interface SnmpInterfacesCheckOptions {
  /** Milliseconds on a monotonic clock, for the time between two readings (tests give their own). */
  now?: () => number;
  /** Where the last readings are kept; one per check type unless a test gives its own. */
  memory?: CounterMemory;
}

const PLACEHOLDERS: readonly PlaceholderName[] = [
  'CONNECTED',
  'RESPONSE_TIME',
  'IP',
  'INTERFACES_DOWN',
  'UTILISATION',
  'ERRORS_PER_SECOND',
  'BODY',
];
const DEFAULT_CONDITIONS = ['[CONNECTED] == true', '[INTERFACES_DOWN] == 0'];
/** Placeholders that need a rate, which the first reading of an interface cannot give. */
const RATE_PLACEHOLDERS: ReadonlySet<PlaceholderName> = new Set(['UTILISATION', 'ERRORS_PER_SECOND']);
const SHOWN_INTERFACES = 20;

function validate(raw: unknown, secrets: Readonly<Record<string, string>>, credentialsAvailable: boolean): SnmpInterfacesCheckConfig {
  const r = configRecord(raw);
  const target = snmpTargetOf(r, secrets, credentialsAvailable);
  let interfaces: string[] | undefined;
  if (r.interfaces !== undefined) {
    const list = r.interfaces;
    if (!Array.isArray(list) || list.length === 0 || list.length > 64 || list.some((p) => typeof p !== 'string' || p.trim() === '')) {
      throw new CheckConfigError('interfaces', 'must be a list of 1 to 64 interface names or patterns such as "eth*"');
    }
    interfaces = list.map((p: string) => p.trim());
  }
  const { sources, parsed } = parseCheckConditions(r.conditions, PLACEHOLDERS, DEFAULT_CONDITIONS);
  return { target, interfaces, conditionSources: sources, conditions: parsed };
}

/** Whether a condition reads a rate: `[UTILISATION]`, `[ERRORS_PER_SECOND]` or a rate of `[BODY]`. */
function readsRate(condition: Condition): boolean {
  const { ref } = condition.subject;
  if (RATE_PLACEHOLDERS.has(ref.name)) return true;
  return ref.name === 'BODY' && ref.path.some((step) => typeof step === 'string' && /(PerSecond|Percent)$/.test(step));
}

function highest(
  rows: readonly InterfaceRow[],
  pick: (row: InterfaceRow) => number | undefined,
): { value: number; name: string } | undefined {
  let best: { value: number; name: string } | undefined;
  for (const row of rows) {
    const value = pick(row);
    if (value !== undefined && (best === undefined || value > best.value)) best = { value, name: row.name };
  }
  return best;
}

/** "Interface eth1 is down (ifOperStatus lowerLayerDown)", or the first few of several. */
function downMessage(down: readonly InterfaceRow[]): string {
  const named = down.slice(0, 5).map((row) => `${row.name} (ifOperStatus ${row.operStatus})`);
  if (down.length === 1) return `Interface ${down[0]!.name} is down (ifOperStatus ${down[0]!.operStatus})`;
  return `${down.length} interfaces are down: ${named.join(', ')}${down.length > 5 ? ', …' : ''}`;
}

/**
 * The SNMP interface check: reads IF-MIB from an agent (v1, v2c or v3, through the outbound policy) for the interfaces
 * named in `interfaces` (every one without), and turns their counters into rates since the check's previous run, kept
 * in memory by the type. `[INTERFACES_DOWN]` counts covered interfaces that are enabled but not up, `[UTILISATION]` is
 * the highest receive or transmit use of an interface's speed in percent, `[ERRORS_PER_SECOND]` the highest error rate,
 * `[BODY]` every covered interface's figures as JSON keyed by name. On a run without rates (the first, or after a
 * counter reset) conditions on rates are not judged yet and pass saying so; warning conditions wait for the next run.
 * Emits `estate_snmp_interface_*{ifName}` series.
 */
export function snmpInterfacesCheck(
  policy: CheckNetworkPolicy = DEFAULT_CHECK_NETWORK_POLICY,
  credentials?: SnmpCredentialResolver,
  options: SnmpInterfacesCheckOptions = {},
): CheckType<SnmpInterfacesCheckConfig> {
  const now = options.now ?? (() => performance.now());
  const memory = options.memory ?? new CounterMemory();
  return {
    type: 'snmp-interfaces',
    placeholders: PLACEHOLDERS,
    defaultConditions: DEFAULT_CONDITIONS,
    secretNames: SNMP_SECRET_NAMES,
    validate: (raw, secrets = {}) => validate(raw, secrets, credentials !== undefined),
    target: (config) => snmpTargetText(config.target),
    async run(config, signal): Promise<CheckOutcome> {
      const startedAt = performance.now();
      const details: Record<string, unknown> = {};
      const conclude = (context: CheckResultContext, failure: string | undefined, summary = '', pending = false) =>
        concludeWithPending(config.conditions, { context, startedAt, signal, failure, summary, details, pending });
      if (signal.aborted) return conclude({}, undefined);
      const opened = await openSnmpSession(config.target, policy, credentials, signal);
      if ('failure' in opened) return conclude({}, opened.failure);
      const { session, address } = opened;
      details.address = address;
      const where = snmpTargetText(config.target);
      let read: Awaited<ReturnType<typeof readInterfaces>>;
      let at: number;
      try {
        const all = await listInterfaces(session);
        if (all.length === 0) return conclude({ connected: true, ip: address }, `${where} lists no interfaces (IF-MIB ifTable is empty)`);
        const { covered, unmatched, cut } = selectInterfaces(all, config.interfaces);
        if (unmatched.length > 0) {
          const known = all.slice(0, 12).map((i) => i.name);
          return conclude(
            { connected: true, ip: address },
            `No interface on ${where} matches ${unmatched.map((p) => `"${p}"`).join(', ')}; it has ${known.join(', ')}${all.length > 12 ? ', …' : ''}`,
          );
        }
        if (cut) details.note = `Only the first ${covered.length} of the matching interfaces are covered; name the ones to watch.`;
        read = await readInterfaces(session, covered);
        at = now();
      } catch (err) {
        const connected = (err as { name?: string }).name === 'RequestFailedError';
        return conclude({ connected, ip: address }, describeSnmpError(err, config.target, session.auth));
      } finally {
        session.close();
      }
      const prefix = `${where}|${snmpLoginLabel(config.target)}|${config.interfaces?.join(',') ?? '*'}|`;
      const rows = read.interfaces.map((reading) => {
        const current = { at, upTimeTicks: read.upTimeTicks, discontinuity: reading.discontinuity, counters: reading.counters };
        return interfaceRow(reading, counterRates(memory.swap(prefix + reading.index, current), current));
      });
      const down = rows.filter(isDown);
      const busiest = highest(rows, (r) => r.utilisationPercent);
      const noisiest = highest(rows, (r) => r.errorsPerSecond);
      const pending = !rows.some((r) => r.inBitsPerSecond !== undefined || r.errorsPerSecond !== undefined);
      const responseTimeMs = performance.now() - startedAt;
      Object.assign(details, {
        interfaces: rows.slice(0, SHOWN_INTERFACES),
        interfaceCount: rows.length,
        ...(pending ? { rates: 'none yet: the first reading (or a counter reset); the next run has them' } : {}),
        timings: { totalMs: responseTimeMs },
      });
      const context: CheckResultContext = {
        connected: true,
        responseTimeMs,
        ip: address,
        interfacesDown: down.length,
        utilisationPercent: busiest?.value,
        errorsPerSecond: noisiest?.value,
        body: JSON.stringify(Object.fromEntries(rows.map(({ name, index, ...rest }) => [name, rest]))),
      };
      const outcome = conclude(
        context,
        undefined,
        `${rows.length} interface${rows.length === 1 ? '' : 's'} on ${where} (${address}), ${down.length} down${busiest ? `, busiest ${busiest.name} at ${busiest.value}%` : ''}`,
        pending,
      );
      nameTheInterface(outcome, { down, busiest, noisiest });
      return { ...outcome, series: rows.flatMap(interfaceSeries) };
    },
  };
}

/** Words a failure of `[INTERFACES_DOWN]`, `[UTILISATION]` or `[ERRORS_PER_SECOND]` with the interface it is about. */
function nameTheInterface(
  outcome: CheckOutcome,
  worst: { down: InterfaceRow[]; busiest?: { name: string }; noisiest?: { name: string } },
): void {
  if (outcome.status !== 'down' || !outcome.message.startsWith('Condition failed: ')) return;
  const failed = outcome.conditions.find((c) => !c.passed);
  if (!failed) return;
  const subject = failed.reason.slice(0, failed.reason.indexOf(' ('));
  const on = subject === '[UTILISATION]' ? worst.busiest?.name : subject === '[ERRORS_PER_SECOND]' ? worst.noisiest?.name : undefined;
  if (subject === '[INTERFACES_DOWN]' && worst.down.length > 0) outcome.message = downMessage(worst.down);
  else if (on !== undefined) {
    failed.reason = `${failed.reason} on ${on}`;
    outcome.message = `Condition failed: ${failed.reason}`;
  }
}

/**
 * {@link concludeRun}, except that on a run without rates (`pending`) the conditions that read a rate are not judged:
 * they pass with a reason saying so, and the outcome carries no context, so warning conditions wait too.
 */
function concludeWithPending(
  conditions: readonly Condition[],
  run: {
    context: CheckResultContext;
    startedAt: number;
    signal: AbortSignal;
    failure: string | undefined;
    summary: string;
    details: Record<string, unknown>;
    pending: boolean;
  },
): CheckOutcome {
  const waiting = (c: Condition) => run.pending && run.failure === undefined && readsRate(c);
  const outcome = concludeRun({
    conditions: conditions.filter((c) => !waiting(c)),
    context: run.context,
    startedAt: run.startedAt,
    aborted: run.signal.aborted ? run.signal : undefined,
    failure: run.failure,
    summary: run.summary,
    details: run.details,
  });
  if (!conditions.some(waiting)) return outcome;
  const judged = [...outcome.conditions];
  const all: ConditionResult[] = conditions.map((c) =>
    waiting(c)
      ? { condition: c.source, passed: true, reason: `${c.subject.text} (no rate until the next run) ${c.operator} ${c.expected.text}` }
      : (judged.shift() as ConditionResult),
  );
  const { context: _context, ...rest } = outcome;
  return { ...rest, conditions: all };
}
