import { Readable } from 'node:stream';
import { Ci, CiExportQuery, CiListQuery, Page, Problem } from '@estate/contract';
import type { HttpServer } from '../../platform/http/http-server';
import { sendJsonText } from '../../platform/http/json-body';
import { problems } from '../../platform/http/problem';
import { COMMON_COLUMNS, type CommonField } from './ci.mapper';
import { CiListRepository } from './ci-list.repository';
import { CiListService, DEFAULT_CI_SORT, isCiSort, parseCiFilter } from './ci-list.service';
import type { InventoryDeps } from './inventory-deps';

/** The typed columns of a CSV export, in order, before the flattened `attr.*` and `cf.*` columns. */
const CSV_COLUMNS = [
  'id',
  'type',
  ...(Object.keys(COMMON_COLUMNS) as CommonField[]),
  'tags',
  'firstSeen',
  'lastSeen',
  'createdAt',
  'updatedAt',
  'version',
] as const satisfies ReadonlyArray<keyof Ci>;

/** GET /api/v1/cis (filtered, searched, sorted keyset pages) and GET /api/v1/cis/export (CSV or JSON, streamed). */
export function registerCiListRoutes(app: HttpServer, deps: InventoryDeps): void {
  const ciList = new CiListService(new CiListRepository(deps.db, deps.dialect), deps.dialect);

  app.get(
    '/api/v1/cis',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['inventory'],
        summary: 'List CIs: filters (also attr.<key>= and cf.<key>=), full-text q, sort, keyset pages',
        querystring: CiListQuery,
        response: { 200: Page(Ci), 400: Problem },
      },
    },
    async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const filter = parseCiFilter(query, ['limit', 'cursor', 'sort']);
      const page = await ciList.listDocument({
        filter,
        sort: request.query.sort ?? DEFAULT_CI_SORT,
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      });
      // Written as built from the stored JSON text, not parsed and serialised again (see ciDocument).
      return sendJsonText(reply, page);
    },
  );

  app.get(
    '/api/v1/cis/export',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['inventory'],
        summary: 'Export every CI matching the list filters as CSV (flattened attr.* and cf.* columns) or a JSON array',
        description: 'Streams `text/csv` (a header row, then one row per CI) or `application/json` (an array) as an attachment.',
        querystring: CiExportQuery,
      },
    },
    async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const filter = parseCiFilter(query, ['format', 'sort']);
      const sort = query.sort ?? DEFAULT_CI_SORT;
      if (!isCiSort(sort)) throw problems.validation('The sort is not valid.', [{ path: 'sort', message: 'unknown sort' }]);
      const format = request.query.format ?? 'csv';
      const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
      reply.header('content-disposition', `attachment; filename="cis-${stamp}.${format}"`);
      reply.header('cache-control', 'no-store');
      const pages = ciList.all(filter, sort);
      if (format === 'json') {
        reply.type('application/json; charset=utf-8');
        return reply.send(Readable.from(jsonArray(pages)));
      }
      const columns = await ciList.columnsOf(filter);
      reply.type('text/csv; charset=utf-8');
      return reply.send(Readable.from(csvDocument(pages, columns)));
    },
  );
}

async function* jsonArray(pages: AsyncIterable<Ci[]>): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const page of pages) {
    const body = page.map((ci) => JSON.stringify(ci)).join(',\n');
    yield first ? `\n${body}` : `,\n${body}`;
    first = false;
  }
  yield '\n]\n';
}

async function* csvDocument(pages: AsyncIterable<Ci[]>, columns: { attributes: string[]; customFields: string[] }): AsyncGenerator<string> {
  const header = [...CSV_COLUMNS, ...columns.attributes.map((k) => `attr.${k}`), ...columns.customFields.map((k) => `cf.${k}`)];
  yield `${header.map(csvCell).join(',')}\r\n`;
  for await (const page of pages) {
    let chunk = '';
    for (const ci of page) {
      const cells: unknown[] = CSV_COLUMNS.map((c) => (c === 'tags' ? ci.tags.join(',') : ci[c]));
      for (const k of columns.attributes) cells.push(ci.attributes[k]);
      for (const k of columns.customFields) cells.push(ci.customFields[k]);
      chunk += `${cells.map(csvCell).join(',')}\r\n`;
    }
    yield chunk;
  }
}

/**
 * One RFC 4180 cell: quoted when it holds a comma, quote or line break, quotes doubled. Objects and arrays are
 * written as JSON. Text a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) is
 * prefixed with `'` (OWASP's CSV injection advice), since exported values may come from discovered hosts.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'string') text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
