import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckTimeoutError } from './abort-reasons';
import { CheckConfigError } from './check-executor';
import { closedPort, listen, policyWithNames, type TestServer } from './check-servers.fixtures';
import { CHECK_REFUSED_BY_DEFAULT } from './outbound-connection';
import { tcpCheck } from './tcp-check';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function openPort(): Promise<TestServer> {
  const server = await listen(net.createServer((socket) => socket.end()));
  servers.push(server);
  return server;
}

async function run(config: Record<string, unknown>, policy = policyWithNames({}), signal = new AbortController().signal) {
  const check = tcpCheck(policy);
  return check.run(check.validate(config), signal);
}

describe('tcp check', () => {
  it('is up when the port accepts, with the address reached and the timings', async () => {
    const server = await openPort();
    const outcome = await run(
      { host: 'db.test', port: server.port, conditions: ['[CONNECTED] == true', '[IP] == 127.0.0.1', '[RESPONSE_TIME] < 10s'] },
      policyWithNames({ 'db.test': ['127.0.0.1'] }),
    );
    expect(outcome.conditions.filter((c) => !c.passed)).toEqual([]);
    expect(outcome.status).toBe('up');
    expect(outcome.message).toMatch(new RegExp(`^Connected to db\\.test port ${server.port} \\(127\\.0\\.0\\.1\\) in \\d+ ms$`));
    const timings = outcome.details.timings as Record<string, number | undefined>;
    for (const phase of ['dnsMs', 'connectMs', 'totalMs']) expect(timings[phase], phase).toBeGreaterThanOrEqual(0);
    expect(server.connections()).toBe(1);
  });

  it('is down on a refused connection, and up when the conditions expect the port closed', async () => {
    const port = await closedPort();
    const refused = await run({ host: '127.0.0.1', port });
    expect(refused.status).toBe('down');
    expect(refused.message).toBe(`Connection refused by 127.0.0.1 port ${port}`);
    expect(refused.conditions[0]!.reason).toBe('[CONNECTED] (false) == true');

    const closed = await run({ host: '127.0.0.1', port, conditions: ['[CONNECTED] == false'] });
    expect(closed.status).toBe('up');
  });

  it('fails on a DNS failure and on a refused destination whatever the conditions say', async () => {
    const check = tcpCheck();
    const unresolved = await check.run(
      check.validate({ host: 'nothing.invalid', port: 80, conditions: ['[CONNECTED] == false'] }),
      new AbortController().signal,
    );
    expect(unresolved.status).toBe('down');
    expect(unresolved.message).toMatch(/^DNS lookup (failed: nothing\.invalid has no address|of nothing\.invalid failed)/);
    expect(unresolved.conditions[0]!.reason).toBe('[CONNECTED] (absent) == false');

    const metadata = await run({ host: '169.254.169.254', port: 80, conditions: ['[CONNECTED] == false'] });
    expect(metadata.status).toBe('down');
    expect(metadata.message).toMatch(/^The outbound policy refuses 169\.254\.169\.254: link-local/);

    const server = await openPort();
    const policy = policyWithNames({ 'db.test': ['127.0.0.1'] }, new Set([...CHECK_REFUSED_BY_DEFAULT, 'loopback']));
    const named = await run({ host: 'db.test', port: server.port }, policy);
    expect(named.message).toMatch(/^The outbound policy refuses db\.test \(127\.0\.0\.1\): loopback/);
    expect(server.connections()).toBe(0);
  });

  it('stops when its signal aborts', async () => {
    const aborted = new AbortController();
    aborted.abort(new CheckTimeoutError(1000));
    const outcome = await run({ host: '127.0.0.1', port: 9 }, undefined, aborted.signal);
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe('Timed out: The check did not finish within 1000 ms.');
  });

  it('refuses a configuration without a host or with a bad port or condition', () => {
    const check = tcpCheck();
    const field = (config: unknown) => {
      try {
        check.validate(config);
        return 'accepted';
      } catch (err) {
        if (err instanceof CheckConfigError) return err.field;
        throw err;
      }
    };
    expect(field({ port: 80 })).toBe('host');
    expect(field({ host: 'a', port: 70_000 })).toBe('port');
    expect(field({ host: 'a', port: 80, conditions: ['[STATUS] == 200'] })).toBe('conditions[0]');
    expect(check.validate({ host: '[::1]', port: 22 })).toMatchObject({ host: '::1', conditionSources: ['[CONNECTED] == true'] });
  });
});
