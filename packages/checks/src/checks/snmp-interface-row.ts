import type { CheckSeriesSample } from './check-executor';
import type { CounterRates } from './snmp-interface-rates';
import { type InterfaceReading, OPER_STATUS } from './snmp-interface-table';

/**
 * One covered interface as the interface check reports it — in details, in `[BODY]` and as series: status, speed,
 * counters and the rates since the previous run. Rates and percentages have six significant digits.
 */
export interface InterfaceRow {
  name: string;
  index: number;
  adminStatus?: string;
  operStatus?: string;
  speedMbps?: number;
  /** The octet counters as read (bytes since the counter started). */
  inOctets?: number;
  outOctets?: number;
  inBitsPerSecond?: number;
  outBitsPerSecond?: number;
  inUtilisationPercent?: number;
  outUtilisationPercent?: number;
  /** The higher of the receive and transmit utilisation. */
  utilisationPercent?: number;
  inErrorsPerSecond?: number;
  outErrorsPerSecond?: number;
  /** Received plus sent errors per second. */
  errorsPerSecond?: number;
  inDiscardsPerSecond?: number;
  outDiscardsPerSecond?: number;
}

const ADMIN_STATUS: Readonly<Record<number, string>> = { 1: 'up', 2: 'down', 3: 'testing' };
/** Operational states that mean the interface cannot pass traffic (dormant and testing are deliberate). */
const DOWN_STATES: ReadonlySet<string | undefined> = new Set(['down', 'notPresent', 'lowerLayerDown']);

function precise(value: number | undefined): number | undefined {
  return value === undefined || !Number.isFinite(value) ? undefined : Number(value.toPrecision(6));
}

function sum(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
}

function larger(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

/** The row of an interface from what was read and its rates (undefined on its first reading). */
export function interfaceRow(reading: InterfaceReading, rates: CounterRates | undefined): InterfaceRow {
  const r = rates ?? {};
  const bits = (octetsPerSecond: number | undefined) => (octetsPerSecond === undefined ? undefined : octetsPerSecond * 8);
  const share = (bps: number | undefined) =>
    bps === undefined || reading.speedMbps === undefined ? undefined : (bps / (reading.speedMbps * 1_000_000)) * 100;
  const inBps = bits(r.inOctets);
  const outBps = bits(r.outOctets);
  const row: InterfaceRow = {
    name: reading.name,
    index: reading.index,
    adminStatus: reading.adminStatus === undefined ? undefined : (ADMIN_STATUS[reading.adminStatus] ?? String(reading.adminStatus)),
    operStatus: reading.operStatus === undefined ? undefined : (OPER_STATUS[reading.operStatus] ?? String(reading.operStatus)),
    speedMbps: reading.speedMbps,
    inOctets: reading.counters.inOctets === undefined ? undefined : Number(reading.counters.inOctets),
    outOctets: reading.counters.outOctets === undefined ? undefined : Number(reading.counters.outOctets),
    inBitsPerSecond: precise(inBps),
    outBitsPerSecond: precise(outBps),
    inUtilisationPercent: precise(share(inBps)),
    outUtilisationPercent: precise(share(outBps)),
    utilisationPercent: precise(larger(share(inBps), share(outBps))),
    inErrorsPerSecond: precise(r.inErrors),
    outErrorsPerSecond: precise(r.outErrors),
    errorsPerSecond: precise(sum(r.inErrors, r.outErrors)),
    inDiscardsPerSecond: precise(r.inDiscards),
    outDiscardsPerSecond: precise(r.outDiscards),
  };
  for (const key of Object.keys(row) as (keyof InterfaceRow)[]) if (row[key] === undefined) delete row[key];
  return row;
}

/** Whether an interface that is not disabled (ifAdminStatus down or testing) cannot pass traffic. */
export function isDown(row: InterfaceRow): boolean {
  return row.adminStatus !== 'down' && row.adminStatus !== 'testing' && DOWN_STATES.has(row.operStatus);
}

/** The series of one interface, labelled with its name: status, speed, octet counters and every rate it has. */
export function interfaceSeries(row: InterfaceRow): CheckSeriesSample[] {
  const labels = { ifName: row.name };
  const samples: CheckSeriesSample[] = [];
  const add = (suffix: string, value: number | undefined) => {
    if (value !== undefined) samples.push({ name: `estate_snmp_interface_${suffix}`, labels, value });
  };
  add('up', row.operStatus === undefined ? undefined : row.operStatus === 'up' ? 1 : 0);
  add('speed_bits_per_second', row.speedMbps === undefined ? undefined : row.speedMbps * 1_000_000);
  add('receive_bytes_total', row.inOctets);
  add('transmit_bytes_total', row.outOctets);
  add('receive_bits_per_second', row.inBitsPerSecond);
  add('transmit_bits_per_second', row.outBitsPerSecond);
  add('receive_utilisation_percent', row.inUtilisationPercent);
  add('transmit_utilisation_percent', row.outUtilisationPercent);
  add('receive_errors_per_second', row.inErrorsPerSecond);
  add('transmit_errors_per_second', row.outErrorsPerSecond);
  add('receive_discards_per_second', row.inDiscardsPerSecond);
  add('transmit_discards_per_second', row.outDiscardsPerSecond);
  return samples;
}
