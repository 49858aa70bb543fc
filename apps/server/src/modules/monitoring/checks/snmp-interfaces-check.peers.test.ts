import dgram from 'node:dgram';
import type { CheckOutcome } from '@estate/checks/checks/check-executor';
import { policyWithNames } from '@estate/checks/checks/check-servers.fixtures';
import type { InterfaceRow } from '@estate/checks/checks/snmp-interface-row';
import { snmpInterfacesCheck } from '@estate/checks/checks/snmp-interfaces-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNamespace, freeSubnet, type Namespace, run as runCommand } from '../../discovery/scan/engine/peers.test-support';
import { peersTier, SNMPD, startSnmpd, type TestSnmpd } from './snmp.peers.test-support';

/** The host end of a namespace's veth pair, named like createNamespace names it. */
function hostLinkOf(ns: Namespace): string {
  return `${ns.innerLink.slice(0, -1)}h`;
}

/** Sends `count` UDP datagrams of `size` bytes to `address` (nothing listens: they only need to cross the link). */
async function sendTraffic(address: string, count: number, size: number): Promise<void> {
  const socket = dgram.createSocket('udp4');
  const payload = Buffer.alloc(size, 0x2a);
  for (let i = 0; i < count; i++)
    await new Promise<void>((resolve, reject) => socket.send(payload, 9, address, (err) => (err ? reject(err) : resolve())));
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}

const rowOf = (outcome: CheckOutcome, name: string) => (outcome.details.interfaces as InterfaceRow[]).find((r) => r.name === name);
const seriesOf = (outcome: CheckOutcome, metric: string, ifName: string) =>
  outcome.series?.find((s) => s.name === `estate_snmp_interface_${metric}` && s.labels?.ifName === ifName)?.value;

