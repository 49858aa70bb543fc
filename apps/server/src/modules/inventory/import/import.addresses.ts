import type { Ci, ImportFieldError, ImportRowReport } from '@estate/contract';
import type { TObject } from 'typebox';
import type { ObservedFields } from '../ci.service';
import type { PresetRow } from './import.presets';
import type { PlannedRow } from './import.validate';

/** A CI an address row may name, with its type's attribute schema. */
export interface AddressCandidate {
  ci: Ci;
  schema: TObject | undefined;
}

/**
 * Plans an address export (NetBox IP addresses): each row's address is added to the CI its device column names
 * (found by exact name among hardware CIs). Hosts collect addresses in `ipAddresses`; network and power equipment
 * keeps one `managementIp`, so a second address of such a CI is left out with a note, as is an address the CI has.
 * Rows of one CI write once (on its first row that adds an address) and report `update` when they add one. A row
 * without a device is skipped; a device that names no CI, or several, is an error. Pure over `candidates`.
 */
export function planAddressRows(rows: PresetRow[], candidates: AddressCandidate[]): PlannedRow[] {
  const byName = new Map<string, AddressCandidate[]>();
  for (const c of candidates) byName.set(c.ci.name, [...(byName.get(c.ci.name) ?? []), c]);
  /** Per CI: the addresses it will have, and the planned row that writes them. */
  const writes = new Map<string, { addresses: string[]; managementIp: string | null; planned: PlannedRow & { kind: 'update' } }>();

  return rows.map((row): PlannedRow => {
    const errors: ImportFieldError[] = [...row.errors];
    const notes: string[] = [];
    const report = (action: ImportRowReport['action']): ImportRowReport => ({
      row: row.row,
      naturalKey: row.device ?? null,
      action,
      errors,
      ...(notes.length > 0 ? { notes } : {}),
    });
    if (row.device === undefined) {
      if (errors.length > 0) return { report: report('error'), kind: 'error' };
      notes.push('skipped: the address is assigned to no device');
      return { report: report('unchanged'), kind: 'unchanged' };
    }
    const found = byName.get(row.device) ?? [];
    if (found.length !== 1)
      errors.push({
        field: 'device',
        message:
          found.length === 0
            ? `no device, server or other hardware item is named "${row.device}"; import the devices first`
            : `"${row.device}" names ${found.length} items (${found.map((f) => f.ci.type).join(', ')}); rename one of them`,
      });
    const target = found[0];
    if (errors.length > 0 || !target) return { report: report('error'), kind: 'error' };
    const props = (target.schema?.properties ?? {}) as Record<string, unknown>;
    const had = Array.isArray(target.ci.attributes.ipAddresses) ? (target.ci.attributes.ipAddresses as string[]) : [];
    const state = writes.get(target.ci.id) ?? {
      addresses: [...had],
      managementIp: typeof target.ci.attributes.managementIp === 'string' ? target.ci.attributes.managementIp : null,
      planned: undefined as unknown as PlannedRow & { kind: 'update' },
    };
    let added = false;
    for (const ip of row.ips) {
      if (props.ipAddresses) {
        if (state.addresses.includes(ip)) notes.push(`${ip} is already an address of ${row.device}`);
        else {
          state.addresses.push(ip);
          added = true;
        }
      } else if (props.managementIp) {
        if (state.managementIp === ip) notes.push(`${ip} is already the management address of ${row.device}`);
        else if (state.managementIp !== null)
          notes.push(`${ip} left out: a ${target.ci.type} keeps one management address (${state.managementIp})`);
        else {
          state.managementIp = ip;
          added = true;
        }
      } else notes.push(`${ip} left out: a ${target.ci.type} has no IP address`);
    }
    if (!added) return { report: report('unchanged'), kind: 'unchanged' };
    const attributes = props.ipAddresses ? { ipAddresses: state.addresses } : { managementIp: state.managementIp };
    if (state.planned === undefined) {
      state.planned = {
        report: report('update'),
        kind: 'update',
        ciId: target.ci.id,
        observed: { attributes } as ObservedFields,
        chain: [],
      };
      writes.set(target.ci.id, state);
      return state.planned;
    }
    // The CI's first row writes every address its rows add.
    state.planned.observed = { attributes } as ObservedFields;
    return { report: report('update'), kind: 'unchanged' };
  });
}
