import { readFile } from 'node:fs/promises';
import { isVirtualInterface, type MetricCollector, type MetricSeries, point } from './collector';

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

/** `net.rx_bytes` and `net.tx_bytes` (counters since boot) per interface (label `iface`), loopback and veth skipped. */
export function createNetworkIoCollector(): MetricCollector {
  return {
    name: 'network-io',
    async collect(at) {
      const series: MetricSeries[] = [];
      for (const { iface, rx, tx } of parseNetDev(await readFile('/proc/net/dev', 'utf8'))) {
        if (isVirtualInterface(iface)) continue;
        series.push(point('net.rx_bytes', at, rx, { iface }));
        series.push(point('net.tx_bytes', at, tx, { iface }));
      }
      return series;
    },
  };
}
