import type { HostChange, HostData } from '@estate/contract';
import { canonicalJson } from '../../../platform/audit/canonical-json';
import { normaliseHostname, normaliseIp, normaliseMac } from '../../../platform/net/addresses';
import type { CiTypeId } from '../../inventory';
import type { Observation } from '../identity/identity.service';
import type { ObservedInterface } from '../identity/observed.repository';
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

/** Interface kinds whose MACs name the machine they are in; unknown kinds count, virtual ones never do. */
const IDENTIFYING_KINDS = new Set<string | undefined>(['physical', 'wireless', undefined]);

/** The interfaces of an SNMP device as discovery records them, addresses and MACs normalised. */
function interfacesOf(snmp: SnmpFacts): ObservedInterface[] {
  return snmp.interfaces.slice(0, 1000).map((i) => {
    const mac = normaliseMac(i.mac);
    const out: ObservedInterface = { name: i.name.slice(0, 200), addresses: (i.addresses ?? []).slice(0, 256) };
    if (i.kind) out.kind = i.kind;
    if (i.description && i.description !== i.name) out.description = i.description.slice(0, 500);
    if (mac) out.mac = mac;
    if (i.speedMbps !== undefined) out.speedMbps = i.speedMbps;
    if (i.adminUp !== undefined) out.adminUp = i.adminUp;
    if (i.operUp !== undefined) out.operUp = i.operUp;
    return out;
  });
}

/**
 * The observation of one live host by the scan `scan`. A host that answered SNMP is taken for a network device
 * named by its sysName, identified by its physical interfaces' MACs, name and addresses, with its interfaces and
 * what SNMP says of it (management address, firmware, location, contact, addresses) as attributes; any other host
 * is taken for a server, named by its reverse DNS name (else its address), identified by host name and address,
 * with its open ports. Either is identified by the scan target too (scan and address), so that the same scan finds
 * the same CI at the address when SNMP does not answer or DNS names it differently. The types are guesses unless
 * sysDescr says what the device is: mapped onto the type of the CI they match, they do not change it.
 */
export function observationOf(finding: HostFinding, scan: { id: string; name: string }): Observation {
  const observer = `scan ${scan.name}`;
  const address = normaliseIp(finding.address) ?? finding.address;
  const dnsName = displayName(finding.hostname);
  const scanTarget = `${scan.id} ${address}`;
  const snmp = finding.snmp;
  if (snmp) {
    const sysName = displayName(snmp.sysName);
    const interfaces = interfacesOf(snmp);
    const macs = unique(interfaces.filter((i) => IDENTIFYING_KINDS.has(i.kind)).flatMap((i) => (i.mac ? [i.mac] : []))).slice(0, 256);
    const ips = unique([address, ...snmp.addresses.map((a) => normaliseIp(a)).filter((a) => a !== null)]);
    const attributes: Record<string, unknown> = { managementIp: address, ports: snmp.interfaces.length, ipAddresses: ips.slice(0, 256) };
    const hostname = sysName ?? dnsName;
    if (hostname) attributes.hostname = hostname.slice(0, 253);
    if (snmp.sysDescr) attributes.firmware = snmp.sysDescr.replace(/\s+/g, ' ').trim().slice(0, 200);
    if (snmp.sysLocation) attributes.sysLocation = snmp.sysLocation.slice(0, 255);
    if (snmp.sysContact) attributes.sysContact = snmp.sysContact.slice(0, 255);
    const allMacs = unique(interfaces.flatMap((i) => (i.mac ? [i.mac] : []))).slice(0, 256);
    if (allMacs.length > 0) attributes.macAddresses = allMacs;
    const { type, certain } = networkDeviceType(snmp);
    return {
      source: 'scan',
      observer,
      type,
      typeCertain: certain,
      name: (snmp.sysName?.trim() || finding.hostname || address).slice(0, 200),
      identity: { ...(macs.length ? { macs } : {}), ...(hostname ? { hostname } : {}), ips, scanTarget },
      fields: { attributes },
      interfaces,
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
    typeCertain: false,
    name: (dnsName ?? address).slice(0, 200),
    identity: { ...(dnsName ? { hostname: dnsName } : {}), ips: [address], scanTarget },
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