describe.runIf(peersTier(['snmpd', 'ip']))('snmp-interfaces check against Debian snmpd on loopback', () => {
  let snmpd: TestSnmpd | undefined;
  let busy: Namespace | undefined;
  let unplugged: Namespace | undefined;
  let busyInner = '';
  /** The check type's clock: each run below moves it on by ten seconds, whatever time really passed. */
  let clock = 0;
  const check = snmpInterfacesCheck(policyWithNames({}), undefined, { now: () => clock });
  const run = (config: Record<string, unknown>, secrets: Record<string, string> = { community: SNMPD.community }) =>
    check.run(check.validate({ host: '127.0.0.1', port: snmpd!.port, ...config }, secrets), new AbortController().signal);

  beforeAll(async () => {
    // Links made before snmpd starts, so its first interface table (cached for a few seconds) already has them.
    const a = freeSubnet(216);
    let b = freeSubnet(216);
    while (b === a) b = freeSubnet(216);
    busy = createNamespace({ hostAddress: `${a}.1/24`, innerAddress: `${a}.2/24` });
    busyInner = `${a}.2`;
    unplugged = createNamespace({ hostAddress: `${b}.1/24`, innerAddress: `${b}.2/24` });
    // The far end of the cable pulled: the host end stays enabled but loses its carrier.
    runCommand('/usr/sbin/ip', ['netns', 'exec', unplugged.name, '/usr/sbin/ip', 'link', 'set', unplugged.innerLink, 'down']);
    snmpd = await startSnmpd();
  });
  afterAll(() => {
    snmpd?.stop();
    busy?.cleanup();
    unplugged?.cleanup();
  });

  it('has no rates on the first run, then the octet rate and utilisation between two runs, and names the busy interface', async () => {
    const link = hostLinkOf(busy!);
    const config = {
      interfaces: [link],
      conditions: ['[CONNECTED] == true', '[INTERFACES_DOWN] == 0', '[ERRORS_PER_SECOND] < 1', '[UTILISATION] < 0.0000001'],
    };
    const first = await run(config);
    expect(first.status).toBe('up');
    expect(first.conditions.map((c) => c.reason)).toEqual([
      '[CONNECTED] (true) == true',
      '[INTERFACES_DOWN] (0) == 0',
      '[ERRORS_PER_SECOND] (no rate until the next run) < 1',
      '[UTILISATION] (no rate until the next run) < 0.0000001',
    ]);
    expect(first.context).toBeUndefined();
    expect(rowOf(first, link)).toMatchObject({ operStatus: 'up', adminStatus: 'up', speedMbps: 10_000 });
    expect(rowOf(first, link)!.outBitsPerSecond).toBeUndefined();
    expect(seriesOf(first, 'up', link)).toBe(1);
    expect(seriesOf(first, 'speed_bits_per_second', link)).toBe(10_000_000_000);
    expect(seriesOf(first, 'transmit_bits_per_second', link)).toBeUndefined();

    await sendTraffic(busyInner, 200, 1_000);
    // snmpd caches its interface table for a few seconds: read until it shows the traffic. Each run is "ten seconds"
    // after the one before on the check's clock, so each rate is the delta since the previous run over ten seconds.
    let previous = first;
    let latest = first;
    for (let attempt = 0; attempt < 40; attempt++) {
      clock += 10_000;
      latest = await run(config);
      if (rowOf(latest, link)!.outOctets !== rowOf(previous, link)!.outOctets) break;
      previous = latest;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const before = rowOf(previous, link)!;
    const after = rowOf(latest, link)!;
    const sent = after.outOctets! - before.outOctets!;
    expect(sent).toBeGreaterThanOrEqual(200 * 1_000);
    const bitsPerSecond = Number(((sent * 8) / 10).toPrecision(6));
    expect(after.outBitsPerSecond).toBe(bitsPerSecond);
    expect(after.outUtilisationPercent).toBe(Number((((sent * 8) / 10 / 10_000_000_000) * 100).toPrecision(6)));
    expect(seriesOf(latest, 'transmit_bits_per_second', link)).toBe(bitsPerSecond);
    expect(seriesOf(latest, 'transmit_errors_per_second', link)).toBe(0);
    expect(latest.conditions[2]).toEqual({ condition: '[ERRORS_PER_SECOND] < 1', passed: true, reason: '[ERRORS_PER_SECOND] (0) < 1' });
    expect(latest.status).toBe('down');
    expect(latest.message).toBe(`Condition failed: [UTILISATION] (${after.utilisationPercent}) < 0.0000001 on ${link}`);
  });

  it('is down naming an enabled interface whose link is down, with its status series at 0', async () => {
    const link = hostLinkOf(unplugged!);
    const outcome = await run({ interfaces: [link, 'lo'] });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(new RegExp(`^Interface ${link} is down \\(ifOperStatus (down|lowerLayerDown)\\)$`));
    expect(outcome.conditions[1]!.reason).toBe('[INTERFACES_DOWN] (1) == 0');
    expect(seriesOf(outcome, 'up', link)).toBe(0);
    expect(seriesOf(outcome, 'up', 'lo')).toBe(1);
    expect(outcome.details.interfaceCount).toBe(2);

    const lo = await run({ interfaces: ['l*'], conditions: ['[BODY].lo.operStatus == up', '[INTERFACES_DOWN] == 0'] });
    expect(lo.status).toBe('up');
    expect(lo.message).toMatch(/^1 interface on 127\.0\.0\.1:\d+ \(127\.0\.0\.1\), 0 down/);
    // SNMP v1 has no 64-bit counters: ifTable's octets and ifSpeed (10 Mb/s for lo on Linux) stand in.
    const v1 = await run({ version: 'v1', interfaces: ['lo'] });
    expect(v1.status).toBe('up');
    expect(rowOf(v1, 'lo')).toMatchObject({ operStatus: 'up', speedMbps: 10 });
    expect(rowOf(v1, 'lo')!.inOctets).toBeGreaterThan(0);
  });

  it('is down naming the patterns no interface matches, and when the community gets no answer', async () => {
    const unmatched = await run({ interfaces: ['lo', 'nothing-such-*'] });
    expect(unmatched.status).toBe('down');
    expect(unmatched.message).toMatch(
      new RegExp(`^No interface on 127\\.0\\.0\\.1:${snmpd!.port} matches "nothing-such-\\*"; it has lo, `),
    );

    const silent = await run({ interfaces: ['lo'], timeoutMs: 200, retries: 0 }, { community: 'wrong-51c2' });
    expect(silent.status).toBe('down');
    expect(silent.message).toMatch(/^No SNMP answer from 127\.0\.0\.1:\d+ \(udp\) after 1 try of 200 ms: .*wrong community/);
  });
});
