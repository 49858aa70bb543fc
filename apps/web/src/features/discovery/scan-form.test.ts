import { describe, expect, it } from 'vitest';
import { parsePorts, parseTargets, portsRule, scanFormValues, scanRequest, targetErrors, targetsRule } from './scan-form';

describe('scan form', () => {
  it('reads targets separated by lines, commas and spaces', () => {
    expect(parseTargets('192.0.2.0/24\n 10.0.0.1, 10.0.0.5-10.0.0.9\n\n2001:db8::1')).toEqual([
      '192.0.2.0/24',
      '10.0.0.1',
      '10.0.0.5-10.0.0.9',
      '2001:db8::1',
    ]);
  });

  it('reads ports and ranges, and names what is not a port', () => {
    expect(parsePorts('443, 22 8000-8002 22')).toEqual({ ports: [22, 443, 8000, 8001, 8002] });
    expect(parsePorts('22, 70000')).toEqual({ error: '70000 is not a port or port range (1–65535)' });
    expect(parsePorts('ssh')).toEqual({ error: 'ssh is not a port or port range (1–65535)' });
    expect(parsePorts('1-2000')).toEqual({ error: 'A scan probes at most 1,000 ports' });
  });

  it('builds the request from the default values and shows target complaints', () => {
    const values = { ...scanFormValues(), name: ' Office ', targets: '192.0.2.0/28' };
    const built = scanRequest(values);
    expect('request' in built && built.request).toMatchObject({ name: 'Office', targets: ['192.0.2.0/28'], intervalMinutes: null });
    expect(targetErrors({ name: 'taken', 'targets.1': '10.0.0.0/8: too many', targets: 'together too many' })).toEqual([
      '10.0.0.0/8: too many',
      'together too many',
    ]);
  });

  it('asks for at least one and at most 256 targets before asking the server', () => {
    expect(targetsRule(' \n, ')).toBe('Enter at least one target');
    expect(targetsRule('192.0.2.1')).toBeNull();
    const many = Array.from({ length: 257 }, (_, i) => `10.0.${i >> 8}.${i & 255}`).join('\n');
    expect(targetsRule(many)).toMatch(/at most 256/);
    expect(targetsRule(many.split('\n').slice(1).join('\n'))).toBeNull();
  });

  it('names the first port it cannot read, and accepts an empty list', () => {
    expect(portsRule('22, 80-81')).toBeNull();
    expect(portsRule('')).toBeNull();
    expect(portsRule('22, http')).toBe('http is not a port or port range (1–65535)');
    expect(portsRule('1-2000')).toBe('A scan probes at most 1,000 ports');
  });
});
