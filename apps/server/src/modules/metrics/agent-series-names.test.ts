import { describe, expect, it } from 'vitest';
import { AGENT_SERIES_NAMES, storedMetricName, toStoredSeries } from './agent-series-names';

const source = { agentId: 'a-1', instance: 'web-01', ciId: 'ci-9' };
const identity = { instance: 'web-01', job: 'estate-agent', agent_id: 'a-1', ci_id: 'ci-9' };

describe('agent series names', () => {
  it('maps every agent metric to node_exporter names, labels and units', () => {
    const at = 1_000;
    const stored = toStoredSeries(source, [
      { name: 'cpu.usage', points: [[at, 42.5]] },
      { name: 'cpu.seconds', labels: { cpu: '1', mode: 'iowait' }, points: [[at, 12.34]] },
      { name: 'load.15', points: [[at, 0.5]] },
      { name: 'net.rx_bytes', labels: { iface: 'eth0' }, points: [[at, 10]] },
      { name: 'net.tx_bytes', labels: { iface: 'eth0' }, points: [[at, 11]] },
      { name: 'fs.size_bytes', labels: { mount: '/' }, points: [[at, 100]] },
      { name: 'fs.used_bytes', labels: { mount: '/' }, points: [[at, 40]] },
      { name: 'disk.read_bytes', labels: { device: 'sda' }, points: [[at, 7]] },
      { name: 'disk.written_bytes', labels: { device: 'sda' }, points: [[at, 8]] },
      {
        name: 'mem.used_bytes',
        points: [
          [at, 300],
          [at + 1, 310],
        ],
      },
      { name: 'mem.available_bytes', points: [[at, 700]] },
      { name: 'swap.used_bytes', points: [[at, 1]] },
    ]);
    expect(stored).toEqual([
      { labels: { ...identity, __name__: 'estate_host_cpu_utilisation_ratio' }, points: [[at, 0.425]] },
      { labels: { ...identity, __name__: 'node_cpu_seconds_total', cpu: '1', mode: 'iowait' }, points: [[at, 12.34]] },
      { labels: { ...identity, __name__: 'node_load15' }, points: [[at, 0.5]] },
      { labels: { ...identity, __name__: 'node_network_receive_bytes_total', device: 'eth0' }, points: [[at, 10]] },
      { labels: { ...identity, __name__: 'node_network_transmit_bytes_total', device: 'eth0' }, points: [[at, 11]] },
      { labels: { ...identity, __name__: 'node_filesystem_size_bytes', mountpoint: '/' }, points: [[at, 100]] },
      { labels: { ...identity, __name__: 'estate_host_filesystem_used_bytes', mountpoint: '/' }, points: [[at, 40]] },
      { labels: { ...identity, __name__: 'node_disk_read_bytes_total', device: 'sda' }, points: [[at, 7]] },
      { labels: { ...identity, __name__: 'node_disk_written_bytes_total', device: 'sda' }, points: [[at, 8]] },
      {
        labels: { ...identity, __name__: 'estate_host_memory_used_bytes' },
        points: [
          [at, 300],
          [at + 1, 310],
        ],
      },
      { labels: { ...identity, __name__: 'node_memory_MemAvailable_bytes' }, points: [[at, 700]] },
      { labels: { ...identity, __name__: 'estate_host_swap_used_bytes' }, points: [[at, 1]] },
      // Derived only where both were reported at the same time.
      { labels: { ...identity, __name__: 'node_memory_MemTotal_bytes' }, points: [[at, 1000]] },
    ]);
  });

  it('names unmapped metrics estate_agent_*, cleans label names, and lets identity labels win', () => {
    expect(storedMetricName('apt.upgradable-count')).toBe('estate_agent_apt_upgradable_count');
    const [s] = toStoredSeries({ agentId: 'a-2', instance: 'db-01' }, [
      { name: 'x.y', labels: { 'my.label': 'v', __evil: 'w', instance: 'spoofed' }, points: [[5, 1]] },
    ]);
    expect(s?.labels).toEqual({
      __name__: 'estate_agent_x_y',
      my_label: 'v',
      _evil: 'w',
      instance: 'db-01',
      job: 'estate-agent',
      agent_id: 'a-2',
    });
  });

  it('uses only valid Prometheus metric and label names in the table', () => {
    for (const row of Object.values(AGENT_SERIES_NAMES)) {
      expect(row.metric).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      for (const l of Object.values(row.labels ?? {})) expect(l).toMatch(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
    }
  });
});
