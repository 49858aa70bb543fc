/**
 * Reading SNMP answers: turns the varbinds net-snmp returns for the system group, IF-MIB (ifTable, ifXTable),
 * IP-MIB (ipAddrTable, ipAddressTable) and LLDP-MIB (lldpLocPortTable, lldpRemTable, lldpRemManAddrTable) into
 * SnmpFacts. Pure functions: no sockets here, so the parsing can be pinned with the varbinds of real devices.
 */

import type { InterfaceKind } from '@estate/contract';
import { normaliseIp, normaliseMac } from '../../../../platform/net/addresses';
import type { SnmpFacts } from './scan-types';
import { isControl } from './socket-exchange';

/** One value as net-snmp hands it over (OCTET STRINGs are Buffers, OIDs and IpAddresses strings). */
export interface SnmpVarbind {
  oid: string;
  type?: number;
  value?: unknown;
}

/** The OIDs the engine asks for. */
export const OID = {
  sysDescr: '1.3.6.1.2.1.1.1.0',
  sysObjectID: '1.3.6.1.2.1.1.2.0',
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  sysContact: '1.3.6.1.2.1.1.4.0',
  sysName: '1.3.6.1.2.1.1.5.0',
  sysLocation: '1.3.6.1.2.1.1.6.0',
  sysServices: '1.3.6.1.2.1.1.7.0',
  /** The Printer-MIB (RFC 3805), which printers and only printers implement. */
  printerMib: '1.3.6.1.2.1.43',
  ifEntry: '1.3.6.1.2.1.2.2.1',
  ifXEntry: '1.3.6.1.2.1.31.1.1.1',
  ipAddrEntry: '1.3.6.1.2.1.4.20.1',
  ipAddressEntry: '1.3.6.1.2.1.4.34.1',
  lldpLocPortEntry: '1.0.8802.1.1.2.1.3.7.1',
  lldpRemEntry: '1.0.8802.1.1.2.1.4.1.1',
  lldpRemManAddrEntry: '1.0.8802.1.1.2.1.4.2.1',
} as const;

/** The system group's scalar OIDs, in the order `parseSystem` expects nothing of (it matches by OID). */
export const SYSTEM_OIDS = [OID.sysDescr, OID.sysObjectID, OID.sysUpTime, OID.sysContact, OID.sysName, OID.sysLocation, OID.sysServices];

/** Rows of a table walk: index suffix → column number → value. */
type Rows = Map<string, Map<number, unknown>>;

function rowsOf(varbinds: SnmpVarbind[], entryOid: string): Rows {
  const rows: Rows = new Map();
  const prefix = `${entryOid}.`;
  for (const vb of varbinds) {
    if (!vb.oid.startsWith(prefix)) continue;
    const rest = vb.oid.slice(prefix.length);
    const dot = rest.indexOf('.');
    if (dot < 0) continue;
    const column = Number(rest.slice(0, dot));
    const index = rest.slice(dot + 1);
    let row = rows.get(index);
    if (!row) {
      row = new Map();
      rows.set(index, row);
    }
    row.set(column, vb.value);
  }
  return rows;
}

/** A display string: printable UTF-8 as text, anything else as colon-separated hex. Empty and NULs-only are undefined. */
export function snmpText(value: unknown, maxLength = 255): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') {
    return String(value).trim().slice(0, maxLength) || undefined;
  }
  if (!Buffer.isBuffer(value)) return undefined;
  const trimmed = value.subarray(0, value.length - (value.at(-1) === 0 ? 1 : 0));
  if (trimmed.length === 0) return undefined;
  const text = trimmed.toString('utf8');
  // Tabs, line breaks and carriage returns occur in descriptions; other control bytes mean a binary value.
  const binary = Array.from(text, (ch) => ch.codePointAt(0)!).some(
    (code) => code === 0xfffd || (isControl(code) && code !== 0x09 && code !== 0x0a && code !== 0x0d),
  );
  if (!binary) return text.trim().slice(0, maxLength) || undefined;
  return hex(trimmed);
}

