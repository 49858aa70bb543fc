import { describe, expect, it } from 'vitest';
import { HOST_PANELS, panelExpressions } from './host-panels';

const panel = (id: string) => {
  const found = HOST_PANELS.find((p) => p.id === id);
  if (!found) throw new Error(`no panel ${id}`);
  return found;
};

describe('host panels', () => {
  it('select one CI’s series by its quoted id', () => {
    const [cpu] = panelExpressions(panel('cpu'), 'abc-1', 30);
    expect(cpu?.query).toBe('estate_host_cpu_utilisation_ratio{ci_id="abc-1"}');
  });

  it('take rates over max(step, 90 s) so every window holds at least two of the agent’s samples', () => {
    expect(panelExpressions(panel('network'), 'x', 30).map((e) => e.query)).toEqual([
      'rate(node_network_receive_bytes_total{ci_id="x"}[90s])',
      'rate(node_network_transmit_bytes_total{ci_id="x"}[90s])',
    ]);
    expect(panelExpressions(panel('disk'), 'x', 1_800)[0]?.query).toBe('rate(node_disk_read_bytes_total{ci_id="x"}[30m])');
  });

  it('name series by their device or mountpoint', () => {
    const [rx, tx] = panelExpressions(panel('network'), 'x', 30);
    expect(rx?.label({ device: 'eth0' })).toBe('rx eth0');
    expect(tx?.label({ device: 'eth0' })).toBe('tx eth0');
    const [fs] = panelExpressions(panel('filesystems'), 'x', 30);
    expect(fs?.query).toBe('estate_host_filesystem_used_bytes{ci_id="x"} / node_filesystem_size_bytes{ci_id="x"}');
    expect(fs?.label({ mountpoint: '/var' })).toBe('/var');
  });

  it('have unique ids', () => {
    expect(new Set(HOST_PANELS.map((p) => p.id)).size).toBe(HOST_PANELS.length);
  });
});
