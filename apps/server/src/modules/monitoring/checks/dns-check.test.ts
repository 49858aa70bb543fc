/**
 * The DNS check against a real DNS server: Debian's dnsmasq, started here on loopback ports with its own records
 * (authoritative for estate.test, and a validating forwarder that can only answer SERVFAIL). Peers tier: skipped
 * without dnsmasq unless ESTATE_TEST_REQUIRE has peers.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { promises as dns } from 'node:dns';
import { existsSync } from 'node:fs';
import { CheckConfigError, targetHost } from '@estate/checks/checks/check-executor';
import { policyWithNames } from '@estate/checks/checks/check-servers.fixtures';
import { dnsCheck } from '@estate/checks/checks/dns-check';
import { CHECK_REFUSED_BY_DEFAULT } from '@estate/checks/checks/outbound-connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, tierRequired } from '../../../platform/db/test-databases';
import { CheckRemovedError, CheckTimeoutError } from '../scheduler/check-run';

const DNSMASQ = '/usr/sbin/dnsmasq';
const runs = existsSync(DNSMASQ) || tierRequired('peers');
/** CAA `0 issue "letsencrypt.org"` as dnsmasq's --dns-rr takes it: flags, tag length, tag, value, in hex. */
const CAA_HEX = Buffer.concat([Buffer.from([0, 5]), Buffer.from('issueletsencrypt.org')]).toString('hex');

/** A UDP port free on 127.0.0.1 a moment ago (dnsmasq binds UDP and TCP on it). */
function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

const children: ChildProcess[] = [];

