import { createHash, type Hash } from 'node:crypto';
import { canonicalJson } from '../audit/canonical-json';
import type { ColumnSpec, FileValue, TableChecksum } from './backup-format';

/**
 * SHA-256 over a table's rows, fed in primary-key order, with values normalised so that both engines agree on equal
 * data: columns are taken in name order (physical order may differ between engines), integers and floats compare as
 * numbers, booleans as 0/1, and text that parses as a JSON object, array or string is compared by its canonical JSON
 * (PostgreSQL's jsonb reorders keys and drops whitespace; SQLite keeps the text as written). The first line hashed
 * is the sorted column list, so a table with other columns never matches.
 */
export class TableHasher {
  private readonly hash: Hash = createHash('sha256');
  private readonly order: number[];
  private count = 0;

  constructor(columns: readonly ColumnSpec[]) {
    this.order = columns.map((_, i) => i).sort((a, b) => compareText(columns[a]!.name, columns[b]!.name));
    this.hash.update(JSON.stringify(this.order.map((i) => columns[i]!.name)));
    this.hash.update('\n');
  }

  /** Adds one row, values in the column order given to the constructor. */
  add(values: readonly FileValue[]): void {
    this.hash.update(JSON.stringify(this.order.map((i) => normaliseValue(values[i] ?? null))));
    this.hash.update('\n');
    this.count++;
  }

  /** The rows added so far. */
  get rows(): number {
    return this.count;
  }

  /** Finishes the hash; call once. */
  digest(): TableChecksum {
    return { rows: this.count, sha256: this.hash.digest('hex') };
  }
}

/** A value reduced to what must be equal on both engines, tagged by family so `1` and `'1'` stay different. */
export function normaliseValue(v: FileValue): string | null {
  if (v === null) return null;
  switch (typeof v) {
    case 'number':
      return `n:${String(v)}`;
    case 'boolean':
      return v ? 'n:1' : 'n:0';
    case 'string':
      return normaliseText(v);
  }
  if ('i' in v) return `n:${v.i}`;
  if ('f' in v) return `n:${v.f}`;
  return `b:${v.b64}`;
}

function normaliseText(s: string): string {
  const first = s.charCodeAt(0);
  // Only `{`, `[` and `"` can start a JSON value whose text jsonb rewrites; numbers and literals are left as written.
  if (first === 0x7b || first === 0x5b || first === 0x22) {
    try {
      return `j:${canonicalJson(JSON.parse(s))}`;
    } catch {
      // Not JSON after all: plain text, compared as is.
    }
  }
  return `s:${s}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
