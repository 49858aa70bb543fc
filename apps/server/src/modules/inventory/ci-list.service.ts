import { CI_SORTS, type Ci, CRITICALITIES, ENVIRONMENTS, LIFECYCLE_STATUSES } from '@estate/contract';
import type { Dialect } from '../../platform/db/database';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../../platform/http/pagination';
import { problems } from '../../platform/http/problem';
import { type CiDocumentRow, ciDocument, toCi } from './ci.mapper';
import { readTags } from './ci.repository';
import type { CiFilter, CiListRepository, CiListRow, CiSort } from './ci-list.repository';

/** The query parameters that name a filter condition (besides `attr.<key>` and `cf.<key>`). */
const FILTER_PARAMS = ['type', 'status', 'environment', 'criticality', 'ownerTeamId', 'locationId', 'tag', 'q'] as const;
/** Attribute and custom field keys a filter may name. */
const JSON_KEY = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
const ID = /^[0-9a-f-]{36}$/;
const MAX_TERMS = 16;
const MAX_JSON_FILTERS = 20;

const SORTS: Record<(typeof CI_SORTS)[number], CiSort> = {
  name: { column: 'name', direction: 'asc' },
  '-name': { column: 'name', direction: 'desc' },
  updatedAt: { column: 'updated_at', direction: 'asc' },
  '-updatedAt': { column: 'updated_at', direction: 'desc' },
  createdAt: { column: 'created_at', direction: 'asc' },
  '-createdAt': { column: 'created_at', direction: 'desc' },
};

/** A parsed list request: what to match, in which order, from where. */
export interface CiListRequest {
  filter: CiFilter;
  sort: (typeof CI_SORTS)[number];
  limit: number;
  cursor?: string | undefined;
}

/**
 * Parses list parameters (as the query string or a saved view or bulk filter carries them) into a filter.
 * `extra` names further parameters the caller handles itself (`limit`, `cursor`, `sort`, `format`); any other name
 * is a 400, as is a malformed value. Values must be strings, except for the caller's own parameters.
 */
export function parseCiFilter(params: Record<string, unknown>, extra: readonly string[] = []): CiFilter {
  const filter: CiFilter = {};
  const errors: Array<{ path: string; message: string }> = [];
  const fail = (path: string, message: string) => errors.push({ path, message });
  for (const [name, raw] of Object.entries(params)) {
    if (extra.includes(name) || raw === undefined) continue;
    if (typeof raw !== 'string') {
      fail(name, 'must be given once, as a string');
      continue;
    }
    const json = /^(attr|cf)\.(.*)$/.exec(name);
    if (json) {
      const key = json[2] as string;
      if (!JSON_KEY.test(key)) fail(name, 'the key may hold only letters, digits, "_" and "-" (at most 64)');
      else if (raw.length > 200) fail(name, 'must be at most 200 characters');
      else {
        const field = json[1] === 'attr' ? 'attributes' : 'customFields';
        filter[field] = [...(filter[field] ?? []), [key, raw]];
      }
      continue;
    }
    if (!(FILTER_PARAMS as readonly string[]).includes(name)) {
      fail(name, 'is not a filter of this list');
      continue;
    }
    parseParam(filter, name as (typeof FILTER_PARAMS)[number], raw, fail);
  }
  if ((filter.attributes?.length ?? 0) + (filter.customFields?.length ?? 0) > MAX_JSON_FILTERS) {
    fail('attr', `at most ${MAX_JSON_FILTERS} attribute and custom field filters`);
  }
  if (errors.length > 0) throw problems.validation('The list filter is not valid.', errors);
  return filter;
}

function parseParam(filter: CiFilter, name: (typeof FILTER_PARAMS)[number], raw: string, fail: (p: string, m: string) => void): void {
  const oneOf = (allowed: readonly string[]) => {
    if (!allowed.includes(raw)) fail(name, `must be one of ${allowed.join(', ')}`);
    return raw;
  };
  switch (name) {
    case 'type': {
      const types = splitList(raw);
      if (types.length === 0 || types.some((t) => !/^[a-z][a-z0-9_]{0,63}$/.test(t))) fail(name, 'must be CI type ids, comma-separated');
      filter.types = types;
      return;
    }
    case 'status': {
      const statuses = splitList(raw);
      const bad = statuses.filter((s) => !(LIFECYCLE_STATUSES as readonly string[]).includes(s));
      if (statuses.length === 0 || bad.length > 0) fail(name, `must be statuses among ${LIFECYCLE_STATUSES.join(', ')}, comma-separated`);
      filter.statuses = statuses;
      return;
    }
    case 'environment':
      filter.environment = oneOf(ENVIRONMENTS);
      return;
    case 'criticality':
      filter.criticality = oneOf(CRITICALITIES);
      return;
    case 'ownerTeamId':
    case 'locationId':
      if (!ID.test(raw)) fail(name, 'must be a CI id');
      filter[name] = raw;
      return;
    case 'tag':
      if (raw.length === 0 || raw.length > 64) fail(name, 'must be 1 to 64 characters');
      filter.tag = raw;
      return;
    case 'q': {
      const terms = searchTerms(raw);
      if (terms.length > MAX_TERMS) fail(name, `at most ${MAX_TERMS} search terms`);
      // A query with no letters or digits matches on nothing searchable: it does not narrow the list.
      if (terms.length > 0) filter.search = terms;
      return;
    }
  }
}