/** Starts dnsmasq on 127.0.0.1:port with `args` and waits until it answers. */
async function startDnsmasq(port: number, args: string[]): Promise<void> {
  const child = spawn(
    DNSMASQ,
    [
      '--no-daemon',
      '--pid-file',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--no-resolv',
      '--no-hosts',
      '--conf-file=/dev/null',
      ...args,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const probe = new dns.Resolver({ timeout: 200, tries: 1 });
  probe.setServers([`127.0.0.1:${port}`]);
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited (${child.exitCode}): ${stderr}`);
    // Any answer, even REFUSED, says it listens; only a timeout or refused socket means not yet.
    return probe.resolve4('ready.invalid').then(
      () => true,
      (err: NodeJS.ErrnoException) => err.code !== 'ETIMEOUT' && err.code !== 'ECONNREFUSED',
    );
  }, 10_000);
}

/** A UDP socket on loopback that reads queries and never answers. */
async function silentResolver(): Promise<{ port: number; close: () => Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

async function run(config: Record<string, unknown>, signal = new AbortController().signal, policy = policyWithNames({})) {
  const check = dnsCheck(policy, { attemptTimeoutMs: 300, tries: 1 });
  return check.run(check.validate(config), signal);
}

describe.runIf(runs)('dns check against dnsmasq', () => {
  let zone = '';
  let validating = '';

  beforeAll(async () => {
    if (!existsSync(DNSMASQ)) throw new Error(`ESTATE_TEST_REQUIRE includes peers but ${DNSMASQ} is missing (apt-get install dnsmasq).`);
    const [zonePort, validatingPort] = [await freeUdpPort(), await freeUdpPort()];
    zone = `127.0.0.1:${zonePort}`;
    validating = `127.0.0.1:${validatingPort}`;
    await startDnsmasq(zonePort, [
      '--auth-server=ns1.estate.test,127.0.0.1',
      '--auth-zone=estate.test,192.0.2.0/24,2001:db8::/64',
      '--auth-soa=2024010101,hostmaster.estate.test',
      '--auth-sec-servers=ns2.estate.test',
      '--host-record=web.estate.test,192.0.2.10,2001:db8::10',
      '--host-record=app.estate.test,192.0.2.12',
      '--host-record=app.estate.test,192.0.2.11',
      '--cname=alias.estate.test,web.estate.test',
      '--mx-host=estate.test,mx2.estate.test,20',
      '--mx-host=estate.test,mail.estate.test,10',
      '--txt-record=estate.test,v=spf1 -all',
      '--srv-host=_imap._tcp.estate.test,mail.estate.test,143,0,5',
      `--dns-rr=estate.test,257,${CAA_HEX}`,
    ]);
    // Validates DNSSEC from a root trust anchor through an unsigned upstream: every answer is bogus, so SERVFAIL.
    await startDnsmasq(validatingPort, [
      '--dnssec',
      '--trust-anchor=.,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D',
      '--dnssec-check-unsigned',
      `--server=127.0.0.1#${zonePort}`,
    ]);
  }, 30_000);

  afterAll(() => {
    for (const child of children.splice(0)) child.kill('SIGTERM');
  });

  it('is up on an A record with the default condition, its answers sorted in BODY and the first in IP', async () => {
    const outcome = await run({ name: 'app.estate.test', resolver: zone, conditions: ['[DNS_RCODE] == NOERROR', '[IP] == 192.0.2.12'] });
    expect(outcome.conditions.filter((c) => !c.passed)).toEqual([]);
    expect(outcome.status).toBe('up');
    expect(outcome.details.answers).toEqual(['192.0.2.11', '192.0.2.12']);
    expect(outcome.message).toMatch(/^NOERROR for app\.estate\.test A, 2 answers, in \d+ ms$/);

    const body = await run({ name: 'app.estate.test', resolver: zone, conditions: ['[BODY] =~ "^192\\.0\\.2\\.11\\n192\\.0\\.2\\.12$"'] });
    expect(body.conditions[0]).toMatchObject({ passed: true });
    const wrongIp = await run({ name: 'app.estate.test', resolver: zone, conditions: ['[IP] == 192.0.2.99'] });
    expect(wrongIp.message).toBe('Condition failed: [IP] (192.0.2.12) == 192.0.2.99');
  });

  it('words every record type as dig prints its data', async () => {
    const cases: [string, string, string[]][] = [
      ['AAAA', 'web.estate.test', ['2001:db8::10']],
      ['CNAME', 'alias.estate.test', ['web.estate.test']],
      ['MX', 'estate.test', ['10 mail.estate.test', '20 mx2.estate.test']],
      ['TXT', 'estate.test', ['v=spf1 -all']],
      ['NS', 'estate.test', ['ns1.estate.test', 'ns2.estate.test']],
      ['SOA', 'estate.test', ['ns1.estate.test hostmaster.estate.test 2024010101 1200 180 1209600 600']],
      ['PTR', '192.0.2.10', ['web.estate.test']],
      ['SRV', '_imap._tcp.estate.test', ['0 5 143 mail.estate.test']],
      ['CAA', 'estate.test', ['0 issue "letsencrypt.org"']],
    ];
    for (const [recordType, name, answers] of cases) {
      const outcome = await run({ name, recordType, resolver: zone });
      expect([recordType, outcome.status, outcome.details.answers]).toEqual([recordType, 'up', answers]);
    }
    const aaaa = await run({ name: 'web.estate.test', recordType: 'AAAA', resolver: zone, conditions: ['[IP] == 2001:db8::10'] });
    expect(aaaa.status).toBe('up');
  });

  it('maps the response codes: NXDOMAIN, NOERROR without answers, REFUSED and SERVFAIL', async () => {
    const missing = await run({ name: 'nope.estate.test', resolver: zone });
    expect(missing.status).toBe('down');
    expect(missing.message).toBe('Condition failed: [DNS_RCODE] (NXDOMAIN) == NOERROR');
    const expected = await run({
      name: 'nope.estate.test',
      resolver: zone,
      conditions: ['[DNS_RCODE] == NXDOMAIN', '[CONNECTED] == true'],
    });
    expect(expected.status).toBe('up');

    const noData = await run({
      name: 'web.estate.test',
      recordType: 'MX',
      resolver: zone,
      conditions: ['[DNS_RCODE] == NOERROR', 'len([BODY]) == 0'],
    });
    expect(noData.conditions.filter((c) => !c.passed)).toEqual([]);
    expect(noData.message).toMatch(/, no answers, /);

    const refused = await run({ name: 'example.com', resolver: zone });
    expect(refused.conditions[0]!.reason).toBe('[DNS_RCODE] (REFUSED) == NOERROR');
    const servfail = await run({ name: 'web.estate.test', resolver: validating });
    expect(servfail.conditions[0]!.reason).toBe('[DNS_RCODE] (SERVFAIL) == NOERROR');
  });

  it('is down when the resolver never answers', async () => {
    const silent = await silentResolver();
    try {
      const resolver = `127.0.0.1:${silent.port}`;
      const noAnswer = await run({ name: 'web.estate.test', resolver, conditions: ['[DNS_RCODE] == any(NOERROR, SERVFAIL)'] });
      expect(noAnswer.status).toBe('down');
      expect(noAnswer.message).toBe(`DNS query web.estate.test A to ${resolver} failed: no answer`);
      expect(noAnswer.conditions[0]!.reason).toBe('[DNS_RCODE] (absent) == any(NOERROR, SERVFAIL)');
    } finally {
      await silent.close();
    }
  });

  // The resolver would wait a minute for an answer; the test's own timeout (5 s) fails it unless the signal cancels
  // the query.
  it('cancels its query when its signal aborts', { timeout: 5_000 }, async () => {
    const silent = await silentResolver();
    try {
      const resolver = `127.0.0.1:${silent.port}`;
      const slow = dnsCheck(policyWithNames({}), { attemptTimeoutMs: 60_000, tries: 1 });
      const timeout = new AbortController();
      setTimeout(() => timeout.abort(new CheckTimeoutError(200)), 200);
      const timedOut = await slow.run(slow.validate({ name: 'web.estate.test', resolver }), timeout.signal);
      expect(timedOut.status).toBe('down');
      expect(timedOut.message).toBe('Timed out: The check did not finish within 200 ms.');

      const removal = new AbortController();
      setTimeout(() => removal.abort(new CheckRemovedError()), 50);
      const removed = await slow.run(slow.validate({ name: 'web.estate.test', resolver }), removal.signal);
      expect(removed.status).toBe('unknown');
    } finally {
      await silent.close();
    }
  });

  it('reaches a resolver given by name through the policy, and never one the policy refuses', async () => {
    const port = zone.split(':')[1];
    const named = await run(
      { name: 'web.estate.test', resolver: `ns.test:${port}` },
      undefined,
      policyWithNames({ 'ns.test': ['127.0.0.1'] }),
    );
    expect(named.status).toBe('up');

    const refusingLoopback = policyWithNames({ 'ns.test': ['127.0.0.1'] }, new Set([...CHECK_REFUSED_BY_DEFAULT, 'loopback']));
    const byName = await run({ name: 'web.estate.test', resolver: `ns.test:${port}` }, undefined, refusingLoopback);
    expect(byName.status).toBe('down');
    expect(byName.message).toMatch(/^The outbound policy refuses ns\.test \(127\.0\.0\.1\): loopback/);
    const byAddress = await run({ name: 'web.estate.test', resolver: zone }, undefined, refusingLoopback);
    expect(byAddress.message).toMatch(/^The outbound policy refuses 127\.0\.0\.1: loopback/);
    const metadata = await run({ name: 'web.estate.test', resolver: '169.254.169.254' });
    expect(metadata.message).toMatch(/^The outbound policy refuses 169\.254\.169\.254: link-local/);
    const unknown = await run({ name: 'web.estate.test', resolver: 'nowhere.test' });
    expect(unknown.message).toMatch(/^Resolver lookup failed: nowhere\.test has no address/);
  });
});

