import type { CheckOutcome } from '@estate/checks/checks/check-executor';
import { policyWithNames } from '@estate/checks/checks/check-servers.fixtures';
import { snmpCheck } from '@estate/checks/checks/snmp-check';
import type { SnmpAuth } from '@estate/checks/checks/snmp-target';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckTimeoutError } from '../scheduler/check-run';
import { freeUdpPort, peersTier, SNMPD, startSnmpd, type TestSnmpd } from './snmp.peers.test-support';

const SYS_DESCR = '1.3.6.1.2.1.1.1.0';
const SYS_UP_TIME = '1.3.6.1.2.1.1.3.0';
const SYS_NAME = '1.3.6.1.2.1.1.5.0';
const SYS_SERVICES = '1.3.6.1.2.1.1.7.0';
const IF_DESCR = '1.3.6.1.2.1.2.2.1.2';
const IF_OPER_STATUS = '1.3.6.1.2.1.2.2.1.8';

const V3: SnmpAuth = {
  version: 'v3',
  user: SNMPD.v3User,
  securityLevel: 'authPriv',
  authProtocol: 'sha',
  authKey: SNMPD.v3AuthKey,
  privProtocol: 'aes',
  privKey: SNMPD.v3PrivKey,
};
const stored: Record<string, SnmpAuth> = { 'cred-v3': V3, 'cred-v2c': { version: 'v2c', community: SNMPD.community } };

