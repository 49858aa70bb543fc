import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScanEngine, ScanRequestError } from './engine';
import type { HostFinding, ScanRequest } from './scan-types';

describe('scan engine without ICMP (TCP liveness on 127.0.0.1)', () => {
  const servers: net.Server[] = [];
  let sshPort = 0;
  let closedPort = 0;

  beforeAll(async () => {
    const open = (server: net.Server) =>
      new Promise<number>((resolve) => {
        servers.push(server);
        server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
      });
    sshPort = await open(net.createServer((s) => s.on('error', () => undefined).end('SSH-2.0-EstateTest\r\n')));
    closedPort = await open(net.createServer());
    await new Promise((resolve) => servers.pop()!.close(resolve));
  });
  afterAll(() => {
    for (const server of servers) server.close();
  });

  const request = (overrides: Partial<ScanRequest> = {}): ScanRequest => ({
    addresses: ['127.0.0.1'],
    ports: [sshPort, closedPort],
    concurrency: 4,
    ratePerSecond: 1_000,
    timeoutMs: 1_000,
    reverseDns: false,
    serviceHints: true,
    snmp: [],
    snmpPort: 161,
    tcpLiveness: false,
    ...overrides,
  });

  it('judges liveness by TCP when fping is missing, and says so on the finding', async () => {
    const found: HostFinding[] = [];
    await createScanEngine({ fpingPath: null }).scan(request(), async (f) => {
      found.push(f);
    });
    expect(found).toEqual([
      {
        address: '127.0.0.1',
        alive: 'tcp',
        openPorts: [sshPort],
        services: { [sshPort]: { ssh: 'SSH-2.0-EstateTest' } },
        notes: ['ICMP not checked: fping is not installed, so liveness was judged by TCP only.'],
      },
    ]);
  });

  it('refuses requests it cannot run before probing anything', async () => {
    const engine = createScanEngine({ fpingPath: null });
    const never = async () => {
      throw new Error('no host should be reported');
    };
    for (const bad of [{ ports: [0] }, { ports: [70_000] }, { concurrency: 0 }, { ratePerSecond: 0 }, { timeoutMs: 10 }, { snmpPort: 0 }]) {
      await expect(engine.scan(request(bad), never), JSON.stringify(bad)).rejects.toBeInstanceOf(ScanRequestError);
    }
  });

  it('rejects at once when the signal is already aborted', async () => {
    await expect(
      createScanEngine({ fpingPath: null }).scan(request(), async () => undefined, undefined, AbortSignal.abort()),
    ).rejects.toThrow();
  });
});
