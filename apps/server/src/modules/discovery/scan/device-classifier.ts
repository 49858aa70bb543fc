/**
 * What kind of thing an SNMP agent is, from what it says of itself: its sysObjectID (the vendor's enterprise number
 * and, for some, the product line), whether it implements the Printer-MIB, the words of its sysDescr, and the
 * layers sysServices claims. The rules are one ordered table, first match wins; each says why, in words.
 * Pure: no sockets, no database.
 */
import type { CiTypeId } from '../../inventory';

/** The kinds of device the rules tell apart. */
export type DeviceKind =
  | 'server'
  | 'workstation'
  | 'switch'
  | 'router'
  | 'firewall'
  | 'access_point'
  | 'load_balancer'
  | 'printer'
  | 'ups'
  | 'pdu'
  | 'storage'
  | 'network_device';

/** Which attributes a CI of the kind's type has: a network device's, a host's, or an appliance's (address, firmware). */
export type AttributeFamily = 'network' | 'host' | 'appliance';

/**
 * The CI type each kind is recorded as. A managed device that no rule recognises becomes a `network_device` — the
 * honest "we do not know its role" — which a person can retype; identity reconciliation never lets such an uncertain
 * guess contradict a known type.
 */
export const KIND_TYPES: Record<DeviceKind, { type: CiTypeId; family: AttributeFamily }> = {
  server: { type: 'physical_server', family: 'host' },
  workstation: { type: 'end_user_device', family: 'host' },
  switch: { type: 'switch', family: 'network' },
  router: { type: 'router', family: 'network' },
  firewall: { type: 'firewall', family: 'network' },
  access_point: { type: 'access_point', family: 'network' },
  load_balancer: { type: 'load_balancer', family: 'network' },
  printer: { type: 'printer', family: 'appliance' },
  ups: { type: 'ups', family: 'appliance' },
  pdu: { type: 'pdu', family: 'appliance' },
  storage: { type: 'storage_array', family: 'appliance' },
  network_device: { type: 'network_device', family: 'network' },
};

/** What the rules look at. */
export interface DeviceFacts {
  sysObjectId?: string;
  sysDescr?: string;
  sysName?: string;
  sysServices?: number;
  printerMib?: boolean;
}

/** The layers sysServices claims, as a role: only bridging, only routing, both without a host's layers, or a host. */
export type LayerRole = 'bridge' | 'router' | 'multilayer' | 'host';

/** One rule: every condition it has must hold. */
interface Rule {
  /** sysObjectID is this OID or lies under it. */
  oid?: string;
  /** sysDescr, without the device's own name, matches. */
  descr?: RegExp;
  layers?: LayerRole;
  printerMib?: true;
  kind: DeviceKind;
  why: string;
}

/** The classification of a device: its kind, the CI type that records it, whether the rules know or guess, and why. */
export interface DeviceClass {
  kind: DeviceKind;
  type: CiTypeId;
  family: AttributeFamily;
  /** False only for the fallback: nothing the device said told what it is. */
  certain: boolean;
  why: string;
}

/** An enterprise OID (1.3.6.1.4.1.<number>), optionally with a product subtree. */
const ent = (number: number, ...rest: number[]) => ['1.3.6.1.4.1', number, ...rest].join('.');

/** net-snmp's agent OIDs for the operating system it runs on (NET-SNMP-TC netSnmpAgentOIDs). */
const NET_SNMP_OS = ent(8072, 3, 2);

/** Words in sysDescr that name what a device is (its own name taken out first). */
const WORDS = {
  firewall:
    /firewall|fortigate|fortios|pfsense|opnsense|pan-os|palo alto networks|adaptive security appliance|check ?point|gaia|sonicwall|sophos|watchguard/,
  loadBalancer: /load[- ]balancer|big-ip|netscaler|citrix adc|kemp/,
  accessPoint: /access point|aironet|\bwlan\b|\bwap\d*\b|unifi ap|\buap\b/,
  printer:
    /printer|laserjet|officejet|deskjet|designjet|pagewide|jetdirect|\bmfp\b|bizhub|imagerunner|workcentre|versalink|ecosys|taskalfa/,
  pdu: /\bpdu\b|power distribution/,
  ups: /\bups\b|uninterruptible|smart-ups|powerware|network management card/,
  storage: /synology|diskstation|rackstation|netapp|ontap|qnap|truenas|freenas|storage array|powervault|equallogic|isilon/,
  router: /\brouter\b|routeros|ios[ -]xr|vyos|edgeos|edgerouter|\bisr\b|\bisr ?\d/,
  switch:
    /\bswitch\b|switching|catalyst|\bc(29|3[5-8]|9[23])\d\d|ws-c\d|nexus|nx-os|procurve|powerconnect|edgeswitch|cumulus|sonic software|dell emc networking/,
  operatingSystem: /\b(linux|windows|freebsd|openbsd|netbsd|dragonfly|sunos|solaris|aix|hp-ux|darwin|esxi)\b/,
};

