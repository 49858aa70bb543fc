import { describe, expect, it } from 'vitest';
import { identifiersOf, normaliseHostname, normaliseIp, normaliseMac } from './identifiers';

describe('identifier normalisation', () => {
  it('writes MACs one way and drops those that name no single interface', () => {
    expect(normaliseMac('52-54-00-AB-CD-EF')).toBe('52:54:00:ab:cd:ef');
    expect(normaliseMac('5254.00ab.cdef')).toBe('52:54:00:ab:cd:ef');
    expect(normaliseMac('00:00:00:00:00:00')).toBeNull();
    expect(normaliseMac('ff:ff:ff:ff:ff:ff')).toBeNull();
    expect(normaliseMac('01:00:5e:00:00:01')).toBeNull();
    expect(normaliseMac('52:54:00:ab:cd')).toBeNull();
  });

  it('writes IPs canonically and drops loopback and link-local', () => {
    expect(normaliseIp('2001:DB8:0:0::1')).toBe('2001:db8::1');
    expect(normaliseIp('[fe80::1%eth0]')).toBeNull();
    expect(normaliseIp('127.0.1.1')).toBeNull();
    expect(normaliseIp('169.254.169.254')).toBeNull();
    expect(normaliseIp('10.0.0.5')).toBe('10.0.0.5');
    expect(normaliseIp('not an ip')).toBeNull();
  });

  it('matches host names by their first label and ignores localhost and bare addresses', () => {
    expect(normaliseHostname('WEB01.example.com.')).toBe('web01');
    expect(normaliseHostname('localhost')).toBeNull();
    expect(normaliseHostname('10.0.0.5')).toBeNull();
  });

  it('drops firmware placeholders instead of matching every machine that has them', () => {
    const ids = identifiersOf({
      serial: 'To Be Filled By O.E.M.',
      machineId: '00000000-0000-0000-0000-000000000000',
      externalId: ' ',
      macs: ['52:54:00:AB:CD:EF', '52-54-00-ab-cd-ef'],
      hostname: 'Db-01',
      ips: ['10.0.0.5', '127.0.0.1'],
    });
    expect(ids).toEqual([
      { kind: 'mac', value: '52:54:00:ab:cd:ef' },
      { kind: 'hostname', value: 'db-01' },
      { kind: 'ip', value: '10.0.0.5' },
    ]);
    expect(identifiersOf({ serial: ' sn-123 ', machineId: 'ABCD-ef01' })).toEqual([
      { kind: 'serial', value: 'SN-123' },
      { kind: 'machine_id', value: 'abcdef01' },
    ]);
  });
});