function splitList(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * Splits a search into terms (by white space) and each term into its words (runs of letters and digits), as both
 * engines' indexes split the stored text. Punctuation inside a term joins its words into a phrase, so `10.0.0.5`
 * finds that address and `web-0` finds `web-01`. Everything else — quotes, operators, column filters — is dropped.
 */
export function searchTerms(q: string): string[][] {
  return q
    .toLowerCase()
    .split(/\s+/)
    .map((term) => term.split(/[^\p{L}\p{N}]+/u).filter(Boolean))
    .filter((words) => words.length > 0);
}

/** The sort key a cursor carries, as written by {@link CiListService.list}: `[sort, value, id]`. */
function decodeListCursor(cursor: string, sort: (typeof CI_SORTS)[number]): { value: string | number; id: string } {
  const [cursorSort, value, id] = decodeCursor(cursor, 3);
  const valueType = SORTS[sort].column === 'name' ? 'string' : 'number';
  if (cursorSort !== sort || typeof value !== valueType || typeof id !== 'string') throw new InvalidCursorError();
  return { value: value as string | number, id };
}

/** Reads CIs in bulk: filtered, searched, sorted keyset pages, and the whole filtered list for exports. */
export class CiListService {
  constructor(
    private readonly repository: CiListRepository,
    private readonly dialect: Dialect,
  ) {}

  /**
   * One page of CIs and the cursor of the next, as the JSON text of a `Page(Ci)` (each CI as `ciDocument` writes
   * it). One statement (the rows with their tags), whatever the page size; never counts.
   */
  async listDocument(request: CiListRequest): Promise<string> {
    const sort = SORTS[request.sort];
    const after = request.cursor ? decodeListCursor(request.cursor, request.sort) : undefined;
    const rows = await this.repository.documentPage(request.filter, sort, request.limit + 1, after);
    const count = Math.min(rows.length, request.limit);
    let items = '';
    for (let i = 0; i < count; i++) items += (i === 0 ? '' : ',') + ciDocument(rows[i] as CiDocumentRow, this.dialect);
    const last = rows[count - 1];
    const nextCursor =
      rows.length > request.limit && last ? JSON.stringify(encodeCursor([request.sort, this.sortValue(last, sort), last.id])) : 'null';
    return `{"items":[${items}],"nextCursor":${nextCursor}}`;
  }

  /** Every CI matching the filter, in sort order, read page by page (`pageSize` rows per pair of statements). */
  async *all(filter: CiFilter, sortName: (typeof CI_SORTS)[number], pageSize = 500): AsyncGenerator<Ci[]> {
    const sort = SORTS[sortName];
    let after: { value: string | number; id: string } | undefined;
    for (;;) {
      const rows = await this.repository.page(filter, sort, pageSize, after);
      if (rows.length === 0) return;
      yield await this.present(rows);
      if (rows.length < pageSize) return;
      const last = rows.at(-1) as CiListRow;
      after = { value: this.sortValue(last, sort), id: last.id };
    }
  }

  /** The attribute and custom field keys present over the filtered CIs: the export's flattened columns. */
  async columnsOf(filter: CiFilter): Promise<{ attributes: string[]; customFields: string[] }> {
    const [attributes, customFields] = await Promise.all([
      this.repository.keysPresent(filter, 'attributes'),
      this.repository.keysPresent(filter, 'custom_fields'),
    ]);
    return { attributes, customFields };
  }

  private async present(rows: CiListRow[]): Promise<Ci[]> {
    return rows.map((row) => toCi(row, readTags(row.tags, this.dialect), this.dialect));
  }

  private sortValue(row: Pick<CiListRow, 'name' | 'updated_at' | 'created_at'>, sort: CiSort): string | number {
    return sort.column === 'name' ? row.name : Number(row[sort.column]);
  }
}

/** The default order of CI lists. */
export const DEFAULT_CI_SORT: (typeof CI_SORTS)[number] = 'name';

/** Checks a `sort` value from an untyped source (a saved view). */
export function isCiSort(value: unknown): value is (typeof CI_SORTS)[number] {
  return typeof value === 'string' && (CI_SORTS as readonly string[]).includes(value);
}
