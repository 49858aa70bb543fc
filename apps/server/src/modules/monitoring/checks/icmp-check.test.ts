import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { CheckConfigError } from '@estate/checks/checks/check-executor';
import { policyWithNames } from '@estate/checks/checks/check-servers.fixtures';
import { FPING_PATH, FpingBatcher } from '@estate/checks/checks/fping-batch';
import { icmpCheck } from '@estate/checks/checks/icmp-check';
import { CHECK_REFUSED_BY_DEFAULT } from '@estate/checks/checks/outbound-connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tierRequired } from '../../../platform/db/test-databases';
import { CheckTimeoutError } from '../scheduler/check-run';

const IP = '/usr/sbin/ip';
const withFping = existsSync(FPING_PATH) || tierRequired('peers');
const root = process.getuid?.() === 0;
/** The namespace test needs root and ip; like the other peers-tier tests it is skipped without them unless required. */
const withNamespaces = (root && existsSync(IP) && existsSync(FPING_PATH)) || tierRequired('peers');

async function run(
  config: Record<string, unknown>,
  options: { policy?: ReturnType<typeof policyWithNames>; batcher?: FpingBatcher; signal?: AbortSignal } = {},
) {
  const check = icmpCheck(options.policy ?? policyWithNames({}), options.batcher ?? new FpingBatcher());
  return check.run(check.validate(config), options.signal ?? new AbortController().signal);
}

describe('icmp check: configuration', () => {
  it('fills defaults and refuses a bad host, count, interval or condition', () => {
    const check = icmpCheck(policyWithNames({}), new FpingBatcher());
    const field = (config: unknown) => {
      try {
        check.validate(config);
        return 'accepted';
      } catch (err) {
        if (err instanceof CheckConfigError) return err.field;
        throw err;
      }
    };
    expect(check.validate({ host: '[::1]' })).toMatchObject({
      host: '::1',
      count: 3,
      intervalMs: 500,
      conditionSources: ['[CONNECTED] == true'],
    });
    expect(field({})).toBe('host');
    expect(field({ host: '-f/etc/passwd' })).toBe('host');
    expect(field({ host: 'a', count: 11 })).toBe('count');
    expect(field({ host: 'a', count: 0 })).toBe('count');
    expect(field({ host: 'a', intervalMs: 5 })).toBe('intervalMs');
    expect(field({ host: 'a', conditions: ['[STATUS] == 200'] })).toBe('conditions[0]');
    expect(field({ host: 'a', conditions: ['[PACKET_LOSS] < 50'] })).toBe('accepted');
  });

  it('refuses a destination the policy refuses without running fping, and fails on an unknown name', async () => {
    const batcher = new FpingBatcher();
    const metadata = await run({ host: '169.254.169.254', conditions: ['[CONNECTED] == false'] }, { batcher });
    expect(metadata.status).toBe('down');
    expect(metadata.message).toMatch(/^The outbound policy refuses 169\.254\.169\.254: link-local/);
    const policy = policyWithNames({ 'router.test': ['127.0.0.1'] }, new Set([...CHECK_REFUSED_BY_DEFAULT, 'loopback']));
    const named = await run({ host: 'router.test' }, { policy, batcher });
    expect(named.message).toMatch(/^The outbound policy refuses router\.test \(127\.0\.0\.1\): loopback/);
    const unknown = await run({ host: 'nothing.test' }, { batcher });
    expect(unknown.status).toBe('down');
    expect(unknown.message).toBe('DNS lookup failed: nothing.test has no address (ENOTFOUND)');
    expect(batcher.runs).toBe(0);
  });

  it('stops when its signal aborts', async () => {
    const aborted = new AbortController();
    aborted.abort(new CheckTimeoutError(1000));
    const outcome = await run({ host: '127.0.0.1' }, { signal: aborted.signal });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe('Timed out: The check did not finish within 1000 ms.');
  });
});

describe.runIf(withFping)('icmp check with the real fping', () => {
  it('pings 127.0.0.1 and ::1 in one fping run, up with the round trips and no loss', async () => {
    const batcher = new FpingBatcher();
    const conditions = ['[CONNECTED] == true', '[PACKET_LOSS] == 0', '[RESPONSE_TIME] < 1s'];
    const [v4, v6] = await Promise.all([
      run(
        { host: 'localhost.test', count: 2, intervalMs: 20, conditions },
        { batcher, policy: policyWithNames({ 'localhost.test': ['127.0.0.1'] }) },
      ),
      run({ host: '::1', count: 2, intervalMs: 20, conditions: [...conditions, '[IP] == ::1'] }, { batcher }),
    ]);
    for (const outcome of [v4, v6]) {
      expect(outcome.conditions.filter((c) => !c.passed)).toEqual([]);
      expect(outcome.status).toBe('up');
      expect(outcome.details).toMatchObject({ sent: 2, received: 2, lossPercent: 0 });
      const { minMs, avgMs, maxMs } = outcome.details as Record<string, number>;
      expect(minMs).toBeLessThanOrEqual(avgMs!);
      expect(avgMs).toBeLessThanOrEqual(maxMs!);
    }
    expect(v4.message).toMatch(/^2 of 2 echo replies from localhost\.test \(127\.0\.0\.1\), average \d+\.\d\d ms$/);
    expect(batcher.runs).toBe(1);
  });
});