describe('dns check: resolving the resolver', () => {
  it('stops waiting for the name of its resolver when its signal aborts', async () => {
    const check = dnsCheck({ refused: CHECK_REFUSED_BY_DEFAULT, resolve: () => new Promise(() => {}) });
    const timeout = new AbortController();
    setTimeout(() => timeout.abort(new CheckTimeoutError(100)), 100);
    const outcome = await check.run(check.validate({ name: 'example.org', resolver: 'ns.slow.test' }), timeout.signal);
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe('Timed out: The check did not finish within 100 ms.');
  });
});

describe('dns check: configuration', () => {
  const check = dnsCheck();
  const field = (config: unknown) => {
    try {
      check.validate(config);
      return 'accepted';
    } catch (err) {
      if (err instanceof CheckConfigError) return err.field;
      throw err;
    }
  };

  it('refuses what it cannot query, naming the field', () => {
    expect(field({})).toBe('name');
    expect(field({ name: 'a b.example' })).toBe('name');
    expect(field({ name: 'a..example' })).toBe('name');
    expect(field({ name: `${'x'.repeat(64)}.example` })).toBe('name');
    expect(field({ name: 'example.org', recordType: 'ANY' })).toBe('recordType');
    expect(field({ name: 'example.org', resolver: '10.0.0.1:99999' })).toBe('resolver');
    expect(field({ name: 'example.org', resolver: 'not a host' })).toBe('resolver');
    expect(field({ name: 'example.org', conditions: ['[STATUS] == 200'] })).toBe('conditions[0]');
  });

  it('fills the defaults, turns an address into its reverse name for PTR and names the resolver as the target', () => {
    expect(check.validate({ name: 'Bücher.example' })).toMatchObject({
      name: 'xn--bcher-kva.example',
      recordType: 'A',
      resolver: undefined,
      conditionSources: ['[DNS_RCODE] == NOERROR'],
    });
    expect(check.validate({ name: '2001:db8::1', recordType: 'ptr' }).name).toBe(
      '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa',
    );
    const v6 = check.validate({ name: 'example.org', recordType: 'MX', resolver: '[2001:db8::53]:5353' });
    expect(v6.resolver).toEqual({ host: '2001:db8::53', port: 5353 });
    expect(check.target(v6)).toBe('dns://[2001:db8::53]:5353/example.org?type=MX');
    expect(targetHost(check.target(v6))).toBe('2001:db8::53');
    expect(check.validate({ name: 'example.org', resolver: '::1' }).resolver).toEqual({ host: '::1', port: 53 });
    expect(check.target(check.validate({ name: 'example.org' }))).toBe('dns:example.org?type=A');
  });
});
