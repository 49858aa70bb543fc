import type { Condition } from '../conditions/condition-parser';
import type { CheckResultContext, PlaceholderName } from '../conditions/placeholders';
import { CheckConfigError, type CheckSeriesSample, type CheckType, concluder, parseCheckConditions } from './check-executor';
import { configRecord } from './database-connection';
import { type CheckNetworkPolicy, DEFAULT_CHECK_NETWORK_POLICY } from './outbound-connection';
import { describeSnmpError, openSnmpSession, readingException, type SnmpReading } from './snmp-session';
import {
  oidField,
  SNMP_SECRET_NAMES,
  type SnmpCredentialResolver,
  type SnmpTarget,
  snmpTargetOf,
  snmpTargetText,
  wholeNumber,
} from './snmp-target';

/** An OID the check reads, with the name conditions and series call it by. */
export interface SnmpObject {
  oid: string;
  name?: string;
}

/** An SNMP check's configuration after validation: a GET of `get`, or a walk of the subtree `walk`. */
export interface SnmpCheckConfig {
  target: SnmpTarget;
  get?: SnmpObject[];
  walk?: SnmpObject;
  /** The most values a walk reads; the rest of the subtree is left unread. */
  maxValues: number;
  conditionSources: string[];
  conditions: Condition[];
}

const PLACEHOLDERS: readonly PlaceholderName[] = ['CONNECTED', 'RESPONSE_TIME', 'IP', 'VALUE', 'BODY'];
const DEFAULT_CONDITIONS = ['[CONNECTED] == true'];
/** The most OIDs one check asks for by GET. */
const MAX_GET_OIDS = 64;
/** Values shown in a result's details; conditions and series see all of them. */
const SHOWN_VALUES = 50;
const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const NUMERIC_TYPES: ReadonlySet<number> = new Set([2, 65, 66, 67, 70]);
const DECIMAL = /^\s*-?\d+(\.\d+)?\s*$/;

function objectOf(raw: unknown, field: string): SnmpObject {
  if (typeof raw === 'string') return { oid: oidField(raw, field) };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CheckConfigError(field, 'must be an OID, or { "oid": "1.3.6…", "name": "uptime" }');
  }
  const r = raw as Record<string, unknown>;
  const oid = oidField(r.oid, `${field}.oid`);
  if (r.name === undefined) return { oid };
  if (typeof r.name !== 'string' || !NAME.test(r.name)) {
    throw new CheckConfigError(`${field}.name`, 'must be a word of letters, digits, _ and - (it is used as [BODY].name)');
  }
  return { oid, name: r.name };
}

function validate(raw: unknown, secrets: Readonly<Record<string, string>>, credentialsAvailable: boolean): SnmpCheckConfig {
  const r = configRecord(raw);
  const target = snmpTargetOf(r, secrets, credentialsAvailable);
  if ((r.oids === undefined) === (r.walk === undefined)) {
    throw new CheckConfigError('oids', 'give either oids (a GET of those OIDs) or walk (the subtree under one OID)');
  }
  let get: SnmpObject[] | undefined;
  let walk: SnmpObject | undefined;
  if (r.oids !== undefined) {
    if (!Array.isArray(r.oids) || r.oids.length === 0 || r.oids.length > MAX_GET_OIDS) {
      throw new CheckConfigError('oids', `must be a list of 1 to ${MAX_GET_OIDS} OIDs`);
    }
    get = r.oids.map((o, i) => objectOf(o, `oids[${i}]`));
    const keys = new Set<string>();
    get.forEach((o, i) => {
      const key = o.name ?? o.oid;
      if (keys.has(key)) throw new CheckConfigError(`oids[${i}]`, `${key} is asked twice`);
      keys.add(key);
    });
  } else walk = objectOf(r.walk, 'walk');
  if (get && r.maxValues !== undefined) throw new CheckConfigError('maxValues', 'applies to a walk only');
  const maxValues = wholeNumber(r, 'maxValues', 100, 1, 1_000);
  const { sources, parsed } = parseCheckConditions(r.conditions, PLACEHOLDERS, DEFAULT_CONDITIONS);
  return { target, get, walk, maxValues, conditionSources: sources, conditions: parsed };
}

/** A reading's value for conditions and details: numbers as numbers (a Counter64 past 2^53 approximately). */
function plain(reading: SnmpReading): number | string {
  const v = reading.value;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'string') return v;
  return String(v);
}

/** The number a reading gives a series: numeric types, and text that is a decimal number (laLoad's "0.15"). */
function numberOf(reading: SnmpReading): number | undefined {
  if (NUMERIC_TYPES.has(reading.type) && (typeof reading.value === 'number' || typeof reading.value === 'bigint')) {
    return Number(reading.value);
  }
  return typeof reading.value === 'string' && DECIMAL.test(reading.value) ? Number(reading.value) : undefined;
}

