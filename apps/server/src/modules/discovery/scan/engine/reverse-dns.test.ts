import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { untilPasses, withFakeTimers } from './fake-clock.test-support';
import { probeReverseDns } from './reverse-dns';

/**
 * A DNS server on 127.0.0.1 that knows one PTR record, answers NXDOMAIN otherwise, and ignores one name entirely. It
 * records every name it was asked for.
 */
function startDnsServer(records: Record<string, string>, silent: string): Promise<{ server: dgram.Socket; port: number; asked: string[] }> {
  const server = dgram.createSocket('udp4');
  const asked: string[] = [];
  server.on('message', (query, remote) => {
    // Question name: labels from byte 12 to the zero byte, then QTYPE and QCLASS.
    const labels: string[] = [];
    let at = 12;
    while (query[at]! > 0) {
      labels.push(query.subarray(at + 1, at + 1 + query[at]!).toString());
      at += query[at]! + 1;
    }
    const name = labels.join('.');
    asked.push(name);
    if (name === silent) return;
    const question = query.subarray(12, at + 5);
    const target = records[name];
    const header = Buffer.from([query[0]!, query[1]!, 0x81, target ? 0x80 : 0x83, 0, 1, 0, target ? 1 : 0, 0, 0, 0, 0]);
    let answer = Buffer.alloc(0);
    if (target) {
      const rdata = Buffer.concat([
        ...target.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
        Buffer.from([0]),
      ]);
      const fixed = Buffer.alloc(12);
      fixed.writeUInt16BE(0xc00c, 0);
      fixed.writeUInt16BE(12, 2);
      fixed.writeUInt16BE(1, 4);
      fixed.writeUInt32BE(60, 6);
      fixed.writeUInt16BE(rdata.length, 10);
      answer = Buffer.concat([fixed, rdata]);
    }
    server.send(Buffer.concat([header, question, answer]), remote.port, remote.address);
  });
  return new Promise((resolve) => server.bind(0, '127.0.0.1', () => resolve({ server, port: server.address().port, asked })));
}

describe('reverse DNS', () => {
  let dns: Awaited<ReturnType<typeof startDnsServer>>;
  beforeAll(async () => {
    dns = await startDnsServer({ '7.0.0.10.in-addr.arpa': 'db-07.estate.test' }, '8.0.0.10.in-addr.arpa');
  });
  afterAll(() => dns.server.close());

  const options = () => ({ timeoutMs: 500, servers: [`127.0.0.1:${dns.port}`] });

  it('resolves the PTR name of an address', async () => {
    expect(await probeReverseDns('10.0.0.7', options())).toBe('db-07.estate.test');
  });

  it('gives nothing for an address without a PTR record', async () => {
    expect(await probeReverseDns('10.0.0.9', options())).toBeUndefined();
  });

  it('gives nothing once its timeout passes when the server never answers', async () => {
    await withFakeTimers(async () => {
      const pending = probeReverseDns('10.0.0.8', options());
      await untilPasses(() => expect(dns.asked).toContain('8.0.0.10.in-addr.arpa'));
      // The resolver keeps a real-time timeout of its own as well, so only the outcome is asserted, not when it came.
      await vi.advanceTimersByTimeAsync(500);
      expect(await pending).toBeUndefined();
    });
  });
});
