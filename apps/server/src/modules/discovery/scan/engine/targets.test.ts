import { describe, expect, it } from 'vitest';
import { expandTargets, ScanTargetError } from './targets';

function refusal(targets: string[], options = {}): ScanTargetError {
  try {
    expandTargets(targets, options);
  } catch (err) {
    if (err instanceof ScanTargetError) return err;
    throw err;
  }
  throw new Error(`expandTargets(${JSON.stringify(targets)}) was not refused`);
}

describe('expandTargets', () => {
  it('expands an IPv4 /24 without its network and broadcast addresses', () => {
    const out = expandTargets(['10.1.2.0/24']);
    expect(out).toHaveLength(254);
    expect(out[0]).toBe('10.1.2.1');
    expect(out.at(-1)).toBe('10.1.2.254');
  });

  it('keeps both addresses of a /31 and the one of a /32, and drops network/broadcast of a /30', () => {
    expect(expandTargets(['10.0.0.0/31'])).toEqual(['10.0.0.0', '10.0.0.1']);
    expect(expandTargets(['10.0.0.7/32'])).toEqual(['10.0.0.7']);
    expect(expandTargets(['10.0.0.5/30'])).toEqual(['10.0.0.5', '10.0.0.6']);
  });

  it('expands ranges, the last-octet shorthand, and dedupes overlapping entries in first-seen order', () => {
    expect(expandTargets(['10.0.0.3-10.0.0.5', '10.0.0.1-4', '10.0.0.4'])).toEqual([
      '10.0.0.3',
      '10.0.0.4',
      '10.0.0.5',
      '10.0.0.1',
      '10.0.0.2',
    ]);
  });

  it('expands IPv6 prefixes and ranges into canonical addresses', () => {
    const out = expandTargets(['FD00:0:0::0/126', 'fd00::1', '2001:db8::ff-2001:db8::101']);
    expect(out).toEqual(['fd00::', 'fd00::1', 'fd00::2', 'fd00::3', '2001:db8::ff', '2001:db8::100', '2001:db8::101']);
    expect(expandTargets(['2001:db8:0:0:1:0:0:1'])).toEqual(['2001:db8::1:0:0:1']);
  });

  it('takes IPv4-mapped IPv6 addresses, prefixes and ranges as the IPv4 addresses they carry', () => {
    expect(expandTargets(['::ffff:10.0.0.4/30', '::FFFF:a00:7', '::ffff:10.0.0.8-9'])).toEqual([
      '10.0.0.5',
      '10.0.0.6',
      '10.0.0.7',
      '10.0.0.8',
      '10.0.0.9',
    ]);
  });

  it('allows loopback and private ranges', () => {
    expect(expandTargets(['127.0.0.1', '::1', '192.168.1.10', '172.16.0.1', 'fd12::1'])).toHaveLength(5);
  });

  it('refuses more than 4,096 addresses unless forced, and more than 65,536 always', () => {
    expect(refusal(['10.0.0.0/19']).code).toBe('too-many');
    expect(refusal(['10.0.0.0/19']).message).toMatch(/8190 addresses.*force/);
    expect(expandTargets(['10.0.0.0/19'], { force: true })).toHaveLength(8190);
    expect(expandTargets(['10.0.0.0/20'])).toHaveLength(4094);
    expect(refusal(['10.0.0.0/15'], { force: true }).code).toBe('too-many');
    expect(refusal(['0.0.0.0/0'], { force: true }).code).toBe('too-many');
    expect(refusal(['1.0.0.0/1'], { force: true }).code).toBe('too-many');
    expect(refusal(['10.0.0.0/20', '10.1.0.0/20']).code).toBe('too-many');
  });

  it('refuses IPv6 prefixes shorter than /112 even when forced', () => {
    const error = refusal(['fd00::/64'], { force: true });
    expect(error.code).toBe('prefix-too-short');
    expect(error.target).toBe('fd00::/64');
    expect(expandTargets(['fd00::/112'], { force: true })).toHaveLength(65_536);
  });

  it('refuses link-local and cloud-metadata addresses unless allowed', () => {
    for (const target of ['169.254.169.254', '169.254.0.0/24', 'fe80::1', 'fd00:ec2::254', '100.100.100.200', '::ffff:169.254.169.254']) {
      const error = refusal([target]);
      expect(error.code, target).toBe('refused');
      expect(error.message).toContain(target);
    }
    expect(refusal(['100.100.100.0/24']).message).toMatch(/Alibaba/);
    expect(expandTargets(['169.254.169.254', 'fe80::1', '100.100.100.200'], { allowLinkLocal: true })).toEqual([
      '169.254.169.254',
      'fe80::1',
      '100.100.100.200',
    ]);
  });

  it.each([
    '::169.254.169.254',
    '::a9fe:a9fe',
    '::ffff:0:169.254.169.254',
    '64:ff9b::169.254.169.254',
    '64:ff9b::a9fe:a900/120',
    '64:ff9b:1::a9fe:a9fe',
    '2002:a9fe:a9fe::1',
    '2002:a9fe:a9fe::/120',
    '2001:0:4136:e378:8000:63bf:5601:5601',
    '64:ff9b::100.100.100.200',
    '64:ff9b::a9fe:a8ff-64:ff9b::a9fe:a9ff',
  ])('refuses the metadata address carried in the IPv6 address %s unless allowed', (target) => {
    const error = refusal([target]);
    expect(error.code).toBe('refused');
    expect(error.message).toMatch(/carried in .*allow link-local/);
    expect(expandTargets([target], { allowLinkLocal: true }).length).toBeGreaterThan(0);
  });

  it('refuses multicast and broadcast addresses carried in IPv6 even when link-local is allowed', () => {
    for (const target of ['64:ff9b::224.0.0.1', '2002:ffff:ffff::1', '::ffff:0:239.1.1.1']) {
      expect(refusal([target], { allowLinkLocal: true }).code, target).toBe('refused');
    }
  });

  it('scans IPv6 addresses that carry private IPv4 addresses', () => {
    expect(expandTargets(['64:ff9b::10.0.0.5', '2002:a00:5::1', '64:ff9b::a00:0/126'])).toEqual([
      '64:ff9b::a00:5',
      '2002:a00:5::1',
      '64:ff9b::a00:0',
      '64:ff9b::a00:1',
      '64:ff9b::a00:2',
      '64:ff9b::a00:3',
    ]);
  });

  it('refuses multicast, unspecified and broadcast addresses even when link-local is allowed', () => {
    for (const target of ['224.0.0.1', '239.1.1.0/24', '0.0.0.0', '::', 'ff02::1', '255.255.255.255']) {
      expect(refusal([target], { allowLinkLocal: true }).code, target).toBe('refused');
    }
  });

  it('refuses malformed entries and empty lists with a message naming the entry', () => {
    for (const target of [
      'example.org',
      '10.0.0.256',
      '10.0.0.0/33',
      '10.0.0.9-10.0.0.1',
      '10.0.0.1-fd00::1',
      'fe80::1%eth0',
      '10.0.0.1-300',
      '10.1',
      '167772161',
      '0x0a.0.0.1',
      '010.0.0.1',
      '::ffff:010.0.0.1',
      '::ffff:10.0.0.0/120',
      '[fd00::1]',
      'fd00::1::2',
      '10.0.0.1/24/8',
      '10.0.0.1-10.0.0.3-10.0.0.5',
    ]) {
      const error = refusal([target], { allowLinkLocal: true });
      expect(error.code, target).toBe('invalid');
      expect(error.message).toContain(target);
    }
    expect(refusal([]).code).toBe('empty');
    expect(refusal(['  ']).code).toBe('empty');
  });
});
