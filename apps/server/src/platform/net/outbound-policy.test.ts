import { carriedIpv4, type DestinationClass, destinationRefusal, rangeOf, rangeRefusal } from '@estate/checks/net/outbound-policy';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { parseIp } from './addresses';

const EVERY_CLASS: ReadonlySet<DestinationClass> = new Set([
  'unspecified',
  'multicast',
  'reserved',
  'linkLocal',
  'cloudMetadata',
  'loopback',
  'private',
]);
const parse = (text: string) => {
  const address = parseIp(text);
  if (!address) throw new Error(`${text} is not an address`);
  return address;
};
const classOf = (text: string) => destinationRefusal(parse(text), EVERY_CLASS)?.class ?? 'public';

describe('outbound policy', () => {
  it.each([
    ['169.254.169.254', 'linkLocal'],
    ['100.100.100.200', 'cloudMetadata'],
    ['168.63.129.16', 'cloudMetadata'],
    ['fd00:ec2::254', 'cloudMetadata'],
    ['fe80::1', 'linkLocal'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.251', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12::1', 'private'],
    ['192.0.2.10', 'public'],
    ['2001:db8::1', 'public'],
  ])('classifies %s as %s', (address, expected) => {
    expect(classOf(address)).toBe(expected);
  });

  it.each([
    ['::ffff:169.254.169.254', 'IPv4-mapped'],
    ['::169.254.169.254', 'IPv4-compatible'],
    ['::a9fe:a9fe', 'IPv4-compatible'],
    ['::ffff:0:169.254.169.254', 'SIIT'],
    ['::ffff:0:a9fe:a9fe', 'SIIT'],
    ['64:ff9b::169.254.169.254', 'NAT64 address (64:ff9b::/96)'],
    ['64:ff9b:1::a9fe:a9fe', 'NAT64 address (64:ff9b:1::/48)'],
    // The same address at the /48, /56 and /64 cuts of RFC 6052, which skip the u-octet (bits 64–71).
    ['64:ff9b:1:a9fe:a9:fe00::', 'NAT64 address (64:ff9b:1::/48)'],
    ['64:ff9b:1:a9:fe:a9fe::', 'NAT64 address (64:ff9b:1::/48)'],
    ['64:ff9b:1:0:a9:fea9:fe00:0', 'NAT64 address (64:ff9b:1::/48)'],
    ['2002:a9fe:a9fe::1', '6to4'],
    // Teredo: the server's address in the second 32 bits, the client's inverted in the last 32.
    ['2001:0:a9fe:a9fe::1', 'Teredo'],
    ['2001:0:4136:e378:8000:63bf:5601:5601', 'Teredo'],
  ])('sees the metadata address carried in %s (%s)', (address, form) => {
    // parseIp reads an IPv4-mapped address as IPv4; the policy must see through the IPv6 form too.
    const parsed = parse(address);
    const refusal = destinationRefusal(parsed.kind() === 'ipv6' ? parsed : ipaddr.IPv6.parse(address), new Set(['linkLocal']));
    expect(refusal?.class).toBe('linkLocal');
    expect(refusal?.what).toContain(form);
  });

  it.each([
    ['::ffff:10.0.0.5', '10.0.0.5'],
    ['::a00:5', '10.0.0.5'],
    ['64:ff9b::8.8.8.8', '8.8.8.8'],
    ['2002:c000:0201::1', '192.0.2.1'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', '65.54.227.120,192.0.2.45'],
    ['2001:db8::1', ''],
    ['::1', ''],
    ['::', ''],
  ])('reads the IPv4 addresses %s carries: %s', (address, expected) => {
    const carried = carriedIpv4(ipaddr.IPv6.parse(address)).map(String);
    expect(carried.join(',')).toBe(expected);
  });

  it('lets through what a policy does not refuse, carried or not', () => {
    const scan = new Set<DestinationClass>(['unspecified', 'multicast', 'reserved', 'linkLocal', 'cloudMetadata']);
    for (const address of ['64:ff9b::10.0.0.5', '64:ff9b:1::a00:5', '2002:a00:5::1', '::ffff:0:10.0.0.5', '::1', 'fd00::1']) {
      expect(destinationRefusal(parse(address), scan), address).toBeNull();
    }
    expect(destinationRefusal(parse('64:ff9b::10.0.0.5'), new Set(['private']))?.what).toMatch(/private.*NAT64/);
  });

  it('checks ranges whole, and the part inside a carrying prefix address by address', () => {
    const range = (first: string, last: string) => ({ ...rangeOf(parse(first)), last: rangeOf(parse(last)).last });
    const metadata = new Set<DestinationClass>(['linkLocal']);
    expect(rangeRefusal(range('10.0.0.0', '10.255.255.255'), metadata)).toBeNull();
    expect(rangeRefusal(range('169.253.255.255', '169.254.0.0'), metadata)?.class).toBe('linkLocal');
    expect(rangeRefusal(range('64:ff9b::a9fe:a800', '64:ff9b::a9fe:a9ff'), metadata)?.what).toMatch(/NAT64/);
    expect(rangeRefusal(range('64:ff9b::a9fd:0', '64:ff9b::a9fd:ffff'), metadata)).toBeNull();
    expect(rangeRefusal(range('2002:a9fd:ffff:ffff:ffff:ffff:ffff:ff00', '2002:a9fe::ff'), metadata)?.what).toMatch(/6to4/);
    expect(rangeRefusal(range('2002:a9fd:ffff:ffff:ffff:ffff:ffff:ff00', '2002:a9fd:ffff:ffff:ffff:ffff:ffff:ffff'), metadata)).toBeNull();
    // Past 65,536 addresses inside a carrying prefix, the range counts as carrying every IPv4 address.
    expect(rangeRefusal(range('2002:800::', '2002:800:1::'), metadata)?.what).toMatch(/6to4/);
    expect(rangeRefusal(range('2002:800::', '2002:800::ffff'), metadata)).toBeNull();
  });
});