describe.runIf(peersTier(['snmpd']))('snmp check against Debian snmpd on loopback', () => {
  let snmpd: TestSnmpd | undefined;
  const check = snmpCheck(policyWithNames({ 'switch.test': ['127.0.0.1'] }), async (id) => stored[id]);
  const run = (
    config: Record<string, unknown>,
    secrets: Record<string, string> = { community: SNMPD.community },
    signal = new AbortController().signal,
  ) => check.run(check.validate({ host: '127.0.0.1', port: snmpd!.port, ...config }, secrets), signal);
  const failed = (outcome: CheckOutcome) => outcome.conditions.filter((c) => !c.passed);

  beforeAll(async () => {
    snmpd = await startSnmpd();
  });
  afterAll(() => snmpd?.stop());

  it('GETs named OIDs with v2c, judges thresholds on them and turns the numbers into series', async () => {
    const outcome = await run({
      host: 'switch.test',
      oids: [{ oid: SYS_UP_TIME, name: 'uptime' }, { oid: SYS_SERVICES, name: 'services' }, SYS_NAME],
      conditions: [
        '[CONNECTED] == true',
        '[VALUE] >= 0',
        '[BODY].services == 72',
        `[BODY]["${SYS_NAME}"] == ${SNMPD.sysName}`,
        '[IP] == 127.0.0.1',
      ],
    });
    expect(failed(outcome)).toEqual([]);
    expect(outcome.status).toBe('up');
    expect(outcome.message).toMatch(new RegExp(`^3 values from switch\\.test:${snmpd!.port} \\(127\\.0\\.0\\.1\\) in \\d+ ms$`));
    expect(outcome.details.values).toMatchObject({ services: 72, [SYS_NAME]: SNMPD.sysName });
    const series = outcome.series ?? [];
    expect(series.find((s) => s.labels?.name === 'services')).toEqual({
      name: 'estate_snmp_value',
      labels: { oid: SYS_SERVICES, name: 'services' },
      value: 72,
    });
    expect(series.find((s) => s.labels?.name === 'uptime')?.value).toBeGreaterThanOrEqual(0);
    // Text is for conditions, not a series.
    expect(series.some((s) => s.labels?.oid === SYS_NAME)).toBe(false);

    const over = await run({ oids: [{ oid: SYS_SERVICES, name: 'services' }], conditions: ['[VALUE] < 50'] });
    expect(over.status).toBe('down');
    expect(over.message).toBe('Condition failed: [VALUE] (72) < 50');
    expect(over.series).toEqual([{ name: 'estate_snmp_value', labels: { oid: SYS_SERVICES, name: 'services' }, value: 72 }]);
  });

  it('is down, naming the OID, when the agent has nothing there (v2c exception, v1 error status)', async () => {
    const missing = await run({ oids: [SYS_NAME, '1.3.6.1.2.1.1.99.0'] });
    expect(missing.status).toBe('down');
    expect(missing.message).toBe(`127.0.0.1:${snmpd!.port} has no value at 1.3.6.1.2.1.1.99.0 (noSuchObject)`);

    const v1 = await run({ version: 'v1', oids: [SYS_NAME], conditions: [`[VALUE] == ${SNMPD.sysName}`] });
    expect(v1.status).toBe('up');
    const v1Missing = await run({ version: 'v1', oids: ['1.3.6.1.2.1.1.99.0'] });
    expect(v1Missing.status).toBe('down');
    expect(v1Missing.message).toBe(`127.0.0.1:${snmpd!.port} answered with an SNMP error: NoSuchName: 1.3.6.1.2.1.1.99.0`);
  });

  it('walks a subtree up to its cap, keyed by name and index, with numbers as indexed series', async () => {
    const system = await run({
      walk: { oid: '1.3.6.1.2.1.1', name: 'system' },
      maxValues: 3,
      conditions: ['[BODY]["system.3.0"] >= 0', `[VALUE] == ${SNMPD.sysDescr}`],
    });
    expect(failed(system)).toEqual([]);
    expect(Object.keys(system.details.values as object)).toEqual(['system.1.0', 'system.2.0', 'system.3.0']);
    expect(system.details.truncatedAt).toBe(3);
    expect(system.message).toMatch(/^3 values \(cut at 3\) from /);

    const descrs = await run({ walk: IF_DESCR });
    const lo = Object.entries(descrs.details.values as Record<string, string>).find(([, name]) => name === 'lo');
    expect(lo).toBeDefined();
    const loIndex = lo![0].slice(IF_DESCR.length + 1);
    const oper = await run({ walk: { oid: IF_OPER_STATUS, name: 'ifOperStatus' }, conditions: [`[BODY]["ifOperStatus.${loIndex}"] == 1`] });
    expect(oper.status).toBe('up');
    expect(oper.series).toContainEqual({
      name: 'estate_snmp_value',
      labels: { oid: `${IF_OPER_STATUS}.${loIndex}`, index: loIndex, name: 'ifOperStatus' },
      value: 1,
    });

    const empty = await run({ walk: '1.3.6.1.2.1.1.99' });
    expect(empty.status).toBe('down');
    expect(empty.message).toBe(`127.0.0.1:${snmpd!.port} has nothing under 1.3.6.1.2.1.1.99`);
  });

  it('is down with the likely causes, and without the community, when a v2c community gets no answer', async () => {
    const wrong = 'not-the-community-51c2';
    const outcome = await run({ oids: [SYS_NAME], timeoutMs: 200, retries: 0 }, { community: wrong });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe(
      `No SNMP answer from 127.0.0.1:${snmpd!.port} (udp) after 1 try of 200 ms: no SNMP agent there, a filter, or a wrong community, which agents do not answer either`,
    );
    expect(outcome.conditions[0]!.reason).toBe('[CONNECTED] (false) == true');
    expect(JSON.stringify(outcome)).not.toContain(wrong);
  });

  it('reads with a v3 authPriv user, from its own secrets or a stored credential, and words a refused key or user', async () => {
    const own = await run(
      { version: 'v3', user: SNMPD.v3User, oids: [SYS_NAME], conditions: [`[VALUE] == ${SNMPD.sysName}`] },
      { authKey: SNMPD.v3AuthKey, privKey: SNMPD.v3PrivKey },
    );
    expect(own.status).toBe('up');
    const viaCredential = await run({ credentialId: 'cred-v3', oids: [SYS_DESCR], conditions: [`[VALUE] == ${SNMPD.sysDescr}`] }, {});
    expect(viaCredential.status).toBe('up');

    const badKey = 'wrong-auth-key-51c2';
    const refused = await run(
      { version: 'v3', user: SNMPD.v3User, oids: [SYS_NAME], timeoutMs: 500 },
      { authKey: badKey, privKey: SNMPD.v3PrivKey },
    );
    expect(refused.status).toBe('down');
    expect(refused.message).toBe(`SNMP login to 127.0.0.1:${snmpd!.port} failed: the agent refused the v3 authentication key`);
    expect(JSON.stringify(refused)).not.toContain(badKey);
    const stranger = await run({ version: 'v3', user: 'nobody-here', oids: [SYS_NAME], timeoutMs: 500 }, { authKey: SNMPD.v3AuthKey });
    expect(stranger.message).toBe(`SNMP login to 127.0.0.1:${snmpd!.port} failed: the agent does not know the v3 user`);
  });

  it('is down on a port nothing answers on, and stops at once when its signal aborts', async () => {
    const silent = await freeUdpPort();
    const outcome = await run({ port: silent, oids: [SYS_NAME], timeoutMs: 150, retries: 1 }, { community: SNMPD.community });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(new RegExp(`^No SNMP answer from 127\\.0\\.0\\.1:${silent} \\(udp\\) after 2 tries of 150 ms`));

    const stop = new AbortController();
    const running = run({ port: silent, oids: [SYS_NAME], timeoutMs: 60_000, retries: 5 }, { community: SNMPD.community }, stop.signal);
    setTimeout(() => stop.abort(new CheckTimeoutError(1000)), 50);
    const aborted = await running;
    expect(aborted.status).toBe('down');
    expect(aborted.message).toBe('Timed out: The check did not finish within 1000 ms.');
  });
});
