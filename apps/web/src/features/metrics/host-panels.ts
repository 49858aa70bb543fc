import type { MetricUnit } from '../../components/metric-units';
import { promDuration, rateWindow } from './metrics-range';
import type { Labels } from './prometheus-http';

/** One PromQL expression of a panel and how its result series are named in the legend. */
export interface PanelExpression {
  query: string;
  label: (metric: Labels) => string;
}

/** One graph of a host's metrics: its title, unit, y-axis bounds and expressions over the host's series. */
export interface HostPanel {
  id: string;
  title: string;
  unit: MetricUnit;
  yMin?: number;
  yMax?: number;
  /** The expressions over the series selected by `selector` (e.g. `ci_id="…"`), rates taken over `window`. */
  expressions: (selector: string, window: string) => PanelExpression[];
}

const fixed = (label: string) => () => label;
const byLabel =
  (name: string, prefix = '') =>
  (metric: Labels) =>
    `${prefix}${metric[name] ?? '?'}`;

/**
 * The graphs of a host's metrics page, in reading order, over the names the agents' series are stored under
 * (node_exporter's where it has one; see the server's agent-series-names.ts).
 */
export const HOST_PANELS: readonly HostPanel[] = [
  {
    id: 'cpu',
    title: 'CPU utilisation',
    unit: 'ratio',
    yMin: 0,
    yMax: 1,
    expressions: (s) => [{ query: `estate_host_cpu_utilisation_ratio{${s}}`, label: fixed('CPU busy') }],
  },
  {
    id: 'load',
    title: 'Load average',
    unit: 'number',
    yMin: 0,
    expressions: (s) => [
      { query: `node_load1{${s}}`, label: fixed('1 min') },
      { query: `node_load5{${s}}`, label: fixed('5 min') },
      { query: `node_load15{${s}}`, label: fixed('15 min') },
    ],
  },
  {
    id: 'memory',
    title: 'Memory',
    unit: 'bytes',
    yMin: 0,
    expressions: (s) => [
      { query: `estate_host_memory_used_bytes{${s}}`, label: fixed('used') },
      { query: `node_memory_MemTotal_bytes{${s}}`, label: fixed('total') },
    ],
  },
  {
    id: 'swap',
    title: 'Swap used',
    unit: 'bytes',
    yMin: 0,
    expressions: (s) => [{ query: `estate_host_swap_used_bytes{${s}}`, label: fixed('swap used') }],
  },
  {
    id: 'filesystems',
    title: 'Filesystem use',
    unit: 'ratio',
    yMin: 0,
    yMax: 1,
    expressions: (s) => [
      {
        query: `estate_host_filesystem_used_bytes{${s}} / node_filesystem_size_bytes{${s}}`,
        label: byLabel('mountpoint'),
      },
    ],
  },
  {
    id: 'disk',
    title: 'Disk I/O',
    unit: 'bytes/s',
    yMin: 0,
    expressions: (s, w) => [
      { query: `rate(node_disk_read_bytes_total{${s}}[${w}])`, label: byLabel('device', 'read ') },
      { query: `rate(node_disk_written_bytes_total{${s}}[${w}])`, label: byLabel('device', 'write ') },
    ],
  },
  {
    id: 'network',
    title: 'Network',
    unit: 'bytes/s',
    yMin: 0,
    expressions: (s, w) => [
      { query: `rate(node_network_receive_bytes_total{${s}}[${w}])`, label: byLabel('device', 'rx ') },
      { query: `rate(node_network_transmit_bytes_total{${s}}[${w}])`, label: byLabel('device', 'tx ') },
    ],
  },
];

/** The selector of one CI's series: `ci_id="…"`, the id quoted as a PromQL string. */
export function ciSelector(ciId: string): string {
  return `ci_id=${JSON.stringify(ciId)}`;
}

/** A panel's expressions for one CI at one step, rates over `rateWindow(step)`. */
export function panelExpressions(panel: HostPanel, ciId: string, stepSeconds: number): PanelExpression[] {
  return panel.expressions(ciSelector(ciId), promDuration(rateWindow(stepSeconds)));
}

/**
 * CI types an agent runs on: their page always has a Metrics tab (empty until an agent reports). Other CIs get
 * one only when some series carries their id.
 */
export const HOST_CI_TYPES: ReadonlySet<string> = new Set(['physical_server', 'virtual_machine', 'end_user_device']);
