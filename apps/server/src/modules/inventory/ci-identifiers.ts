import { isPlaceholderIdentifier } from '../../platform/identifiers/placeholder';
import { type CiCategory, categoryOf } from './ci-type-ids';

/*
 * Serial numbers and asset tags name one thing within a family of CI types (the type's category in ci-type-ids.ts:
 * compute, network, storage, …). A serial is unique per manufacturer when the manufacturer is known: two CIs of a
 * family may share a serial only when both name a manufacturer and the manufacturers differ. An asset tag is
 * unique in its family whatever the manufacturer. Values are compared trimmed and upper-cased; placeholders that
 * firmware and spreadsheets put where no value is known identify nothing and are never compared.
 *
 * The database keeps the comparison keys beside each CI (`serial_key` with `serial_maker`, `asset_tag_key`, unique
 * indexes of migration 0018). A CI whose key is null does not hold its value: it has none, a placeholder, or a
 * duplicate that discovery observed or an upgrade found (see ADR 0008).
 */

/** A serial or asset tag as compared: trimmed and upper-cased; null when empty or a placeholder. */
export function normaliseIdentifier(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const v = value.trim().toUpperCase();
  return isPlaceholderIdentifier(v) ? null : v;
}

const LEGAL_SUFFIX = /[,.]?\s+(INC|INCORPORATED|CORP|CORPORATION|CO|COMPANY|LTD|LIMITED|LLC|GMBH|AG|SA|SAS|BV|NV|PLC|SPA|AB|OY|KK)\.?$/;

/** A manufacturer as compared: upper-cased, spaces collapsed, legal suffixes dropped (`Dell Inc.` → `DELL`); '' when unknown. */
export function normaliseManufacturer(value: string | null | undefined): string {
  let v = (value ?? '').trim().toUpperCase().replace(/\s+/g, ' ');
  for (let previous = ''; previous !== v; ) {
    previous = v;
    v = v.replace(LEGAL_SUFFIX, '').replace(/[,.]$/, '').trim();
  }
  return v;
}

/** The comparison keys of a CI's identifiers; null members hold nothing. */
export interface IdentifierKeys {
  /** `<family>:<SERIAL>`. */
  serialKey: string | null;
  /** The normalised manufacturer ('' when unknown) beside a serial key; null without one. */
  serialMaker: string | null;
  /** `<family>:<TAG>`. */
  assetTagKey: string | null;
}

/** The fields a CI's identifier keys are computed from. */
export interface IdentifierFields {
  type: string;
  serial: string | null;
  manufacturer: string | null;
  assetTag: string | null;
}

/** The family (category) of a CI type; identifiers are unique within it. */
export function familyOf(type: string): CiCategory | undefined {
  return categoryOf(type);
}

/** The comparison keys of a CI; all null for an unknown type. */
export function identifierKeys(ci: IdentifierFields): IdentifierKeys {
  const family = familyOf(ci.type);
  const serial = family === undefined ? null : normaliseIdentifier(ci.serial);
  const tag = family === undefined ? null : normaliseIdentifier(ci.assetTag);
  return {
    serialKey: serial === null ? null : `${family}:${serial}`,
    serialMaker: serial === null ? null : normaliseManufacturer(ci.manufacturer),
    assetTagKey: tag === null ? null : `${family}:${tag}`,
  };
}

/** Whether two serial holders clash: the same key, unless both manufacturers are known and differ. */
export function serialsClash(
  a: Pick<IdentifierKeys, 'serialKey' | 'serialMaker'>,
  b: Pick<IdentifierKeys, 'serialKey' | 'serialMaker'>,
): boolean {
  if (a.serialKey === null || a.serialKey !== b.serialKey) return false;
  return a.serialMaker === '' || b.serialMaker === '' || a.serialMaker === b.serialMaker;
}

/** A CI that holds an identifier, as a clash names it. */
export interface IdentifierHolder {
  id: string;
  type: string;
  name: string;
  serial: string | null;
  manufacturer: string | null;
  assetTag: string | null;
}

/** One identifier a CI cannot have because another CI holds it. */
export interface IdentifierClash {
  field: 'serial' | 'assetTag';
  value: string;
  holder: IdentifierHolder;
}

/** A human sentence naming a clash: `serial "ABC" is already the serial of physical_server "db-01" (id)`. */
export function describeClash(clash: IdentifierClash, holderLabel?: string): string {
  const what = clash.field === 'serial' ? 'serial number' : 'asset tag';
  const family = familyOf(clash.holder.type);
  const maker = clash.field === 'serial' && clash.holder.manufacturer ? ` from ${clash.holder.manufacturer}` : '';
  const holder = holderLabel ?? `${clash.holder.type} "${clash.holder.name}" (${clash.holder.id})`;
  return `${what} "${clash.value}" is already the ${what}${maker} of ${holder}; ${what}s are unique among ${family} CIs`;
}

/**
 * The clashes of `ci` (its keys `keys`) with `holders`, the CIs of its family that have the same keys (itself
 * excluded by the caller). Only identifiers in `checked` are looked at.
 */
export function clashesOf(
  ci: IdentifierFields,
  keys: IdentifierKeys,
  holders: Array<IdentifierHolder & IdentifierKeys>,
  checked: ReadonlySet<'serial' | 'assetTag'>,
): IdentifierClash[] {
  const out: IdentifierClash[] = [];
  const serialHolder = checked.has('serial') ? holders.find((h) => serialsClash(keys, h)) : undefined;
  if (serialHolder && ci.serial !== null) out.push({ field: 'serial', value: ci.serial.trim(), holder: serialHolder });
  const tagHolder =
    checked.has('assetTag') && keys.assetTagKey !== null ? holders.find((h) => h.assetTagKey === keys.assetTagKey) : undefined;
  if (tagHolder && ci.assetTag !== null) out.push({ field: 'assetTag', value: ci.assetTag.trim(), holder: tagHolder });
  return out;
}
