import { describe, expect, it } from 'vitest';
import { normaliseHostname, normaliseIp, normaliseMac, parseIp } from './addresses';

describe('normaliseMac', () => {
  it('writes every accepted form of a MAC as lower-case colon-separated bytes', () => {
    for (const form of [
      '52:54:00:AB:CD:EF',
      '52-54-00-AB-CD-EF',
      '52-54-00-ab-cd-ef',
      '52 54 00 AB CD EF',
      '5254.00ab.cdef',
      '525400ABCDEF',
      '0x525400abcdef',
      '  52:54:00:ab:cd:ef\n',
    ]) {
      expect(normaliseMac(form), form).toBe('52:54:00:ab:cd:ef');
    }
    expect(normaliseMac('0:1a:2b:3:4d:5e')).toBe('00:1a:2b:03:4d:5e');
  });

  it('refuses what is not one MAC', () => {
    for (const junk of [
      undefined,
      null,
      '',
      'not-a-mac',
      '52:54:00:ab:cd',
      '52:54:00:ab:cd:ef:01',
      '52:54-00:ab:cd:ef',
      '525:4:00:ab:cd:ef',
      '5254.00ab.cdef.0001',
      '525400abcdef0',
      'gateway abcdefabcdef',
      'SW-ACCESS-01',
    ]) {
      expect(normaliseMac(junk), String(junk)).toBeNull();
    }
  });

  it('refuses all-zero, broadcast, multicast and placeholder MACs, which name no single interface', () => {
    expect(normaliseMac('00:00:00:00:00:00')).toBeNull();
    expect(normaliseMac('000000000000')).toBeNull();
    expect(normaliseMac('ff:ff:ff:ff:ff:ff')).toBeNull();
    expect(normaliseMac('01:00:5e:00:00:01')).toBeNull();
    expect(normaliseMac('33:33:00:00:00:01')).toBeNull();
    expect(normaliseMac('02:00:00:00:00:00')).toBeNull();
    // Locally administered unicast addresses (containers, VMs) are real.
    expect(normaliseMac('02:42:ac:11:00:01')).toBe('02:42:ac:11:00:01');
  });
});

describe('normaliseIp', () => {
  it('writes IPv4 dotted and IPv6 compressed in lower case', () => {
    expect(normaliseIp('10.0.0.5')).toBe('10.0.0.5');
    expect(normaliseIp('2001:DB8:0:0::1')).toBe('2001:db8::1');
    expect(normaliseIp('2001:0db8:0000:0000:0001:0000:0000:0001')).toBe('2001:db8::1:0:0:1');
    expect(normaliseIp('fd00:0:0:1::a')).toBe('fd00:0:0:1::a');
  });

  it('writes an IPv4-mapped IPv6 address as the IPv4 address it carries', () => {
    expect(normaliseIp('::ffff:10.0.0.5')).toBe('10.0.0.5');
    expect(normaliseIp('::FFFF:a00:5')).toBe('10.0.0.5');
    expect(normaliseIp('::ffff:127.0.0.1')).toBeNull();
  });

  it('writes an IPv4-compatible IPv6 address in hex, whichever way it was written', () => {
    expect(normaliseIp('::10.0.0.5')).toBe('::a00:5');
    expect(normaliseIp('::a00:5')).toBe('::a00:5');
    expect(normaliseIp('64:ff9b::192.0.2.1')).toBe('64:ff9b::c000:201');
  });

  it('drops brackets, zones and prefix lengths', () => {
    expect(normaliseIp('[2001:db8::1]')).toBe('2001:db8::1');
    expect(normaliseIp('10.0.0.21/24')).toBe('10.0.0.21');
    expect(normaliseIp('2001:db8::1/64')).toBe('2001:db8::1');
    expect(normaliseIp('fd00::1%eth0')).toBe('fd00::1');
  });

  it('refuses addresses that name no single host', () => {
    for (const address of [
      '127.0.1.1',
      '::1',
      '0.0.0.0',
      '0.1.2.3',
      '::',
      '169.254.169.254',
      '[fe80::1%eth0]',
      'fe80::5054:ff:fe12:3456/64',
      '224.0.0.251',
      'ff02::1',
      '255.255.255.255',
    ]) {
      expect(normaliseIp(address), address).toBeNull();
    }
  });

  it('refuses what is not an IP literal, including the loose IPv4 forms inet_aton takes', () => {
    for (const text of [undefined, '', 'not an ip', 'garbage', '10.1', '167772161', '0x0a.0.0.1', '010.0.0.1', '10.0.0.256', '1::2::3']) {
      expect(normaliseIp(text), String(text)).toBeNull();
    }
  });
});

describe('parseIp', () => {
  it('parses exact literals without judging their range', () => {
    expect(parseIp('127.0.0.1')?.toString()).toBe('127.0.0.1');
    expect(parseIp('::ffff:169.254.0.1')?.kind()).toBe('ipv4');
    expect(parseIp('::ffff:169.254.0.1')?.toString()).toBe('169.254.0.1');
    expect(parseIp('1:2:3:4:5:6:1.2.3.4')?.toString()).toBe('1:2:3:4:5:6:102:304');
  });

  it('refuses decorations and the loose forms of an embedded IPv4 address', () => {
    for (const text of [
      'fe80::1%eth0',
      '[::1]',
      '10.0.0.0/8',
      ' 10.0.0.1',
      'web01',
      '::ffff:0x0a.0.0.1',
      '::ffff:010.0.0.1',
      '::ffff:1.2.3',
    ]) {
      expect(parseIp(text), text).toBeNull();
    }
  });
});

describe('normaliseHostname', () => {
  it('matches host names by their first label in lower case', () => {
    expect(normaliseHostname('WEB01.example.com.')).toBe('web01');
    expect(normaliseHostname(' db-01 ')).toBe('db-01');
  });

  it('refuses empty names, IP literals and the names every machine answers to', () => {
    for (const name of [
      undefined,
      '',
      ' ',
      '.',
      'localhost',
      'LOCALHOST.localdomain',
      'localhost6.localdomain6',
      'ip6-localhost',
      '10.0.0.5',
      '2001:db8::1',
      '[::1]',
    ]) {
      expect(normaliseHostname(name), String(name)).toBeNull();
    }
  });
});
