import type { HostData } from '@estate/contract';
import type { Kysely } from 'kysely';
import { readJson } from '../../../platform/db/database';
import type { ScanTables } from './scan.repository';

/** A TCP service discovery saw open on a CI. */
export interface ObservedService {
  port: number;
  /** The address to reach it at: the address a scan found it on, or the CI's name or address for an agent's port. */
  address: string;
  /** The DNS name a scan resolved for the address, when it did. */
  hostname?: string;
  /** Who saw it, in words: `scan Office LAN`, `agent`. */
  seenBy: string;
  /** What the scan's probes heard on the port. */
  http?: boolean;
  tls?: boolean;
  ssh?: boolean;
  /** The names the certificate is for, when the port spoke TLS. */
  tlsNames?: string[];
}

/** What discovery knows of a CI's reachable services: open ports, and whether it answered ping or SNMP. */
export interface ObservedServices {
  services: ObservedService[];
  /**
   * The address a scan reached the CI at by ICMP or SNMP (an SNMP device), or null; for an SNMP device found by a
   * scan with one SNMP credential, that credential (with several, which one answered is not recorded).
   */
  reachable: { address: string; seenBy: string; snmp: boolean; snmpCredentialId?: string } | null;
}

/** Reads what discovery saw of one CI. */
export type ObservedServicesReader = (ciId: string) => Promise<ObservedServices>;

const WILDCARD = new Set(['0.0.0.0', '::', '*', '']);
const isLoopback = (address: string) => address === '::1' || address.startsWith('127.') || address === 'localhost';

/**
 * The services of a CI as its latest scans and its agent saw them: for each scan that found the CI (its `scan_target`
 * identifiers), the host the scan's newest successful run recorded at that address; and the TCP ports its agent
 * reported listening on other than loopback. Six statements whatever the CI.
 */
export function createObservedServicesReader(db: Kysely<ScanTables>): ObservedServicesReader {
  return async (ciId) => {
    const [scanned, agent] = await Promise.all([scannedHosts(db, ciId), agentPorts(db, ciId)]);
    const services: ObservedService[] = [];
    let reachable: ObservedServices['reachable'] = null;
    for (const { address, data, seenBy, credentialIds } of scanned) {
      for (const port of data.openPorts) {
        const hints = data.services[String(port)] ?? {};
        services.push({
          port,
          address,
          ...(data.hostname ? { hostname: data.hostname } : {}),
          seenBy,
          ...(hints.httpTitle !== undefined || hints.httpServer !== undefined ? { http: true } : {}),
          ...(hints.tlsSubject !== undefined || hints.tlsSans !== undefined ? { tls: true, tlsNames: hints.tlsSans ?? [] } : {}),
          ...(hints.ssh !== undefined ? { ssh: true } : {}),
        });
      }
      // An SNMP device says more than an address that answered ping.
      if ((data.snmp && !reachable?.snmp) || (!reachable && data.alive === 'icmp')) {
        const credential = data.snmp && credentialIds.length === 1 ? { snmpCredentialId: credentialIds[0] as string } : {};
        reachable = { address, seenBy, snmp: data.snmp !== undefined, ...credential };
      }
    }
    services.push(...agent);
    return { services, reachable };
  };
}

interface ScannedHost {
  address: string;
  data: HostData;
  seenBy: string;
  /** The SNMP credentials of the scan that saw it. */
  credentialIds: string[];
}

async function scannedHosts(db: Kysely<ScanTables>, ciId: string): Promise<ScannedHost[]> {
  const targets = (
    await db.selectFrom('ci_identifiers').select('value').where('ci_id', '=', ciId).where('kind', '=', 'scan_target').execute()
  ).flatMap((r) => {
    const [scanId, address] = r.value.split(' ');
    return scanId && address ? [{ scanId, address }] : [];
  });
  if (targets.length === 0) return [];
  const scanIds = [...new Set(targets.map((t) => t.scanId))];
  const [runs, scans, credentials] = await Promise.all([
    db
      .selectFrom('discovery_runs')
      .select(['scan_id', (eb) => eb.fn.max('id').as('run_id')])
      .where('scan_id', 'in', scanIds)
      .where('status', '=', 'succeeded')
      .groupBy('scan_id')
      .execute(),
    db.selectFrom('discovery_scans').select(['id', 'name']).where('id', 'in', scanIds).execute(),
    db
      .selectFrom('discovery_scan_credentials')
      .select(['scan_id', 'credential_id'])
      .where('scan_id', 'in', scanIds)
      .orderBy('position')
      .execute(),
  ]);
  const runOf = new Map(runs.map((r) => [r.scan_id, String(r.run_id)]));
  const nameOf = new Map(scans.map((s) => [s.id, s.name]));
  const wanted = targets.flatMap((t) => {
    const runId = runOf.get(t.scanId);
    return runId ? [{ ...t, runId }] : [];
  });
  if (wanted.length === 0) return [];
  const hosts = await db
    .selectFrom('discovery_hosts')
    .select(['run_id', 'address', 'data'])
    .where('run_id', 'in', [...new Set(wanted.map((w) => w.runId))])
    .where('address', 'in', [...new Set(wanted.map((w) => w.address))])
    .where('change', '<>', 'missing')
    .execute();
  return wanted.flatMap((w) => {
    const host = hosts.find((h) => h.run_id === w.runId && h.address === w.address);
    if (!host) return [];
    const credentialIds = credentials.filter((c) => c.scan_id === w.scanId).map((c) => c.credential_id);
    return [{ address: w.address, data: readJson<HostData>(host.data), seenBy: `scan ${nameOf.get(w.scanId) ?? w.scanId}`, credentialIds }];
  });
}

type ListeningPort = string | { port: string; address?: string };

async function agentPorts(db: Kysely<ScanTables>, ciId: string): Promise<ObservedService[]> {
  const ci = await db.selectFrom('cis').select(['name', 'attributes']).where('id', '=', ciId).executeTakeFirst();
  if (!ci) return [];
  const attributes = readJson<Record<string, unknown>>(ci.attributes) ?? {};
  const listening = Array.isArray(attributes.listeningPorts) ? (attributes.listeningPorts as ListeningPort[]) : [];
  const ips = Array.isArray(attributes.ipAddresses) ? (attributes.ipAddresses as string[]) : [];
  const name = [attributes.fqdn, attributes.hostname, attributes.managementIp, ips.find((ip) => !isLoopback(ip)), ci.name].find(
    (v): v is string => typeof v === 'string' && v !== '',
  );
  const out: ObservedService[] = [];
  for (const entry of listening) {
    const { port, address = '' } = typeof entry === 'string' ? { port: entry } : entry;
    const match = /^tcp6?\/(\d{1,5})$/.exec(port);
    if (!match || isLoopback(address)) continue;
    out.push({ port: Number(match[1]), address: WILDCARD.has(address) ? (name ?? ci.name) : address, seenBy: 'agent' });
  }
  return out;
}
