import type { HostChange, HostData } from '@estate/contract';
import { canonicalJson } from '../../../platform/audit/canonical-json';
import { normaliseHostname, normaliseIp, normaliseMac } from '../../../platform/net/addresses';
import type { CiTypeId } from '../../inventory';
import type { Observation } from '../identity/identity.service';
import { type AttributeFamily, classifyDevice } from './device-classifier';
import type { HostFinding, SnmpFacts } from './engine/scan-types';
import type { LocalHost } from './local-host';

/*
 * What a scan's findings mean: the stored form of a host, how it compares with the previous run, and the
 * observation that identity reconciliation turns into a CI. Pure functions; the run service does the I/O.
 */

/** The parts of a host that count for the diff; round-trip times, uptime and notes change on every run. */
const COMPARED = ['openPorts', 'hostname', 'services', 'snmp'] as const;

/** The stored form of a finding (the SNMP facts without the credential id). */
export function hostData(finding: HostFinding): HostData {
  const data: HostData = {
    alive: finding.alive,
    openPorts: [...finding.openPorts].sort((a, b) => a - b),
    services: Object.fromEntries(Object.entries(finding.services).map(([port, s]) => [String(port), s])),
    notes: finding.notes,
  };
  if (finding.rttMs !== undefined) data.rttMs = finding.rttMs;
  if (finding.hostname !== undefined) data.hostname = finding.hostname;
  if (finding.snmp) {
    const { credentialId: _credentialId, ...facts } = finding.snmp;
    data.snmp = facts;
  }
  return data;
}

/** What of a host is compared between runs, as canonical text per part. */
function comparable(data: HostData): Record<(typeof COMPARED)[number], string> {
  const snmp = data.snmp
    ? {
        sysName: data.snmp.sysName,
        sysDescr: data.snmp.sysDescr,
        sysObjectId: data.snmp.sysObjectId,
        sysLocation: data.snmp.sysLocation,
        sysContact: data.snmp.sysContact,
        interfaces: data.snmp.interfaces.map(({ operUp: _up, ...i }) => i),
        addresses: [...data.snmp.addresses].sort(),
        neighbours: data.snmp.neighbours,
      }
    : null;
  return {
    openPorts: canonicalJson(data.openPorts),
    hostname: canonicalJson(data.hostname ?? null),
    services: canonicalJson(data.services),
    snmp: canonicalJson(snmp),
  };
}

/** How a host compares with what the previous run saw at its address (`undefined` when it saw nothing there). */
export function compareHost(previous: HostData | undefined, current: HostData): { change: HostChange; changedFields: string[] } {
  if (!previous) return { change: 'new', changedFields: [] };
  const before = comparable(previous);
  const now = comparable(current);
  const changedFields = COMPARED.filter((k) => before[k] !== now[k]);
  return { change: changedFields.length > 0 ? 'changed' : 'unchanged', changedFields };
}

/**
 * How a host compares with the previous run once reconciliation has said which CI it is (`ci`, null when it was not
 * recorded): a host whose CI this run created is new to the inventory whatever the previous run saw at its address,
 * and one that is now another CI than the previous run's (`previousCiId`; null when it had none, or it was deleted
 * since) has changed (`ci`). So a run's counts
 * agree with each other: hosts = new + changed + unchanged, and no more CIs are created than hosts are new.
 */
export function settleChange(
  compared: { change: HostChange; changedFields: string[] },
  previousCiId: string | null | undefined,
  ci: { id: string; created: boolean } | null,
): { change: HostChange; changedFields: string[] } {
  if (!ci) return compared;
  if (ci.created) return { change: 'new', changedFields: [] };
  if (compared.change === 'new' || previousCiId === ci.id) return compared;
  return { change: 'changed', changedFields: [...compared.changedFields, 'ci'] };
}

/** A DNS or SNMP name as shown: trimmed, lower-case, without a trailing dot. */
function displayName(value: string | undefined): string | undefined {
  const v = value?.trim().toLowerCase().replace(/\.$/, '');
  return v ? v : undefined;
}

const shortName = (name: string) => name.split('.')[0] ?? name;
const unique = <T>(items: T[]) => [...new Set(items)];

/**
 * The CI type of an SNMP device and whether the device said what it is (`certain`), by the rules of
 * `device-classifier.ts` (sysObjectID, Printer-MIB, sysDescr, sysServices), and which attributes its type has.
 * Reconciliation keeps a matched CI's type.
 */
export function networkDeviceType(facts: SnmpFacts | HostData['snmp']): { type: CiTypeId; certain: boolean; family: AttributeFamily } {
  const { type, certain, family } = classifyDevice(facts ?? {});
  return { type, certain, family };
}

/** The SNMP attributes each family of types has (see KIND_TYPES); a type has no place for the others. */
const FAMILY_ATTRIBUTES: Record<AttributeFamily, readonly string[]> = {
  network: ['hostname', 'managementIp', 'ports', 'firmware', 'macAddresses'],
  host: ['hostname', 'ipAddresses', 'macAddresses', 'listeningPorts'],
  appliance: ['managementIp', 'firmware'],
};

