import { describe, expect, it } from 'vitest';
import type { InterfaceState } from './net-interfaces';
import { createNetworkIoCollector } from './network-io.collector';

const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0
  eth0:    5000      50    0    0    0     0          0         0     7000      70    0    0    0     0       0          0
vethab12:    300       3    0    0    0     0          0         0      400       4    0    0    0     0       0          0
   br0:    900       9    0    0    0     0          0         0      800       8    0    0    0     0       0          0
`;

function collector(states: Record<string, InterfaceState['kind']>, addresses: Record<string, string[]>) {
  return createNetworkIoCollector({
    netDev: async () => NET_DEV,
    states: async () => new Map(Object.entries(states).map(([name, kind]) => [name, { kind }])),
    addresses: () => addresses,
  });
}

async function ifaces(c: ReturnType<typeof collector>): Promise<string[]> {
  const series = await c.collect(0);
  return [...new Set(series.map((s) => s.labels?.iface))].sort() as string[];
}

describe('network-io collector', () => {
  it('skips loopback and address-less veth host ends by kind, and keeps a bridge that carries the address', async () => {
    const c = collector(
      { lo: 'loopback', eth0: 'physical', vethab12: 'virtual', br0: 'bridge' },
      { lo: ['127.0.0.1'], eth0: ['fe80::1'], vethab12: ['fe80::2'], br0: ['10.0.0.5'] },
    );
    expect(await ifaces(c)).toEqual(['br0', 'eth0']);
  });

  it("keeps a container's own eth0, a veth with an address, whatever its name", async () => {
    const c = collector({ lo: 'loopback', eth0: 'virtual', vethab12: 'virtual', br0: 'virtual' }, { eth0: ['172.17.0.2'] });
    expect(await ifaces(c)).toEqual(['eth0']);
  });

  it('reports received and sent bytes as counters', async () => {
    const series = await collector({ eth0: 'physical' }, {}).collect(1000);
    const eth0 = series.filter((s) => s.labels?.iface === 'eth0').map((s) => [s.name, s.points[0]]);
    expect(eth0).toEqual([
      ['net.rx_bytes', [1000, 5000]],
      ['net.tx_bytes', [1000, 7000]],
    ]);
  });
});
