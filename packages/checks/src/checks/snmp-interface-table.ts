import { compileGlob } from '../conditions/glob';
import type { InterfaceCounters } from './snmp-interface-rates';
import { readingException, type SnmpReading, type SnmpSession } from './snmp-session';

/**
 * Reading IF-MIB (RFC 2863) for the interface check: which interfaces an agent has (ifName, else ifDescr), which of
 * them a check covers, and their status, speed and counters — the 64-bit ifXTable octet counters, falling back to
 * ifTable's 32-bit ones on agents without them.
 */

const IF_ENTRY = '1.3.6.1.2.1.2.2.1';
const IF_X_ENTRY = '1.3.6.1.2.1.31.1.1.1';
export const SYS_UP_TIME = '1.3.6.1.2.1.1.3.0';

/** The columns read for each covered interface, by what the check calls them. */
const COLUMNS = {
  adminStatus: `${IF_ENTRY}.7`,
  operStatus: `${IF_ENTRY}.8`,
  speed: `${IF_ENTRY}.5`,
  inOctets32: `${IF_ENTRY}.10`,
  inDiscards: `${IF_ENTRY}.13`,
  inErrors: `${IF_ENTRY}.14`,
  outOctets32: `${IF_ENTRY}.16`,
  outDiscards: `${IF_ENTRY}.19`,
  outErrors: `${IF_ENTRY}.20`,
  inOctets: `${IF_X_ENTRY}.6`,
  outOctets: `${IF_X_ENTRY}.10`,
  highSpeed: `${IF_X_ENTRY}.15`,
  discontinuity: `${IF_X_ENTRY}.19`,
} as const;
type Column = keyof typeof COLUMNS;

/** ifOperStatus values (RFC 2863) by number. */
export const OPER_STATUS: Readonly<Record<number, string>> = {
  1: 'up',
  2: 'down',
  3: 'testing',
  4: 'unknown',
  5: 'dormant',
  6: 'notPresent',
  7: 'lowerLayerDown',
};

/** The most interfaces read from an agent's table, and the most one check covers. */
export const MAX_TABLE_INTERFACES = 2_048;
export const MAX_COVERED_INTERFACES = 128;

/** An interface of the agent: its ifIndex and name (ifName, else ifDescr, else `if<index>`). */
export interface AgentInterface {
  index: number;
  name: string;
  descr?: string;
}

/** What was read of one covered interface. */
export interface InterfaceReading extends AgentInterface {
  /** ifAdminStatus: 1 up, 2 down, 3 testing. */
  adminStatus?: number;
  /** ifOperStatus, see {@link OPER_STATUS}. */
  operStatus?: number;
  /** Megabits per second from ifHighSpeed (or ifSpeed); absent when the agent reports none. */
  speedMbps?: number;
  discontinuity?: number;
  counters: InterfaceCounters;
}

function text(reading: SnmpReading | undefined): string | undefined {
  return reading && typeof reading.value === 'string' && reading.value.trim() !== '' ? reading.value.trim() : undefined;
}

function integer(reading: SnmpReading | undefined): number | undefined {
  if (!reading || readingException(reading)) return undefined;
  return typeof reading.value === 'number' ? reading.value : typeof reading.value === 'bigint' ? Number(reading.value) : undefined;
}

function counter(reading: SnmpReading | undefined): bigint | undefined {
  if (!reading || readingException(reading)) return undefined;
  return typeof reading.value === 'bigint' ? reading.value : typeof reading.value === 'number' ? BigInt(reading.value) : undefined;
}

