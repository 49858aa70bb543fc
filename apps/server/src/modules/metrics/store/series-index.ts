/*
 * The embedded store's series index in memory: every series' labels and canonical text by id, and postings (label
 * name → value → the ids of the series with that pair, ascending), after Prometheus' head index. Label matchers are
 * answered from it without touching the database: the postings of the matchers that need their label present are
 * intersected, smallest first, and the other matchers are tested once per distinct value of their label among the
 * candidates. It holds no I/O; live-series-index.ts loads it and keeps it in step with the database.
 */
import type { CompiledMatcher } from './label-matchers';
import { MetricQueryError } from './metric-store';

/** A series the index holds: its id, its labels (`__name__` included, no empty value) and its canonical text. */
export interface IndexedSeries {
  readonly id: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly key: string;
}

/** Characters that make a regular expression more than a list of literal alternatives. */
const REGEX_SYNTAX = /[.*+?^${}()[\]\\]/;

/** Inserts `id` into ascending `ids` (appending, the usual case, when it is the largest); no-op when present. */
function insertSorted(ids: number[], id: number): void {
  const last = ids.length - 1;
  if (last < 0 || (ids[last] as number) < id) {
    ids.push(id);
    return;
  }
  const at = lowerBound(ids, id);
  if (ids[at] !== id) ids.splice(at, 0, id);
}

/** The first index of `ids` (ascending) whose id is ≥ `id`, searching from `from`. */
function lowerBound(ids: readonly number[], id: number, from = 0): number {
  let low = from;
  let high = ids.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((ids[mid] as number) < id) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The ids in every list (each ascending), ascending: the shortest list walked, the others searched. */
function intersect(lists: ReadonlyArray<readonly number[]>): readonly number[] {
  const sorted = [...lists].sort((a, b) => a.length - b.length);
  let out = sorted[0] as readonly number[];
  for (let k = 1; k < sorted.length && out.length > 0; k++) {
    const other = sorted[k] as readonly number[];
    const kept: number[] = [];
    let from = 0;
    for (const id of out) {
      from = lowerBound(other, id, from);
      if (from === other.length) break;
      if (other[from] === id) kept.push(id);
    }
    out = kept;
  }
  return out;
}

/** The union of ascending lists, ascending. */
function union(lists: ReadonlyArray<readonly number[]>): readonly number[] {
  if (lists.length === 1) return lists[0] as readonly number[];
  let total = 0;
  for (const l of lists) total += l.length;
  const all = new Float64Array(total);
  let n = 0;
  for (const l of lists) for (const id of l) all[n++] = id;
  all.sort();
  const out: number[] = [];
  for (let i = 0; i < total; i++) if (i === 0 || all[i] !== all[i - 1]) out.push(all[i] as number);
  return out;
}

/** Series by id with postings per label pair. Not safe against concurrent mutation during `select` (it is synchronous). */
export class SeriesIndex {
  private readonly series = new Map<number, IndexedSeries>();
  private readonly postings = new Map<string, Map<string, number[]>>();
  private highest = 0;

  /** Series held. */
  get size(): number {
    return this.series.size;
  }

  /** The largest id ever added (not lowered by removals); 0 when none was. */
  get maxId(): number {
    return this.highest;
  }

  has(id: number): boolean {
    return this.series.has(id);
  }

  /**
   * Adds a series (a no-op when its id is held). Its labels are copied without empty values (an empty label is an
   * absent one, and is not stored) and frozen. `key` is its canonical text (canonicalSeries of the labels).
   */
  add(id: number, labels: Readonly<Record<string, string>>, key: string): void {
    if (this.series.has(id)) return;
    const copy: Record<string, string> = {};
    for (const name in labels) {
      const value = labels[name] as string;
      // Defined, not assigned: `__proto__` is a valid label name, and assigning it would set the object's prototype.
      if (value !== '') Object.defineProperty(copy, name, { value, enumerable: true, writable: true, configurable: true });
    }
    const own = Object.freeze(copy);
    this.series.set(id, { id, labels: own, key });
    if (id > this.highest) this.highest = id;
    for (const name in own) {
      const value = own[name] as string;
      let values = this.postings.get(name);
      if (!values) {
        values = new Map();
        this.postings.set(name, values);
      }
      const ids = values.get(value);
      if (ids) insertSorted(ids, id);
      else values.set(value, [id]);
    }
  }

  /** Removes a series; no-op when it is not held. */
  remove(id: number): void {
    const s = this.series.get(id);
    if (!s) return;
    this.series.delete(id);
    for (const name in s.labels) {
      const values = this.postings.get(name) as Map<string, number[]>;
      const value = s.labels[name] as string;
      const ids = values.get(value) as number[];
      const at = lowerBound(ids, id);
      if (ids[at] === id) ids.splice(at, 1);
      if (ids.length === 0) {
        values.delete(value);
        if (values.size === 0) this.postings.delete(name);
      }
    }
  }

  /**
   * The series matching every matcher (an absent label tested as ""), sorted by canonical text. Refuses matchers that
   * all match the empty string, as the database path does: they would select every series.
   */
  select(matchers: readonly CompiledMatcher[]): IndexedSeries[] {
    const narrowing = matchers.filter((m) => !m.matchesEmpty);
    if (narrowing.length === 0) throw new MetricQueryError('at least one matcher must not match the empty string');
    const lists: Array<readonly number[]> = [];
    for (const m of narrowing) {
      const ids = this.postingsOf(m);
      if (ids.length === 0) return [];
      lists.push(ids);
    }
    const candidates = intersect(lists);
    const out: IndexedSeries[] = [];
    // The matchers that an absent label passes: tested once per distinct value among the candidates.
    const filters = matchers.filter((m) => m.matchesEmpty).map((m) => ({ m, seen: new Map<string, boolean>() }));
    for (const id of candidates) {
      const s = this.series.get(id) as IndexedSeries;
      let ok = true;
      for (const { m, seen } of filters) {
        const value = s.labels[m.name] ?? '';
        let pass = seen.get(value);
        if (pass === undefined) {
          pass = m.test(value);
          seen.set(value, pass);
        }
        if (!pass) {
          ok = false;
          break;
        }
      }
      if (ok) out.push(s);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** The ids of the series whose label passes a matcher the empty string fails (so the label is present). */
  private postingsOf(m: CompiledMatcher): readonly number[] {
    const values = this.postings.get(m.name);
    if (!values) return [];
    if (m.op === '=') return values.get(m.value) ?? [];
    // A list of literal alternatives (`a|b|c`) is looked up, not tested against every value.
    if (m.op === '=~' && !REGEX_SYNTAX.test(m.value)) {
      const found = m.value
        .split('|')
        .map((v) => values.get(v))
        .filter((ids): ids is number[] => ids !== undefined);
      return found.length === 0 ? [] : union(found);
    }
    const found: number[][] = [];
    for (const [value, ids] of values) if (m.test(value)) found.push(ids);
    return found.length === 0 ? [] : union(found);
  }

  /** Every label name held, sorted. */
  labelNames(): string[] {
    return [...this.postings.keys()].sort();
  }

  /** Every value of one label held, sorted. */
  labelValues(name: string): string[] {
    return [...(this.postings.get(name)?.keys() ?? [])].sort();
  }
}
