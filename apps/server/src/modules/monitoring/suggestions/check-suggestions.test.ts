import { describe, expect, it } from 'vitest';
import type { ObservedServices } from '../../discovery';
import { coverageKey, suggestChecks } from './check-suggestions';

const CI = { id: '0190d1c8-0000-7000-8000-0000000000c1', name: 'db-01' };
const ALL_TYPES = new Set(['http', 'tcp', 'icmp', 'dns', 'tls', 'postgres', 'mysql', 'redis']);
const scanned = (ports: number[], extra: Partial<ObservedServices['services'][number]> = {}): ObservedServices => ({
  services: ports.map((port) => ({ port, address: '10.0.0.5', seenBy: 'scan LAN', ...extra })),
  reachable: null,
});

describe('check suggestions', () => {
  it('maps the well-known ports: 443 → HTTPS and TLS, 80 → HTTP, 22 → TCP, 5432/3306/6379 → the databases', () => {
    const items = suggestChecks(CI, scanned([6379, 443, 22, 80, 3306, 5432, 8125]), [], ALL_TYPES);
    expect(items.map((s) => s.key)).toEqual(['tcp:22', 'http:80', 'http:443', 'tls:443', 'mysql:3306', 'postgres:5432', 'redis:6379']);
    const byKey = Object.fromEntries(items.map((s) => [s.key, s]));
    expect(byKey['http:443']?.request).toEqual({ name: 'db-01 HTTPS', type: 'http', config: { url: 'https://10.0.0.5/' }, ciIds: [CI.id] });
    expect(byKey['http:80']?.request.config).toEqual({ url: 'http://10.0.0.5/' });
    expect(byKey['tls:443']?.request.config).toEqual({ host: '10.0.0.5', port: 443 });
    expect(byKey['tcp:22']?.request.config).toEqual({ host: '10.0.0.5', port: 22 });
    expect(byKey['redis:6379']?.inputs).toEqual([]);
    // The databases need a login: the suggestion says which values to ask for, with a start for the user name.
    expect(byKey['postgres:5432']?.request.config).toEqual({ host: '10.0.0.5', port: 5432, database: 'postgres', user: 'postgres' });
    expect(byKey['postgres:5432']?.inputs.map((i) => [i.path, i.value ?? null, i.secret])).toEqual([
      ['config.user', 'postgres', false],
      ['config.database', 'postgres', false],
      ['secrets.password', null, true],
    ]);
    expect(byKey['mysql:3306']?.inputs.map((i) => i.path)).toEqual(['config.user', 'secrets.password']);
    expect(byKey['tls:443']?.reason).toBe('port 443 open at 10.0.0.5 (scan LAN), speaks TLS');
  });

  it('follows what the probes heard on other ports, and names the web host by its DNS name when the scan had one', () => {
    const observed: ObservedServices = {
      services: [
        { port: 8080, address: '10.0.0.5', hostname: 'app.lan', seenBy: 'scan LAN', http: true },
        { port: 8443, address: '10.0.0.5', hostname: 'app.lan', seenBy: 'scan LAN', tls: true, http: true, tlsNames: ['*.lan', 'app.lan'] },
        { port: 2222, address: '10.0.0.5', seenBy: 'scan LAN', ssh: true },
        { port: 9999, address: '10.0.0.5', seenBy: 'scan LAN' },
      ],
      reachable: { address: '10.0.0.5', seenBy: 'scan LAN', snmp: true, snmpCredentialId: '0190d1c8-0000-7000-8000-0000000000cc' },
    };
    const items = suggestChecks(CI, observed, [], ALL_TYPES);
    expect(items.map((s) => [s.key, s.request.config])).toEqual([
      ['tcp:2222', { host: '10.0.0.5', port: 2222 }],
      ['http:8080', { url: 'http://app.lan:8080/' }],
      ['http:8443', { url: 'https://app.lan:8443/' }],
      ['tls:8443', { host: '10.0.0.5', port: 8443, serverName: 'app.lan' }],
      ['icmp', { host: '10.0.0.5' }],
    ]);
    expect(items.map((s) => s.request.name)).toEqual([
      'db-01 SSH (TCP 2222)',
      'db-01 HTTP 8080',
      'db-01 HTTPS 8443',
      'db-01 TLS certificate 8443',
      'db-01 ping',
    ]);
    expect(items.at(-1)?.reason).toBe('answered SNMP at 10.0.0.5 (scan LAN)');
    // Where the server runs interface checks, the SNMP device gets one, with the credential its scan used.
    const withInterfaces = suggestChecks(CI, observed, [], new Set([...ALL_TYPES, 'snmp-interfaces']));
    expect(withInterfaces.at(-1)).toMatchObject({
      key: 'snmp-interfaces',
      reason: 'answered SNMP at 10.0.0.5 (scan LAN), with its credential',
      request: {
        name: 'db-01 interfaces',
        type: 'snmp-interfaces',
        config: { host: '10.0.0.5', credentialId: '0190d1c8-0000-7000-8000-0000000000cc' },
      },
    });
    const covered = suggestChecks(CI, observed, [{ type: 'snmp-interfaces', config: { host: 'sw' } }], new Set(['snmp-interfaces']));
    expect(covered).toEqual([]);
  });

  it('leaves out what a bound check covers already, what the server cannot run, and repeats', () => {
    const bound = [
      { type: 'http', config: { url: 'https://db-01.example/' } },
      { type: 'tcp', config: { host: 'db-01', port: 22 } },
      { type: 'postgres', config: { host: 'db-01', database: 'app', user: 'app' } },
    ];
    const observed = scanned([22, 443, 5432, 6379]);
    observed.services.push({ port: 443, address: '10.0.0.5', seenBy: 'agent' });
    const items = suggestChecks(CI, observed, bound, new Set(['http', 'tcp', 'tls', 'postgres']));
    expect(items.map((s) => s.key)).toEqual(['tls:443']);
  });

  it('keys what checks cover by type and port', () => {
    expect(coverageKey({ type: 'http', config: { url: 'http://a:8080/x' } })).toBe('http:8080');
    expect(coverageKey({ type: 'http', config: { url: 'https://a/' } })).toBe('http:443');
    expect(coverageKey({ type: 'http', config: { url: 'not a url' } })).toBeUndefined();
    expect(coverageKey({ type: 'tls', config: { host: 'a' } })).toBe('tls:443');
    expect(coverageKey({ type: 'redis', config: { host: 'a' } })).toBe('redis:6379');
    expect(coverageKey({ type: 'icmp', config: { host: 'a' } })).toBe('icmp');
    expect(coverageKey({ type: 'dns', config: { name: 'a' } })).toBeUndefined();
  });
});