function hex(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** A MAC address from a 6-byte OCTET STRING, as `normaliseMac` writes it; undefined for what names no interface. */
export function snmpMac(value: unknown): string | undefined {
  if (!Buffer.isBuffer(value) || value.length !== 6) return undefined;
  return normaliseMac(value.toString('hex')) ?? undefined;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

/**
 * An IP address from raw bytes (4 or 16), as `normaliseIp` writes it; undefined for what is not one and for
 * addresses that say nothing about which device this is (loopback, link-local, multicast and the like).
 */
function ipFromBytes(bytes: number[]): string | undefined {
  if (!bytes.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return undefined;
  if (bytes.length === 4) return normaliseIp(bytes.join('.')) ?? undefined;
  if (bytes.length !== 16) return undefined;
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return normaliseIp(groups.join(':')) ?? undefined;
}

/** The system group's part of SnmpFacts. */
type SystemFacts = Omit<SnmpFacts, 'credentialId' | 'interfaces' | 'addresses' | 'neighbours' | 'printerMib'>;

/** The system group from a GET of SYSTEM_OIDS; missing objects (and a sysServices out of its range) are left out. */
export function parseSystem(varbinds: SnmpVarbind[]): SystemFacts {
  const byOid = new Map(varbinds.map((vb) => [vb.oid, vb.value]));
  const facts: SystemFacts = {};
  const text = (oid: string, max = 255) => snmpText(byOid.get(oid), max);
  const sysDescr = text(OID.sysDescr, 1024);
  if (sysDescr) facts.sysDescr = sysDescr;
  const sysObjectId = byOid.get(OID.sysObjectID);
  if (typeof sysObjectId === 'string' && sysObjectId !== '') facts.sysObjectId = sysObjectId;
  const upTicks = numberOf(byOid.get(OID.sysUpTime));
  if (upTicks !== undefined) facts.sysUpTimeSeconds = Math.floor(upTicks / 100);
  const sysContact = text(OID.sysContact);
  if (sysContact) facts.sysContact = sysContact;
  const sysName = text(OID.sysName);
  if (sysName) facts.sysName = sysName;
  const sysLocation = text(OID.sysLocation);
  if (sysLocation) facts.sysLocation = sysLocation;
  const sysServices = numberOf(byOid.get(OID.sysServices));
  if (sysServices !== undefined && Number.isInteger(sysServices) && sysServices >= 0 && sysServices <= 127) facts.sysServices = sysServices;
  return facts;
}

/** Whether the answer to a GETNEXT of the Printer-MIB's root lies inside it (the device implements it). */
export function implementsPrinterMib(varbinds: SnmpVarbind[]): boolean {
  return varbinds.some((vb) => vb.oid.startsWith(`${OID.printerMib}.`));
}
/** IANAifType numbers and the kind of interface each names; a type not listed is `other`. */
const IF_TYPES: Record<number, InterfaceKind> = {
  6: 'physical', // ethernetCsmacd
  7: 'physical', // iso88023Csmacd
  62: 'physical', // fastEther
  69: 'physical', // fastEtherFX
  117: 'physical', // gigabitEthernet
  71: 'wireless', // ieee80211
  24: 'loopback', // softwareLoopback
  53: 'virtual', // propVirtual
  131: 'tunnel', // tunnel
  135: 'vlan', // l2vlan
  136: 'vlan', // l3ipvlan
  161: 'bond', // ieee8023adLag
  209: 'bridge', // bridge
};

/** Interfaces from ifTable joined with ifXTable by ifIndex, ordered by index. */
export function parseInterfaces(ifTable: SnmpVarbind[], ifXTable: SnmpVarbind[]): SnmpFacts['interfaces'] {
  const base = rowsOf(ifTable, OID.ifEntry);
  const extended = rowsOf(ifXTable, OID.ifXEntry);
  const indexes = new Set([...base.keys(), ...extended.keys()].filter((i) => /^\d+$/.test(i)));
  return [...indexes]
    .map(Number)
    .sort((a, b) => a - b)
    .map((index) => {
      const row = base.get(String(index)) ?? new Map<number, unknown>();
      const x = extended.get(String(index)) ?? new Map<number, unknown>();
      const description = snmpText(row.get(2));
      const name = snmpText(x.get(1)) ?? description ?? `if${index}`;
      const entry: SnmpFacts['interfaces'][number] = { index, name };
      if (description) entry.description = description;
      const mac = snmpMac(row.get(6));
      if (mac) entry.mac = mac;
      const highSpeed = numberOf(x.get(15));
      const speed = numberOf(row.get(5));
      const speedMbps = highSpeed && highSpeed > 0 ? highSpeed : speed && speed > 0 ? Math.round(speed / 1_000_000) : undefined;
      if (speedMbps) entry.speedMbps = speedMbps;
      const type = numberOf(row.get(3));
      if (type !== undefined) entry.kind = IF_TYPES[type] ?? 'other';
      const admin = numberOf(row.get(7));
      if (admin !== undefined) entry.adminUp = admin === 1;
      const oper = numberOf(row.get(8));
      if (oper !== undefined) entry.operUp = oper === 1;
      return entry;
    });
}

/** Unicast addresses from ipAddrTable (IPv4) and ipAddressTable (IPv4 and IPv6), deduplicated, loopback and link-local left out. */
export function parseAddresses(ipAddrTable: SnmpVarbind[], ipAddressTable: SnmpVarbind[]): string[] {
  const found = new Set<string>();
  for (const [index, row] of rowsOf(ipAddrTable, OID.ipAddrEntry)) {
    const column = row.get(1);
    const address = typeof column === 'string' ? (normaliseIp(column) ?? undefined) : ipFromBytes(index.split('.').map(Number));
    if (address) found.add(address);
  }
  for (const [index, row] of rowsOf(ipAddressTable, OID.ipAddressEntry)) {
    // Index: addressType (1 ipv4, 2 ipv6; 3/4 are zoned) . length . bytes. ipAddressType 1 is unicast.
    const [type, length, ...bytes] = index.split('.').map(Number);
    if ((type !== 1 && type !== 2) || bytes.length !== length) continue;
    const kind = numberOf(row.get(4));
    if (kind !== undefined && kind !== 1) continue;
    const address = ipFromBytes(bytes);
    if (address) found.add(address);
  }
  return [...found];
}

/**
 * The addresses of each interface, by ifIndex: ipAddrTable's ipAdEntIfIndex (IPv4, with the prefix length its mask
 * gives) and ipAddressTable's ipAddressIfIndex (unicast IPv4 and IPv6). Loopback and link-local addresses are left out.
 */
export function parseInterfaceAddresses(ipAddrTable: SnmpVarbind[], ipAddressTable: SnmpVarbind[]): Map<number, string[]> {
  const out = new Map<number, Set<string>>();
  const add = (ifIndex: number | undefined, address: string | undefined, prefix?: number) => {
    if (ifIndex === undefined || address === undefined) return;
    const set = out.get(ifIndex) ?? new Set<string>();
    out.set(ifIndex, set);
    // The same address from both tables, once with and once without its prefix, is one address.
    for (const known of set) if (known.split('/')[0] === address) return;
    set.add(prefix === undefined ? address : `${address}/${prefix}`);
  };
  for (const [index, row] of rowsOf(ipAddrTable, OID.ipAddrEntry)) {
    const column = row.get(1);
    const address = typeof column === 'string' ? (normaliseIp(column) ?? undefined) : ipFromBytes(index.split('.').map(Number));
    add(numberOf(row.get(2)), address, prefixOf(row.get(3)));
  }
  for (const [index, row] of rowsOf(ipAddressTable, OID.ipAddressEntry)) {
    const [type, length, ...bytes] = index.split('.').map(Number);
    if ((type !== 1 && type !== 2) || bytes.length !== length) continue;
    const kind = numberOf(row.get(4));
    if (kind !== undefined && kind !== 1) continue;
    add(numberOf(row.get(3)), ipFromBytes(bytes));
  }
  return new Map([...out].map(([i, set]) => [i, [...set]]));
}

/** The prefix length of a dotted IPv4 mask; undefined for what is not a contiguous mask. */
function prefixOf(mask: unknown): number | undefined {
  if (typeof mask !== 'string' || !/^\d+\.\d+\.\d+\.\d+$/.test(mask)) return undefined;
  const bits = mask
    .split('.')
    .map((o) => Number(o).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits) ? (bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')) : undefined;
}

/** LLDP chassis and port IDs: MAC subtypes as MACs, network-address subtypes as addresses, the rest as text. */
function lldpId(subtype: number | undefined, value: unknown, macSubtype: number, addressSubtype: number): string | undefined {
  if (subtype === macSubtype) return snmpMac(value) ?? snmpText(value);
  if (subtype === addressSubtype && Buffer.isBuffer(value) && value.length > 1) {
    return ipFromBytes([...value.subarray(1)]) ?? snmpText(value);
  }
  return snmpText(value);
}

/**
 * LLDP neighbours from lldpRemTable, named by the local port (lldpLocPortTable's description or id, else the
 * interface with the same index), with the first management address each neighbour advertises.
 */
export function parseNeighbours(
  locPortTable: SnmpVarbind[],
  remTable: SnmpVarbind[],
  remManAddrTable: SnmpVarbind[],
  interfaces: SnmpFacts['interfaces'] = [],
): SnmpFacts['neighbours'] {
  const localPorts = rowsOf(locPortTable, OID.lldpLocPortEntry);
  const management = new Map<string, string>();
  for (const index of rowsOf(remManAddrTable, OID.lldpRemManAddrEntry).keys()) {
    // Index: timeMark . localPortNum . remIndex . addrSubtype (1 ipv4, 2 ipv6) . length . bytes
    const [timeMark, port, remIndex, subtype, length, ...bytes] = index.split('.').map(Number);
    if ((subtype !== 1 && subtype !== 2) || bytes.length !== length) continue;
    const address = ipFromBytes(bytes);
    const key = `${timeMark}.${port}.${remIndex}`;
    if (address && !management.has(key)) management.set(key, address);
  }
  const neighbours: SnmpFacts['neighbours'] = [];
  for (const [index, row] of rowsOf(remTable, OID.lldpRemEntry)) {
    const [, portText] = index.split('.');
    const portNum = Number(portText);
    const local = localPorts.get(String(portNum));
    const localPort =
      snmpText(local?.get(4)) ?? snmpText(local?.get(3)) ?? interfaces.find((i) => i.index === portNum)?.name ?? String(portNum);
    const neighbour: SnmpFacts['neighbours'][number] = { localPort };
    const chassisId = lldpId(numberOf(row.get(4)), row.get(5), 4, 5);
    if (chassisId) neighbour.chassisId = chassisId;
    const portId = lldpId(numberOf(row.get(6)), row.get(7), 3, 4);
    if (portId) neighbour.portId = portId;
    const sysName = snmpText(row.get(9));
    if (sysName) neighbour.sysName = sysName;
    const managementAddress = management.get(index);
    if (managementAddress) neighbour.managementAddress = managementAddress;
    neighbours.push(neighbour);
  }
  return neighbours;
}