/**
 * The rules, in order. First: product lines and single-purpose vendors by sysObjectID, and the Printer-MIB; then
 * what sysDescr says the device is; then the layers sysServices claims; then an operating system named in sysDescr
 * and what multi-purpose vendors mostly make; last, the guess.
 */
export const RULES: readonly Rule[] = [
  { oid: ent(11, 2, 3, 9, 1), kind: 'printer', why: 'HP JetDirect printer (sysObjectID)' },
  { oid: ent(11, 2, 3, 7), kind: 'switch', why: 'HP ProCurve switch (sysObjectID)' },
  { oid: ent(11, 2, 3, 2), kind: 'server', why: 'HP-UX host (sysObjectID)' },
  { oid: ent(318, 1, 1, 4), kind: 'pdu', why: 'APC MasterSwitch PDU (sysObjectID)' },
  { oid: ent(318, 1, 1, 12), kind: 'pdu', why: 'APC rack PDU (sysObjectID)' },
  { oid: ent(318, 1, 1, 26), kind: 'pdu', why: 'APC rack PDU 2 (sysObjectID)' },
  { oid: ent(318), kind: 'ups', why: 'APC (sysObjectID)' },
  { oid: ent(534, 6, 6), kind: 'pdu', why: 'Eaton ePDU (sysObjectID)' },
  { oid: ent(534), kind: 'ups', why: 'Eaton (sysObjectID)' },
  { oid: ent(2636), descr: /\bsrx/, kind: 'firewall', why: 'Juniper SRX (sysObjectID, sysDescr)' },
  { oid: ent(2636), descr: /\bex\d|\bqfx/, kind: 'switch', why: 'Juniper EX/QFX (sysObjectID, sysDescr)' },
  { oid: ent(2636), kind: 'router', why: 'Juniper (sysObjectID)' },
  { oid: ent(30065), kind: 'switch', why: 'Arista (sysObjectID)' },
  { oid: ent(47196), kind: 'switch', why: 'Aruba CX (sysObjectID)' },
  { oid: ent(14823), kind: 'access_point', why: 'Aruba wireless (sysObjectID)' },
  { oid: ent(14988), descr: /\bcrs\d|\bcss\d|swos/, kind: 'switch', why: 'MikroTik CRS/CSS (sysObjectID, sysDescr)' },
  { oid: ent(14988), kind: 'router', why: 'MikroTik RouterOS (sysObjectID)' },
  { oid: ent(41112), descr: /edgeswitch|\busw\b|unifi switch/, kind: 'switch', why: 'Ubiquiti switch (sysObjectID, sysDescr)' },
  {
    oid: ent(41112),
    descr: /edgerouter|\busg\b|\budm\b|dream machine|gateway/,
    kind: 'router',
    why: 'Ubiquiti gateway (sysObjectID, sysDescr)',
  },
  { oid: ent(41112), kind: 'access_point', why: 'Ubiquiti UniFi (sysObjectID)' },
  { oid: ent(12356), descr: /fortiswitch/, kind: 'switch', why: 'FortiSwitch (sysObjectID, sysDescr)' },
  { oid: ent(12356), descr: /fortiap/, kind: 'access_point', why: 'FortiAP (sysObjectID, sysDescr)' },
  { oid: ent(12356), kind: 'firewall', why: 'Fortinet (sysObjectID)' },
  { oid: ent(25461), kind: 'firewall', why: 'Palo Alto Networks (sysObjectID)' },
  { oid: ent(2620), kind: 'firewall', why: 'Check Point (sysObjectID)' },
  { oid: ent(6574), kind: 'storage', why: 'Synology (sysObjectID)' },
  { oid: ent(789), kind: 'storage', why: 'NetApp (sysObjectID)' },
  { oid: ent(674, 10892), kind: 'server', why: 'Dell PowerEdge (sysObjectID)' },
  { oid: ent(674, 10895), kind: 'switch', why: 'Dell PowerConnect (sysObjectID)' },
  { oid: ent(674, 11000, 5000), kind: 'switch', why: 'Dell EMC Networking (sysObjectID)' },
  { oid: ent(311, 1, 1, 3, 1, 1), kind: 'workstation', why: 'Windows workstation (sysObjectID)' },
  { oid: ent(311, 1, 1, 3, 1), kind: 'server', why: 'Windows server (sysObjectID)' },
  { printerMib: true, kind: 'printer', why: 'implements the Printer-MIB' },
  { descr: WORDS.firewall, kind: 'firewall', why: 'sysDescr names a firewall' },
  { descr: WORDS.loadBalancer, kind: 'load_balancer', why: 'sysDescr names a load balancer' },
  { descr: WORDS.printer, kind: 'printer', why: 'sysDescr names a printer' },
  { descr: WORDS.pdu, kind: 'pdu', why: 'sysDescr names a PDU' },
  { descr: WORDS.ups, kind: 'ups', why: 'sysDescr names a UPS' },
  { descr: WORDS.storage, kind: 'storage', why: 'sysDescr names a storage system' },
  { descr: WORDS.accessPoint, kind: 'access_point', why: 'sysDescr names an access point' },
  { descr: WORDS.router, kind: 'router', why: 'sysDescr names a router' },
  { descr: WORDS.switch, kind: 'switch', why: 'sysDescr names a switch' },
  { layers: 'bridge', kind: 'switch', why: 'sysServices: bridging only' },
  { layers: 'multilayer', kind: 'switch', why: 'sysServices: bridging and routing (a layer-3 switch)' },
  { layers: 'router', kind: 'router', why: 'sysServices: routing only' },
  { layers: 'host', kind: 'server', why: "sysServices: a host's layers" },
  { descr: WORDS.operatingSystem, kind: 'server', why: 'sysDescr names an operating system' },
  { oid: NET_SNMP_OS, kind: 'server', why: 'net-snmp on an operating system (sysObjectID)' },
  { oid: ent(12325), kind: 'server', why: 'FreeBSD bsnmpd (sysObjectID)' },
  { oid: ent(674), kind: 'server', why: 'Dell (sysObjectID)' },
  { oid: ent(311), kind: 'server', why: 'Microsoft (sysObjectID)' },
];

