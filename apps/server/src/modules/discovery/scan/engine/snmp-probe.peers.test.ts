import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freeUdpPort,
  isTestLink,
  type Peer,
  peersTier,
  requirePeers,
  type SnmpdConfig,
  scratchDir,
  snmpdCommand,
  startPeer,
  writeSnmpdConfig,
} from './peers.test-support';
import type { SnmpCredential } from './scan-types';
import { probeSnmp } from './snmp-probe';

const CONFIG: Omit<SnmpdConfig, 'listen'> = {
  sysName: 'estate-peer-7f3a',
  sysDescr: 'Estate SNMP test peer, firmware 9.8.7',
  sysLocation: 'Row 3, Rack 42, Estate lab',
  sysContact: 'noc-7f3a@estate.test',
  sysServices: 72,
  community: 'estate-ro-7f3a',
  v3User: 'estate-v3-user',
  v3AuthKey: 'auth-secret-7f3a',
  v3PrivKey: 'priv-secret-7f3a',
};

const v2c: SnmpCredential = { id: 'cred-v2c', version: 'v2c', community: CONFIG.community };
const v3: SnmpCredential = {
  id: 'cred-v3',
  version: 'v3',
  user: CONFIG.v3User,
  securityLevel: 'authPriv',
  authProtocol: 'sha',
  authKey: CONFIG.v3AuthKey,
  privProtocol: 'aes',
  privKey: CONFIG.v3PrivKey,
};

/** This machine's interfaces, without the veth pairs other peer tests create and remove while this one runs. */
function ownInterfaces() {
  return Object.fromEntries(Object.entries(networkInterfaces()).filter(([name]) => !isTestLink(name)));
}

