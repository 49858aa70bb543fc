import {
  freeUdpPort,
  type Peer,
  peersTier,
  requirePeers,
  type SnmpdConfig,
  scratchDir,
  snmpdCommand,
  startPeer,
  writeSnmpdConfig,
} from '../../discovery/scan/engine/peers.test-support';

/**
 * A Debian snmpd on a loopback UDP port for the SNMP check types' peers tests, started with discovery's peers
 * support: a v2c community and a v3 authPriv (SHA/AES) user.
 */

export { freeUdpPort, peersTier };

export const SNMPD: Omit<SnmpdConfig, 'listen'> = {
  sysName: 'estate-check-peer-51c2',
  sysDescr: 'Estate SNMP check peer',
  sysLocation: 'Rack 7',
  sysContact: 'noc@estate.test',
  sysServices: 72,
  community: 'estate-check-ro-51c2',
  v3User: 'estate-check-v3',
  v3AuthKey: 'auth-key-51c2-check',
  v3PrivKey: 'priv-key-51c2-check',
};

/** A running snmpd and how to stop it (never throws). */
export interface TestSnmpd {
  port: number;
  stop(): void;
}

/** Starts snmpd on 127.0.0.1 on a free UDP port; throws a clear error when the peers tier was required but cannot run. */
export async function startSnmpd(): Promise<TestSnmpd> {
  requirePeers(['snmpd']);
  const scratch = scratchDir();
  let snmpd: Peer | undefined;
  try {
    const port = await freeUdpPort();
    const file = writeSnmpdConfig(scratch.dir, { ...SNMPD, listen: `udp:127.0.0.1:${port}` });
    const { command, args, env } = snmpdCommand(scratch.dir, file);
    snmpd = await startPeer(command, args, /NET-SNMP version/, 10_000, env);
    return {
      port,
      stop: () => {
        snmpd?.stop();
        scratch.cleanup();
      },
    };
  } catch (err) {
    scratch.cleanup();
    throw err;
  }
}