/** The role the layers of sysServices claim, or undefined when they say nothing useful (none, or bridging on a host). */
export function layerRole(sysServices: number | undefined): LayerRole | undefined {
  if (sysServices === undefined) return undefined;
  const bridge = (sysServices & 2) !== 0;
  const route = (sysServices & 4) !== 0;
  const host = (sysServices & (8 | 64)) !== 0;
  if (host) return bridge ? undefined : 'host';
  if (bridge) return route ? 'multilayer' : 'bridge';
  return route ? 'router' : undefined;
}

/** The start of a `uname -a` line, as net-snmp describes its host by default: system, node name, release. */
const UNAME = /^ (linux|freebsd|openbsd|netbsd|dragonfly|sunos|darwin|aix|hp-ux) \S+ (\d)/;

/** sysObjectID without a leading dot. */
function oidOf(facts: DeviceFacts): string | undefined {
  return facts.sysObjectId?.trim().replace(/^\./, '') || undefined;
}

/**
 * sysDescr in lower case without the device's own name — as sysName, and as the host name net-snmp's `uname`-style
 * description carries second — since names are chosen by people and say nothing about what a device is.
 */
export function descriptionWords(facts: DeviceFacts): string {
  // `uname -a`: system, node name, release (a number first), version, machine.
  let text = ` ${(facts.sysDescr ?? '').toLowerCase().replace(/\s+/g, ' ').trim()} `.replace(UNAME, ' $1 $2');
  const name = facts.sysName?.trim().toLowerCase();
  for (const n of name ? [name, name.split('.')[0]!] : []) if (n.length > 0) text = text.split(n).join(' ');
  return text.replace(/\s+/g, ' ').trim();
}

function matches(rule: Rule, facts: DeviceFacts, oid: string | undefined, words: string, role: LayerRole | undefined): boolean {
  if (rule.oid !== undefined && !(oid === rule.oid || oid?.startsWith(`${rule.oid}.`))) return false;
  if (rule.descr !== undefined && !rule.descr.test(words)) return false;
  if (rule.layers !== undefined && rule.layers !== role) return false;
  if (rule.printerMib && facts.printerMib !== true) return false;
  return true;
}

/** Classifies an SNMP device by the first rule that matches; an unrecognised one is a network device, as a guess. */
export function classifyDevice(facts: DeviceFacts): DeviceClass {
  const oid = oidOf(facts);
  const words = descriptionWords(facts);
  const role = layerRole(facts.sysServices);
  const rule = RULES.find((r) => matches(r, facts, oid, words, role));
  if (rule) return { kind: rule.kind, ...KIND_TYPES[rule.kind], certain: true, why: rule.why };
  const seen = oid ? `sysObjectID ${oid}` : 'no sysObjectID';
  return { kind: 'network_device', ...KIND_TYPES.network_device, certain: false, why: `not recognised (${seen})` };
}
