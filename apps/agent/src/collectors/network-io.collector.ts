import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { type MetricCollector, type MetricSeries, point } from './collector';
import { type InterfaceState, interfaceStates, isWorkloadPlumbing } from './net-interfaces';

/** Bytes received and sent since boot per interface, from /proc/net/dev. */
export function parseNetDev(text: string): Array<{ iface: string; rx: number; tx: number }> {
  const out: Array<{ iface: string; rx: number; tx: number }> = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const iface = line.slice(0, colon).trim();
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
      .map(Number);
    if (fields.length < 9) continue;
    out.push({ iface, rx: fields[0] as number, tx: fields[8] as number });
  }
  return out;
}

/** Where the collector reads: /proc/net/dev, the kinds sysfs gives, and each interface's addresses. */
export interface NetworkIoSources {
  netDev(): Promise<string>;
  states(): Promise<Map<string, InterfaceState>>;
  addresses(): Record<string, string[]>;
}

const LIVE: NetworkIoSources = {
  netDev: () => readFile('/proc/net/dev', 'utf8'),
  states: () => interfaceStates(),
  addresses: () =>
    Object.fromEntries(Object.entries(os.networkInterfaces()).map(([name, list]) => [name, (list ?? []).map((a) => a.address)])),
};

/**
 * `net.rx_bytes` and `net.tx_bytes` (counters since boot) per interface (label `iface`). The interfaces are those
 * the inventory lists: loopback and address-less workload plumbing (veth host ends) are skipped by kind, not name.
 */
export function createNetworkIoCollector(sources: NetworkIoSources = LIVE): MetricCollector {
  return {
    name: 'network-io',
    async collect(at) {
      const series: MetricSeries[] = [];
      const [text, states] = await Promise.all([sources.netDev(), sources.states()]);
      const addresses = sources.addresses();
      for (const { iface, rx, tx } of parseNetDev(text)) {
        // An interface sysfs does not know (no sysfs) is judged by its name only as far as loopback goes.
        const kind = states.get(iface)?.kind ?? (iface === 'lo' ? 'loopback' : 'physical');
        if (isWorkloadPlumbing(kind, addresses[iface] ?? [])) continue;
        series.push(point('net.rx_bytes', at, rx, { iface }));
        series.push(point('net.tx_bytes', at, tx, { iface }));
      }
      return series;
    },
  };
}