/** The agent's interfaces in ifIndex order, from the ifName and ifDescr columns. */
export async function listInterfaces(session: SnmpSession): Promise<AgentInterface[]> {
  const names = await session.walk(`${IF_X_ENTRY}.1`, MAX_TABLE_INTERFACES);
  const descrs = await session.walk(`${IF_ENTRY}.2`, MAX_TABLE_INTERFACES);
  const byIndex = new Map<number, { name?: string; descr?: string }>();
  const indexOf = (oid: string) => Number(oid.slice(oid.lastIndexOf('.') + 1));
  for (const r of names.readings) byIndex.set(indexOf(r.oid), { name: text(r) });
  for (const r of descrs.readings) {
    const index = indexOf(r.oid);
    byIndex.set(index, { ...byIndex.get(index), descr: text(r) });
  }
  return [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, { name, descr }]) => ({ index, name: name ?? descr ?? `if${index}`, ...(descr ? { descr } : {}) }));
}

/**
 * The interfaces the patterns cover (a pattern matches ifName or ifDescr, `*` as a wildcard), or all of them without
 * patterns; at most {@link MAX_COVERED_INTERFACES}. `unmatched` lists the patterns no interface matched.
 */
export function selectInterfaces(
  all: readonly AgentInterface[],
  patterns: readonly string[] | undefined,
): { covered: AgentInterface[]; unmatched: string[]; cut: boolean } {
  if (!patterns) return { covered: all.slice(0, MAX_COVERED_INTERFACES), unmatched: [], cut: all.length > MAX_COVERED_INTERFACES };
  const globs = patterns.map((p) => ({ source: p, glob: compileGlob(p) }));
  const hits = (i: AgentInterface, glob: ReturnType<typeof compileGlob>) =>
    glob.test(i.name) || (i.descr !== undefined && glob.test(i.descr));
  const matched = all.filter((i) => globs.some(({ glob }) => hits(i, glob)));
  const unmatched = globs.filter(({ glob }) => !all.some((i) => hits(i, glob))).map(({ source }) => source);
  return { covered: matched.slice(0, MAX_COVERED_INTERFACES), unmatched, cut: matched.length > MAX_COVERED_INTERFACES };
}

/**
 * Reads sysUpTime and each interface's status, speed and counters (GETs, several interfaces to one request). Over
 * SNMP v1, which cannot carry Counter64 and fails a whole GET for one missing object, only ifTable is read.
 */
export async function readInterfaces(
  session: SnmpSession,
  covered: readonly AgentInterface[],
): Promise<{ upTimeTicks?: number; interfaces: InterfaceReading[] }> {
  const v1 = session.auth.version === 'v1';
  const columns = (Object.keys(COLUMNS) as Column[]).filter((c) => !v1 || COLUMNS[c].startsWith(`${IF_ENTRY}.`));
  const oids = [SYS_UP_TIME, ...covered.flatMap((i) => columns.map((c) => `${COLUMNS[c]}.${i.index}`))];
  const readings = await session.get(oids);
  const byOid = new Map(readings.map((r) => [r.oid, r]));
  const interfaces = covered.map((i): InterfaceReading => {
    const at = (c: Column) => byOid.get(`${COLUMNS[c]}.${i.index}`);
    const highSpeed = integer(at('highSpeed'));
    const speed = integer(at('speed'));
    const speedMbps = highSpeed && highSpeed > 0 ? highSpeed : speed && speed > 0 ? speed / 1_000_000 : undefined;
    const counters: InterfaceCounters = {
      inOctets: counter(at('inOctets')) ?? counter(at('inOctets32')),
      outOctets: counter(at('outOctets')) ?? counter(at('outOctets32')),
      inErrors: counter(at('inErrors')),
      outErrors: counter(at('outErrors')),
      inDiscards: counter(at('inDiscards')),
      outDiscards: counter(at('outDiscards')),
    };
    for (const key of Object.keys(counters) as (keyof InterfaceCounters)[]) if (counters[key] === undefined) delete counters[key];
    return {
      ...i,
      adminStatus: integer(at('adminStatus')),
      operStatus: integer(at('operStatus')),
      ...(speedMbps ? { speedMbps } : {}),
      discontinuity: integer(at('discontinuity')),
      counters,
    };
  });
  return { upTimeTicks: integer(byOid.get(SYS_UP_TIME)), interfaces };
}