/**
 * The observation of one live host by the scan `scanName`. A host that answered SNMP is a network device named by
 * its sysName, identified by its interfaces' MACs, name and addresses; any other host is a server named by its
 * reverse DNS name (else its address), identified by host name and address, with its open ports.
 */
export function observationOf(finding: HostFinding, scanName: string): Observation {
  const observer = `scan ${scanName}`;
  const address = normaliseIp(finding.address) ?? finding.address;
  const dnsName = displayName(finding.hostname);
  const snmp = finding.snmp;
  if (snmp) {
    const sysName = displayName(snmp.sysName);
    const macs = unique(snmp.interfaces.map((i) => normaliseMac(i.mac)).filter((m) => m !== null)).slice(0, 256);
    const ips = unique([address, ...snmp.addresses.map((a) => normaliseIp(a)).filter((a) => a !== null)]);
    const device = networkDeviceType(snmp);
    const seen: Record<string, unknown> = {
      managementIp: address,
      ipAddresses: ips.slice(0, 256),
      ports: snmp.interfaces.length,
      listeningPorts: [...finding.openPorts].sort((a, b) => a - b).map((p) => `tcp/${p}`),
    };
    const hostname = sysName ?? dnsName;
    if (hostname) seen.hostname = (device.family === 'host' ? shortName(hostname) : hostname).slice(0, 253);
    if (snmp.sysDescr) seen.firmware = snmp.sysDescr.replace(/\s+/g, ' ').trim().slice(0, 200);
    if (macs.length > 0) seen.macAddresses = macs;
    const attributes = Object.fromEntries(Object.entries(seen).filter(([key]) => FAMILY_ATTRIBUTES[device.family].includes(key)));
    return {
      source: 'scan',
      observer,
      type: device.type,
      name: (snmp.sysName?.trim() || finding.hostname || address).slice(0, 200),
      identity: { ...(macs.length ? { macs } : {}), ...(hostname ? { hostname } : {}), ips },
      fields: { attributes },
    };
  }
  const attributes: Record<string, unknown> = {
    ipAddresses: [address],
    listeningPorts: [...finding.openPorts].sort((a, b) => a - b).map((p) => `tcp/${p}`),
  };
  if (dnsName) {
    attributes.hostname = shortName(dnsName).slice(0, 253);
    if (dnsName.includes('.')) attributes.fqdn = dnsName.slice(0, 253);
  }
  return {
    source: 'scan',
    observer,
    type: 'physical_server',
    name: (dnsName ?? address).slice(0, 200),
    identity: { ...(dnsName ? { hostname: dnsName } : {}), ips: [address] },
    fields: { attributes },
  };
}

/**
 * The observation of a host that is the scanning machine itself (a loopback address, or one of its own): identified
 * by the machine's name, machine id, MACs and addresses rather than by the address scanned, which says nothing
 * about which machine it is, and named after the machine — so it matches the CI an agent on the machine created,
 * or the one an earlier scan created for it.
 */
export function onLocalHost(observation: Observation, local: LocalHost): Observation {
  const attributes = { ...observation.fields.attributes };
  const name = displayName(local.hostname) ?? local.hostname;
  attributes.hostname = shortName(name).slice(0, 253);
  // Host attributes (a server's): its full name where the machine knows one, never a reverse name of the address.
  if ('ipAddresses' in attributes) {
    if (name.includes('.')) attributes.fqdn = name.slice(0, 253);
    else delete attributes.fqdn;
  }
  for (const key of ['ipAddresses', 'managementIp'] as const) {
    if (!(key in attributes)) continue;
    if (local.ips.length === 0) delete attributes[key];
    else attributes[key] = key === 'managementIp' ? local.ips[0] : local.ips.slice(0, 256);
  }
  const macs = unique([...local.macs, ...(observation.identity.macs ?? [])]).slice(0, 256);
  return {
    ...observation,
    name: name.slice(0, 200),
    identity: {
      ...observation.identity,
      ...(local.machineId ? { machineId: local.machineId } : {}),
      ...(macs.length > 0 ? { macs } : {}),
      hostname: name,
      ips: local.ips,
    },
    fields: { ...observation.fields, attributes },
  };
}

/** What an LLDP neighbour is known by, normalised as identifiers are, to find its CI. */
export function neighbourKeys(neighbour: SnmpFacts['neighbours'][number]): { macs: string[]; hostnames: string[]; ips: string[] } {
  const name = normaliseHostname(neighbour.sysName);
  const mac = normaliseMac(neighbour.chassisId);
  const ip = normaliseIp(neighbour.managementAddress) ?? normaliseIp(neighbour.chassisId);
  return { macs: mac ? [mac] : [], hostnames: name ? [name] : [], ips: ip ? [ip] : [] };
}
