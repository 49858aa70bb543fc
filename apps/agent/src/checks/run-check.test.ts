import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AgentCheckDefinition } from '@estate/contract';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentConfigError } from '../identity';
import { loadChecksAllow, loadPluginAllowList, PluginAllowList } from './plugin-config';
import { runAgentCheck } from './run-check';
import { parseSystemctlShow } from './systemd.check';

const PLUGINS = '/usr/lib/nagios/plugins';
const dir = mkdtempSync(path.join(tmpdir(), 'estate-agent-checks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = Date.parse('2026-06-01T00:00:00Z');
const allowList = new PluginAllowList(
  new Map([
    ['dummy', { command: `${PLUGINS}/check_dummy`, args: [], allowedArgs: ['0', '1', '2', '3', '4', 'all fine', 'careful', 'broken'] }],
    ['load', { command: `${PLUGINS}/check_load`, args: ['-w', '1000,1000,1000', '-c', '2000,2000,2000'], allowedArgs: [] }],
    ['disk', { command: `${PLUGINS}/check_disk`, args: ['-w', '100%', '-c', '100%', '-p', '/'], allowedArgs: [] }],
    ['procs', { command: `${PLUGINS}/check_procs`, args: ['-C'], allowedArgs: ['node'] }],
    ['sleepy', { command: '/bin/sleep', args: ['30'], allowedArgs: [] }],
    ['missing', { command: '/nonexistent/check_nothing', args: [], allowedArgs: [] }],
  ]),
);

function run(type: AgentCheckDefinition['type'], config: Record<string, unknown>, timeoutSeconds = 10, now = NOW) {
  return runAgentCheck(
    { id: '0190a000-0000-7000-8000-00000000c001', name: 't', type, intervalSeconds: 60, timeoutSeconds, config, version: 1 },
    { now: () => now, plugins: allowList },
  );
}

describe('nagios plugins (Debian monitoring-plugins)', () => {
  it.each([
    ['0', 'up'],
    ['1', 'degraded'],
    ['2', 'down'],
    ['3', 'unknown'],
  ])('maps check_dummy exit %s to %s', async (code, status) => {
    const result = await run('nagios', { plugin: 'dummy', args: [code, 'careful'] });
    expect(result.status).toBe(status);
    expect(result.message).toMatch(/careful/);
    expect(result.details.exitCode).toBe(Number(code));
  });

  it('turns check_load performance data into series', async () => {
    const result = await run('nagios', { plugin: 'load' });
    expect(result.status).toBe('up');
    expect(result.message).toMatch(/^LOAD OK/);
    const labels = (result.series ?? []).map((s) => [s.name, s.labels?.label]);
    expect(labels).toEqual([
      ['nagios_perfdata', 'load1'],
      ['nagios_perfdata', 'load5'],
      ['nagios_perfdata', 'load15'],
    ]);
    expect(result.details.perfdata).toEqual(
      expect.arrayContaining([expect.objectContaining({ label: 'load1', warn: '1000.000', crit: '2000.000' })]),
    );
  });

  it('reads check_disk bytes as bytes and check_procs counts', async () => {
    const disk = await run('nagios', { plugin: 'disk' });
    const used = disk.series?.find((s) => s.labels?.label === '/');
    expect(disk.status).toBe('down');
    expect(used?.name).toBe('nagios_perfdata_bytes');
    expect(used?.value).toBeGreaterThan(1024 * 1024);
    const procs = await run('nagios', { plugin: 'procs', args: ['node'] });
    expect(procs.status).toBe('up');
    expect(procs.series?.find((s) => s.labels?.label === 'procs')?.value).toBeGreaterThanOrEqual(1);
  });

  it('refuses a plugin the host does not allow, and arguments it does not list, without running anything', async () => {
    const unknownPlugin = await run('nagios', { plugin: 'check_by_ssh' });
    expect(unknownPlugin).toMatchObject({ status: 'unknown', details: { refused: true } });
    expect(unknownPlugin.message).toBe(
      'This host does not allow the plugin "check_by_ssh": its agent configuration allows disk, dummy, load, missing, procs, sleepy.',
    );
    const badArg = await run('nagios', { plugin: 'dummy', args: ['0', '; rm -rf /'] });
    expect(badArg.status).toBe('unknown');
    expect(badArg.message).toBe('This host\'s agent configuration does not allow the argument "; rm -rf /" for the plugin "dummy".');
    const none = await runAgentCheck(
      {
        id: '0190a000-0000-7000-8000-00000000c001',
        name: 't',
        type: 'nagios',
        intervalSeconds: 60,
        timeoutSeconds: 5,
        config: { plugin: 'load' },
        version: 1,
      },
      { now: () => NOW, plugins: new PluginAllowList() },
    );
    expect(none.message).toBe('This host does not allow the plugin "load": its agent configuration allows no plugins.');
  });

  it('answers a plugin with an exit code outside 0–3, one that cannot start, and one past its timeout', async () => {
    const odd = await run('nagios', { plugin: 'dummy', args: ['4'] });
    expect(odd.status).toBe('unknown');
    const missing = await run('nagios', { plugin: 'missing' });
    expect(missing.status).toBe('unknown');
    expect(missing.message).toMatch(/could not be started: .*ENOENT/);
    const slow = await run('nagios', { plugin: 'sleepy' }, 0.2);
    expect(slow).toMatchObject({ status: 'down', message: 'Timed out after 0.2 s' });
  });
});

describe('plugin allow-list file', () => {
  it('reads plugins from the host configuration and refuses unsafe files', () => {
    const file = path.join(dir, 'agent.json');
    writeFileSync(file, JSON.stringify({ plugins: { load: { command: `${PLUGINS}/check_load`, args: ['-r'], allowedArgs: ['-w'] } } }), {
      mode: 0o644,
    });
    const list = loadPluginAllowList(file);
    expect(list.resolve('load', ['-w'])).toEqual({ ok: true, command: `${PLUGINS}/check_load`, argv: ['-r', '-w'] });
    expect(loadPluginAllowList(path.join(dir, 'absent.json')).names()).toEqual([]);
    chmodSync(file, 0o666);
    expect(() => loadPluginAllowList(file)).toThrow(AgentConfigError);
    writeFileSync(path.join(dir, 'relative.json'), JSON.stringify({ plugins: { x: { command: 'check_load' } } }), { mode: 0o600 });
    expect(() => loadPluginAllowList(path.join(dir, 'relative.json'))).toThrow(/must be an absolute path/);
  });

  it("reads which refused destinations this host's collector may check (checksAllow), and nothing else", () => {
    const file = path.join(dir, 'collector.json');
    writeFileSync(file, JSON.stringify({ checksAllow: ['link-local', ' Cloud-Metadata '] }), { mode: 0o600 });
    expect(loadChecksAllow(file)).toEqual(['linkLocal', 'cloudMetadata']);
    expect(loadChecksAllow(path.join(dir, 'absent.json'))).toEqual([]);
    writeFileSync(file, JSON.stringify({ checksAllow: ['loopback'] }), { mode: 0o600 });
    expect(() => loadChecksAllow(file)).toThrow(/checksAllow names "loopback"; it may name link-local and cloud-metadata/);
    writeFileSync(file, JSON.stringify({ checksAllow: 'link-local' }), { mode: 0o600 });
    expect(() => loadChecksAllow(file)).toThrow(/checksAllow must be a list of strings/);
  });
});

describe('host checks', () => {
  it('checks a file for existence, age and size', async () => {
    const file = path.join(dir, 'backup.tar');
    writeFileSync(file, Buffer.alloc(2048));
    utimesSync(file, new Date(NOW - 3_600_000), new Date(NOW - 3_600_000));
    const fresh = await run('file', { path: file, maxAgeSeconds: 7200, minBytes: 1024 });
    expect(fresh.status).toBe('up');
    expect(fresh.series?.map((s) => [s.name, s.value])).toEqual([
      ['estate_check_file_age_seconds', 3600],
      ['estate_check_file_size_bytes', 2048],
    ]);
    const stale = await run('file', { path: file, maxAgeSeconds: 600, maxBytes: 100 });
    expect(stale.status).toBe('down');
    expect(stale.message).toBe(`${file}: last modified 3600 s ago (at most 600 s allowed); 2048 bytes (at most 100 allowed)`);
    expect((await run('file', { path: path.join(dir, 'nope') })).status).toBe('down');
    expect((await run('file', { path: path.join(dir, 'nope'), mustExist: false })).status).toBe('up');
  });

  it('checks a PEM certificate file for days left', async () => {
    const pemFile = path.join(dir, 'cert.pem');
    const keyFile = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        pemFile,
        '-days',
        '20',
        '-subj',
        '/CN=shop.example.org',
      ],
      { stdio: 'ignore' },
    );
    const realNow = Date.now();
    const soon = await run('certificate-file', { path: pemFile }, 10, realNow);
    expect(soon.status).toBe('degraded');
    expect(soon.message).toMatch(/^shop\.example\.org: (19|20) days left/);
    expect((await run('certificate-file', { path: pemFile, warnDays: 10 }, 10, realNow)).status).toBe('up');
    expect((await run('certificate-file', { path: pemFile, warnDays: 30, critDays: 25 }, 10, realNow)).status).toBe('down');
    const expired = await run('certificate-file', { path: pemFile }, 10, realNow + 21 * 86_400_000);
    expect(expired.status).toBe('down');
    expect(expired.message).toMatch(/expired at/);
    expect(expired.series?.[0]?.value).toBeLessThan(0);
    writeFileSync(path.join(dir, 'junk.pem'), 'not a certificate');
    expect((await run('certificate-file', { path: path.join(dir, 'junk.pem') })).status).toBe('unknown');
  });

  it('counts processes from /proc', async () => {
    const self = await run('process', { commandContains: String(process.argv[1] ?? 'node'), minCount: 1 });
    expect(self.status).toBe('up');
    const none = await run('process', { name: 'no-such-proc-xyz' });
    expect(none).toMatchObject({ status: 'down', message: '0 processes named no-such-proc-xyz; expected at least 1' });
    const tooMany = await run('process', { commandContains: String(process.argv[1] ?? 'node'), minCount: 0, maxCount: 0 });
    expect(tooMany.status).toBe('down');
    expect(tooMany.message).toMatch(/; expected exactly 0$/);
  });

  it('measures the filesystem of a path against thresholds', async () => {
    const calm = await run('filesystem', { path: dir, warnPercent: 100, critPercent: 100 });
    expect(calm.status).toBe('up');
    const used = calm.series?.find((s) => s.name === 'estate_check_filesystem_used_ratio')?.value ?? -1;
    expect(used).toBeGreaterThan(0);
    expect((await run('filesystem', { path: dir, warnPercent: 0, critPercent: 100 })).status).toBe('degraded');
    expect((await run('filesystem', { path: dir, warnPercent: 0, critPercent: 0 })).status).toBe('down');
    expect((await run('filesystem', { path: '/no/such/mount' })).status).toBe('down');
  });

  it('asks systemd, and says so when this host has none running', async () => {
    const result = await run('systemd', { unit: 'ssh.service' });
    // This machine has systemctl but systemd is not PID 1 here; on a systemd host the unit's state is the answer.
    expect(['unknown', 'up', 'down']).toContain(result.status);
    if (result.status === 'unknown') expect(result.message).toMatch(/^systemctl (could not tell|cannot be run)/);
    expect(parseSystemctlShow('LoadState=loaded\nActiveState=active\nSubState=running\nDescription=OpenBSD Secure Shell server\n')).toEqual(
      {
        LoadState: 'loaded',
        ActiveState: 'active',
        SubState: 'running',
        Description: 'OpenBSD Secure Shell server',
      },
    );
  });

  it('refuses settings the contract does not allow, whatever the server sent', async () => {
    const result = await run('systemd', { unit: '--help' });
    expect(result.status).toBe('unknown');
    expect(result.message).toMatch(/^This agent refuses the check's settings: unit/);
  });
});
