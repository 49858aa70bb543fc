import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDnsServer } from './dns-server.test-support';
import { untilPasses, withFakeTimers } from './fake-clock.test-support';
import { probeReverseDns } from './reverse-dns';

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