describe.runIf(withNamespaces)('icmp check against a host that drops echo requests (network namespace)', () => {
  const tag = randomBytes(3).toString('hex');
  const name = `estate-${tag}`;
  const hostLink = `est${tag}h`;
  const innerLink = `est${tag}n`;
  const third = 1 + Math.floor(Math.random() * 250);
  const silent = `10.215.${third}.2`;
  const silent6 = `fd00:215:${third.toString(16)}::2`;
  const ip = (...args: string[]) => execFileSync(IP, args, { stdio: ['ignore', 'pipe', 'pipe'] });

  beforeAll(() => {
    if (!root) throw new Error('ESTATE_TEST_REQUIRE includes peers, which needs root (network namespaces).');
    for (const tool of [IP, FPING_PATH])
      if (!existsSync(tool)) throw new Error(`ESTATE_TEST_REQUIRE includes peers but ${tool} is not installed.`);
    ip('netns', 'add', name);
    ip('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', innerLink);
    ip('link', 'set', innerLink, 'netns', name);
    ip('addr', 'add', `10.215.${third}.1/24`, 'dev', hostLink);
    ip('addr', 'add', `fd00:215:${third.toString(16)}::1/64`, 'dev', hostLink, 'nodad');
    ip('link', 'set', hostLink, 'up');
    ip('netns', 'exec', name, IP, 'addr', 'add', `${silent}/24`, 'dev', innerLink);
    ip('netns', 'exec', name, IP, 'addr', 'add', `${silent6}/64`, 'dev', innerLink, 'nodad');
    ip('netns', 'exec', name, IP, 'link', 'set', innerLink, 'up');
    // The host is there (it answers ARP and neighbour discovery) but ignores every echo request.
    ip('netns', 'exec', name, '/usr/sbin/sysctl', '-qw', 'net.ipv4.icmp_echo_ignore_all=1', 'net.ipv6.icmp.echo_ignore_all=1');
  });

  afterAll(() => {
    for (const args of [
      ['netns', 'del', name],
      ['link', 'del', hostLink],
    ]) {
      try {
        execFileSync(IP, args, { stdio: 'ignore' });
      } catch {
        // Already gone.
      }
    }
  });

  it('is down with every probe lost, and up when the conditions expect silence', async () => {
    const batcher = new FpingBatcher();
    const [v4, v6, expected] = await Promise.all([
      run({ host: silent, count: 2, intervalMs: 50 }, { batcher }),
      run({ host: silent6, count: 2, intervalMs: 50, conditions: ['[PACKET_LOSS] < 50'] }, { batcher }),
      run({ host: silent, count: 2, intervalMs: 50, conditions: ['[CONNECTED] == false', '[PACKET_LOSS] == 100'] }, { batcher }),
    ]);
    expect(v4.status).toBe('down');
    expect(v4.message).toBe(`No echo reply from ${silent} (2 sent)`);
    expect(v4.details).toMatchObject({ sent: 2, received: 0, lossPercent: 100, avgMs: undefined });
    expect(v6.status).toBe('down');
    expect(v6.message).toBe('Condition failed: [PACKET_LOSS] (100) < 50');
    expect(expected.status).toBe('up');
    expect(batcher.runs).toBe(1);
  });

  it('answers an aborted ping at once while the same fping run still answers the others', async () => {
    const batcher = new FpingBatcher();
    const stop = new AbortController();
    const waiting = run({ host: silent, count: 4, intervalMs: 500 }, { batcher, signal: stop.signal });
    const alive = run({ host: '127.0.0.1', count: 4, intervalMs: 500 }, { batcher });
    await new Promise((r) => setTimeout(r, 100));
    stop.abort(new Error('the check was removed'));
    const stopped = await waiting;
    expect(stopped.status).toBe('unknown');
    expect(stopped.message).toBe('Stopped: the check was removed');
    const answered = await alive;
    expect(answered.status).toBe('up');
    expect(answered.details).toMatchObject({ sent: 4, received: 4 });
    expect(batcher.runs).toBe(1);
  }, 20_000);
});
