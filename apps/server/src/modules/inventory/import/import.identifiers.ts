import type { ImportFieldError } from '@estate/contract';
import {
  clashesOf,
  describeClash,
  familyOf,
  type IdentifierFields,
  type IdentifierHolder,
  type IdentifierKeys,
  identifierKeys,
  serialsClash,
} from '../ci-identifiers';

/** A row that claimed an identifier earlier in the file. */
interface Claim {
  row: number;
  keys: IdentifierKeys;
}

/**
 * Serial numbers and asset tags across an import (see ci-identifiers.ts): a row may not give a CI a serial or asset
 * tag that another CI of its family holds, nor one an earlier row of the file gives another CI. Pure over the
 * holders it is given.
 */
export class IdentifierLedger {
  private readonly bySerial = new Map<string, Array<IdentifierHolder & IdentifierKeys>>();
  private readonly byTag = new Map<string, Array<IdentifierHolder & IdentifierKeys>>();
  private readonly serialClaims = new Map<string, Claim[]>();
  private readonly tagClaims = new Map<string, Claim>();

  constructor(holders: ReadonlyArray<IdentifierHolder & IdentifierKeys>) {
    for (const h of holders) {
      if (h.serialKey !== null) this.bySerial.set(h.serialKey, [...(this.bySerial.get(h.serialKey) ?? []), h]);
      if (h.assetTagKey !== null) this.byTag.set(h.assetTagKey, [...(this.byTag.get(h.assetTagKey) ?? []), h]);
    }
  }

  /**
   * The errors of row `row` giving CI `ciId` (undefined for a new CI) the identifiers of `after`, where `before` is
   * the CI as stored (identifiers it already has are not checked again). Claims the identifiers for later rows.
   */
  check(row: number, after: IdentifierFields, before?: IdentifierFields & { id: string }): ImportFieldError[] {
    const keys = identifierKeys(after);
    const old = before ? identifierKeys(before) : undefined;
    const checked = new Set<'serial' | 'assetTag'>();
    if (keys.serialKey !== null && (old?.serialKey !== keys.serialKey || old.serialMaker !== keys.serialMaker)) checked.add('serial');
    if (keys.assetTagKey !== null && old?.assetTagKey !== keys.assetTagKey) checked.add('assetTag');
    if (checked.size === 0) return [];
    const holders = [
      ...(keys.serialKey === null ? [] : (this.bySerial.get(keys.serialKey) ?? [])),
      ...(keys.assetTagKey === null ? [] : (this.byTag.get(keys.assetTagKey) ?? [])),
    ].filter((h) => h.id !== before?.id);
    const errors: ImportFieldError[] = clashesOf(after, keys, holders, checked).map((c) => ({ field: c.field, message: describeClash(c) }));
    const family = familyOf(after.type);
    if (checked.has('serial') && !errors.some((e) => e.field === 'serial')) {
      const claims = this.serialClaims.get(keys.serialKey as string) ?? [];
      const earlier = claims.find((c) => serialsClash(keys, c.keys));
      if (earlier) {
        errors.push({
          field: 'serial',
          message: `serial number "${after.serial?.trim()}" is also in row ${earlier.row}; serial numbers are unique among ${family} CIs`,
        });
      } else this.serialClaims.set(keys.serialKey as string, [...claims, { row, keys }]);
    }
    if (checked.has('assetTag') && !errors.some((e) => e.field === 'assetTag')) {
      const earlier = this.tagClaims.get(keys.assetTagKey as string);
      if (earlier) {
        errors.push({
          field: 'assetTag',
          message: `asset tag "${after.assetTag?.trim()}" is also in row ${earlier.row}; asset tags are unique among ${family} CIs`,
        });
      } else this.tagClaims.set(keys.assetTagKey as string, { row, keys });
    }
    return errors;
  }
}
