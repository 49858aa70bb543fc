import { describe, expect, it } from 'vitest';
import { parsePorts, parseTargets, scanFormValues, scanRequest, targetErrors } from './scan-form';

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
});
