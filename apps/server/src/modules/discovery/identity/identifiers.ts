import { isPlaceholderIdentifier } from '../../../platform/identifiers/placeholder';
import { normaliseHostname, normaliseIp, normaliseMac } from '../../../platform/net/addresses';

/** What an observer knows about the identity of a thing it saw. Every member is optional. */
export interface HostIdentity {
  /** Hardware serial number (DMI, SNMP entPhysicalSerialNum, an import column). */
  serial?: string;
  /** The operating system's machine id (/etc/machine-id) or the SMBIOS UUID. */
  machineId?: string;
  /** MAC addresses of physical interfaces. */
  macs?: string[];
  hostname?: string;
  ips?: string[];
  /** An id that only one thing can have at its source: a cloud resource id, a Terraform address. */
  externalId?: string;
  /**
   * The scan target this was found at, as `<scan id> <address>`: what a scan saw at an address before is evidence
   * that it sees the same thing there again, however its name or answers changed.
   */
  scanTarget?: string;
}

/** Identifier kinds, strongest first. Strong kinds name one thing; the weak ones only together. */
export const STRONG_KINDS = ['external_id', 'serial', 'machine_id', 'mac'] as const;
export type StrongKind = (typeof STRONG_KINDS)[number];
export type IdentifierKind = StrongKind | 'scan_target' | 'hostname' | 'ip';

/** Kinds of which a thing has exactly one value: two different values mean two different things. */
export const SINGLE_VALUED: ReadonlySet<IdentifierKind> = new Set(['external_id', 'serial', 'machine_id']);

/** Kinds whose value names at most one thing at a time: recorded for one CI, the value leaves any other. */
export const VALUE_UNIQUE: ReadonlySet<IdentifierKind> = new Set(['scan_target']);

/** One normalised identifier. */
export interface Identifier {
  kind: IdentifierKind;
  value: string;
}

function cleanToken(value: string | undefined): string | null {
  if (value === undefined) return null;
  const v = value.trim();
  return isPlaceholderIdentifier(v) ? null : v;
}

/** Every usable identifier of `identity`, normalised and de-duplicated; placeholders and junk are dropped. */
export function identifiersOf(identity: HostIdentity): Identifier[] {
  const out = new Map<string, Identifier>();
  const add = (kind: IdentifierKind, value: string | null) => {
    if (value !== null) out.set(`${kind}\u0000${value}`, { kind, value });
  };
  add('external_id', cleanToken(identity.externalId));
  add('serial', cleanToken(identity.serial)?.toUpperCase() ?? null);
  add('machine_id', cleanToken(identity.machineId)?.toLowerCase().replace(/-/g, '') ?? null);
  for (const mac of identity.macs ?? []) add('mac', normaliseMac(mac));
  add('scan_target', identity.scanTarget?.trim() || null);
  if (identity.hostname !== undefined) add('hostname', normaliseHostname(identity.hostname));
  for (const ip of identity.ips ?? []) add('ip', normaliseIp(ip));
  return [...out.values()];
}
