import { describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATE_VALUES, fillPattern, hostOf, planChecks, rowErrors } from './bulk-check-templates';

const web = {
  id: '0190d1c8-0000-7000-8000-0000000000a1',
  name: 'web-01',
  attributes: { fqdn: 'web-01.example.org', ipAddresses: ['10.0.0.1'] },
};
const bare = { id: '0190d1c8-0000-7000-8000-0000000000a2', name: 'printer-3', attributes: {} };
const v6 = { id: '0190d1c8-0000-7000-8000-0000000000a3', name: 'sw-1', attributes: { managementIp: 'fd00::1' } };

describe('bulk check templates', () => {
  it('reaches a CI by its FQDN, host name, IP address, or else its name', () => {
    expect(hostOf(web)).toBe('web-01.example.org');
    expect(hostOf({ ...web, attributes: { hostname: 'web-01', ipAddresses: ['10.0.0.1'] } })).toBe('web-01');
    expect(hostOf({ ...web, attributes: { ipAddresses: ['', '10.0.0.1'] } })).toBe('10.0.0.1');
    expect(hostOf(bare)).toBe('printer-3');
  });

  it('fills {name}, {host} and {ip}, bracketing IPv6 addresses, and says which it could not fill', () => {
    expect(fillPattern('https://{name}/', web)).toEqual({ value: 'https://web-01/', missing: [] });
    expect(fillPattern('http://{ip}:8080/{name}', web)).toEqual({ value: 'http://10.0.0.1:8080/web-01', missing: [] });
    expect(fillPattern('https://{host}/', v6).value).toBe('https://[fd00::1]/');
    expect(fillPattern('http://{ip}/', bare)).toEqual({ value: 'http:///', missing: ['ip'] });
  });

  it('plans one check per CI bound to it, and none for a CI the pattern cannot fill', () => {
    const http = planChecks([web, bare], {
      ...DEFAULT_TEMPLATE_VALUES,
      template: 'http',
      urlPattern: 'https://{ip}/',
      intervalSeconds: 30,
    });
    expect(http[0]?.request).toEqual({
      name: 'web-01 HTTPS',
      type: 'http',
      enabled: true,
      intervalSeconds: 30,
      config: { url: 'https://10.0.0.1/' },
      ciIds: [web.id],
    });
    expect(http[1]).toMatchObject({ request: null, problem: 'has no IP address' });
    const tcp = planChecks([bare], { ...DEFAULT_TEMPLATE_VALUES, template: 'tcp', port: 9100 });
    expect(tcp[0]?.request).toMatchObject({ name: 'printer-3 TCP 9100', type: 'tcp', config: { host: 'printer-3', port: 9100 } });
    const ping = planChecks([web], DEFAULT_TEMPLATE_VALUES);
    expect(ping[0]?.request).toMatchObject({ name: 'web-01 ping', type: 'icmp', config: { host: 'web-01.example.org' } });
  });

  it("puts the server's item errors on the preview rows they came from", () => {
    // Rows 0 and 2 were sent as items 0 and 1 (row 1 had a problem of its own).
    const errors = rowErrors({ 'items[1].config.url': 'must start with http:// or https://', 'items[9].type': 'x', name: 'y' }, [0, 2]);
    expect([...errors]).toEqual([[2, 'config.url must start with http:// or https://']]);
  });
});
