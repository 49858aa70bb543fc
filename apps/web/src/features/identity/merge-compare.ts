import type { Ci } from '@estate/contract';

/** Fields a merge review compares, in display order (attributes and custom fields follow, by key). */
const COMMON: ReadonlyArray<keyof Ci> = [
  'name',
  'type',
  'status',
  'serial',
  'assetTag',
  'manufacturer',
  'model',
  'environment',
  'criticality',
  'ownerTeamId',
  'locationId',
  'purchaseDate',
  'warrantyEnd',
  'endOfLife',
  'monthlyCost',
  'tags',
];

/** One row of a side-by-side comparison: a field and both CIs' values (null when empty). */
export interface ComparedField {
  /** The field as history names it: `serial`, `attributes.cpuCores`, `customFields.costCentre`. */
  field: string;
  left: unknown;
  right: unknown;
  /** Both have a value and the values differ: a merge keeps the kept CI's. */
  differs: boolean;
  /** Only one has a value: a merge into the empty side fills it. */
  fillable: boolean;
}

const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Compares two CIs field by field: common fields, then every attribute and custom field either of them has. */
export function compareCis(left: Ci, right: Ci): ComparedField[] {
  const rows: ComparedField[] = [];
  const push = (field: string, l: unknown, r: unknown) => {
    if (empty(l) && empty(r)) return;
    rows.push({
      field,
      left: empty(l) ? null : l,
      right: empty(r) ? null : r,
      differs: !empty(l) && !empty(r) && !same(l, r),
      fillable: empty(l) !== empty(r),
    });
  };
  for (const f of COMMON) push(f, left[f], right[f]);
  for (const [prefix, a, b] of [
    ['attributes', left.attributes, right.attributes],
    ['customFields', left.customFields, right.customFields],
  ] as const) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) push(`${prefix}.${key}`, a[key], b[key]);
  }
  return rows;
}