describe.runIf(peersTier(['snmpd']))('SNMP probe against Debian snmpd on loopback', () => {
  let port = 0;
  let snmpd: Peer | undefined;
  const scratch = scratchDir();

  beforeAll(async () => {
    requirePeers(['snmpd']);
    port = await freeUdpPort();
    const file = writeSnmpdConfig(scratch.dir, { ...CONFIG, listen: `udp:127.0.0.1:${port}` });
    const { command, args, env } = snmpdCommand(scratch.dir, file);
    snmpd = await startPeer(command, args, /NET-SNMP version/, 10_000, env);
  });

  afterAll(() => {
    snmpd?.stop();
    scratch.cleanup();
  });

  const options = () => ({ port, timeoutMs: 1_000 });

  it('reads exactly the configured system group, the interfaces and the addresses with v2c', async () => {
    const { facts, notes } = await probeSnmp('127.0.0.1', [v2c], options());
    expect(notes).toEqual([]);
    expect(facts).toMatchObject({
      credentialId: 'cred-v2c',
      sysName: CONFIG.sysName,
      sysDescr: CONFIG.sysDescr,
      sysLocation: CONFIG.sysLocation,
      sysContact: CONFIG.sysContact,
      neighbours: [],
    });
    // net-snmp's agent identifies itself as NET-SNMP-MIB::netSnmpAgentOIDs.10 (Linux).
    expect(facts!.sysObjectId).toBe('1.3.6.1.4.1.8072.3.2.10');
    // A host's layers (transport and applications: 8 + 64), as configured, and no Printer-MIB.
    expect(facts!.sysServices).toBe(72);
    expect(facts!.printerMib).toBeUndefined();
    expect(facts!.sysUpTimeSeconds).toBeGreaterThanOrEqual(0);
    expect(facts!.sysUpTimeSeconds).toBeLessThan(120);

    const lo = facts!.interfaces.find((i) => i.name === 'lo');
    expect(lo).toMatchObject({ name: 'lo', description: 'lo', operUp: true });
    expect(lo!.mac).toBeUndefined();
    const names = facts!.interfaces.map((i) => i.name);
    for (const name of Object.keys(ownInterfaces())) expect(names).toContain(name);
    expect(new Set(facts!.interfaces.map((i) => i.index)).size).toBe(facts!.interfaces.length);
    for (const [name, addresses] of Object.entries(ownInterfaces())) {
      const mac = addresses?.[0]?.mac;
      if (mac && mac !== '00:00:00:00:00:00') expect(facts!.interfaces.find((i) => i.name === name)?.mac).toBe(mac);
    }

    // Every global address of this machine, and never loopback or link-local ones.
    const own = Object.values(ownInterfaces())
      .flat()
      .filter((a) => a && !a.internal && !a.address.startsWith('fe80:') && !a.address.startsWith('169.254.'))
      .map((a) => a!.address);
    for (const address of own) expect(facts!.addresses).toContain(address);
    expect(facts!.addresses).not.toContain('127.0.0.1');
    expect(facts!.addresses).not.toContain('::1');
  });

  it('reads the same device with a v3 authPriv (SHA/AES) user', async () => {
    const { facts, notes } = await probeSnmp('127.0.0.1', [v3], options());
    expect(notes).toEqual([]);
    expect(facts).toMatchObject({ credentialId: 'cred-v3', sysName: CONFIG.sysName, sysLocation: CONFIG.sysLocation });
    expect(facts!.interfaces.some((i) => i.name === 'lo')).toBe(true);
  });

  it('treats a wrong community as no answer, and says a missing agent looks the same: no facts, a note without the secret', async () => {
    const wrong: SnmpCredential = { id: 'cred-wrong', name: 'office ro', version: 'v2c', community: 'not-the-community' };
    const { facts, failures, notes } = await probeSnmp('127.0.0.1', [wrong], { port, timeoutMs: 300 });
    expect(facts).toBeUndefined();
    expect(failures).toEqual([{ credentialId: 'cred-wrong', reason: 'no-answer' }]);
    expect(notes).toEqual([
      `SNMP credential "office ro" (v2c) on udp/${port}: no answer (timeout) — no SNMP agent, a filter, or a wrong community, which agents do not answer either.`,
    ]);
    expect(notes.join(' ')).not.toContain('not-the-community');
  });

  it('treats a wrong v3 key as a refused credential and tries the next one in order', async () => {
    const badKey: SnmpCredential = { ...v3, id: 'cred-bad-v3', name: 'v3 old key', authKey: 'wrong-auth-key-123' } as SnmpCredential;
    const { facts, failures, notes } = await probeSnmp('127.0.0.1', [badKey, v2c, v3], { port, timeoutMs: 500 });
    expect(facts?.credentialId).toBe('cred-v2c');
    expect(failures).toEqual([{ credentialId: 'cred-bad-v3', reason: 'authentication' }]);
    expect(notes).toEqual([`SNMP credential "v3 old key" (v3 authPriv) on udp/${port}: the agent refused the v3 authentication key.`]);
    expect(notes[0]).not.toContain('wrong-auth-key-123');
  });

  it('tells a v3 user the agent does not know from no answer', async () => {
    const stranger: SnmpCredential = { ...v3, id: 'cred-stranger', name: 'stranger', user: 'nobody-here' } as SnmpCredential;
    const { facts, failures, notes } = await probeSnmp('127.0.0.1', [stranger], { port, timeoutMs: 500 });
    expect(facts).toBeUndefined();
    expect(failures).toEqual([{ credentialId: 'cred-stranger', reason: 'authentication' }]);
    expect(notes).toEqual([`SNMP credential "stranger" (v3 authPriv) on udp/${port}: the agent does not know the v3 user.`]);
  });

  it('gives a note per credential when nothing answers on the port', async () => {
    const silent = await freeUdpPort();
    const { facts, failures, notes } = await probeSnmp('127.0.0.1', [v2c, v3], { port: silent, timeoutMs: 200 });
    expect(facts).toBeUndefined();
    expect(failures).toEqual([
      { credentialId: 'cred-v2c', reason: 'no-answer' },
      { credentialId: 'cred-v3', reason: 'no-answer' },
    ]);
    expect(notes).toHaveLength(2);
  });
});