/** A walked value's key and labels: `name.suffix` when the walk is named, else its OID. */
function walkedKey(walk: SnmpObject, oid: string): { key: string; labels: Record<string, string> } {
  const suffix = oid.startsWith(`${walk.oid}.`) ? oid.slice(walk.oid.length + 1) : oid;
  const labels: Record<string, string> = { oid, index: suffix };
  if (walk.name) labels.name = walk.name;
  return { key: walk.name ? `${walk.name}.${suffix}` : oid, labels };
}

/**
 * The SNMP check: GETs one or more OIDs (or walks one subtree, up to `maxValues` values) from an agent over UDP with
 * v1, v2c or v3, reached through the outbound policy. `[VALUE]` is the first value read, `[BODY]` all of them as a
 * JSON object keyed by name (or OID; `[BODY]["1.3.6.1.2.1.1.3.0"]`), `[CONNECTED]` whether the agent answered.
 * No answer, a refused login, or an OID the agent has nothing at is down. Numeric values become
 * `estate_snmp_value{oid, name}` series.
 */
export function snmpCheck(
  policy: CheckNetworkPolicy = DEFAULT_CHECK_NETWORK_POLICY,
  credentials?: SnmpCredentialResolver,
): CheckType<SnmpCheckConfig> {
  return {
    type: 'snmp',
    placeholders: PLACEHOLDERS,
    defaultConditions: DEFAULT_CONDITIONS,
    secretNames: SNMP_SECRET_NAMES,
    validate: (raw, secrets = {}) => validate(raw, secrets, credentials !== undefined),
    target: (config) => snmpTargetText(config.target),
    async run(config, signal) {
      const startedAt = performance.now();
      const details: Record<string, unknown> = {};
      const conclude = concluder(config.conditions, startedAt, signal, details);
      if (signal.aborted) return conclude({}, undefined);
      const opened = await openSnmpSession(config.target, policy, credentials, signal);
      if ('failure' in opened) return conclude({}, opened.failure);
      const { session, address } = opened;
      details.address = address;
      const where = snmpTargetText(config.target);
      const values: Record<string, number | string> = {};
      const series: CheckSeriesSample[] = [];
      let truncated = false;
      try {
        if (config.get) {
          const readings = await session.get(config.get.map((o) => o.oid));
          for (const [i, object] of config.get.entries()) {
            const reading = readings[i];
            const exception = reading ? readingException(reading) : 'no answer';
            const key = object.name ?? object.oid;
            if (!reading || exception) return conclude({ connected: true, ip: address }, `${where} has no value at ${key} (${exception})`);
            values[key] = plain(reading);
            const n = numberOf(reading);
            if (n !== undefined)
              series.push({
                name: 'estate_snmp_value',
                labels: { oid: object.oid, ...(object.name ? { name: object.name } : {}) },
                value: n,
              });
          }
        } else {
          const walk = config.walk as SnmpObject;
          const result = await session.walk(walk.oid, config.maxValues);
          truncated = result.truncated;
          if (result.readings.length === 0) return conclude({ connected: true, ip: address }, `${where} has nothing under ${walk.oid}`);
          for (const reading of result.readings) {
            const { key, labels } = walkedKey(walk, reading.oid);
            values[key] = plain(reading);
            const n = numberOf(reading);
            if (n !== undefined) series.push({ name: 'estate_snmp_value', labels, value: n });
          }
        }
      } catch (err) {
        // Only an error-status answer means the agent took the login; silence and USM reports mean it did not.
        const connected = (err as { name?: string }).name === 'RequestFailedError';
        return conclude({ connected, ip: address }, describeSnmpError(err, config.target, session.auth));
      } finally {
        session.close();
      }
      const responseTimeMs = performance.now() - startedAt;
      const keys = Object.keys(values);
      Object.assign(details, {
        values: Object.fromEntries(keys.slice(0, SHOWN_VALUES).map((k) => [k, values[k]])),
        valueCount: keys.length,
        ...(truncated ? { truncatedAt: config.maxValues } : {}),
        timings: { totalMs: responseTimeMs },
      });
      const first = keys[0] as string;
      const context: CheckResultContext = {
        connected: true,
        responseTimeMs,
        ip: address,
        value: values[first],
        body: JSON.stringify(values),
      };
      const what =
        keys.length === 1
          ? `${first} = ${String(values[first]).slice(0, 80)}`
          : `${keys.length} values${truncated ? ` (cut at ${config.maxValues})` : ''}`;
      const outcome = conclude(context, undefined, `${what} from ${where} (${address}) in ${Math.round(responseTimeMs)} ms`);
      return { ...outcome, series };
    },
  };
}
