import {
  type CreateImportRequest,
  IMPORT_MAX_CONTENT,
  type ImportCounts,
  type ImportFieldError,
  type ImportRowReport,
  type ImportRun,
  type ImportSummary,
} from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext } from '../../../platform/audit/audit-log';
import { withTransaction } from '../../../platform/db/transaction';
import { publishEvent } from '../../../platform/events';
import { decodeCursor, toPage } from '../../../platform/http/pagination';
import { problems } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import { enqueue } from '../../../platform/jobs';
import { plural } from '../../../platform/plural';
import { ciType } from '../ci-types';
import type { InventoryDeps } from '../inventory-deps';
import { applyBatch } from './import.apply';
import type { ChainStep } from './import.locations';
import { ImportFileError } from './import.mapping';
import { ImportPlanner } from './import.planner';
import { presetWithOverrides } from './import.presets';
import { ImportRepository, type ImportsTable, type ImportTables } from './import.repository';
import type { PlannedRow } from './import.validate';

/** The job queue imports run on. */
export const IMPORT_QUEUE = 'inventory.import';
/** Rows written per transaction: a batch is all-or-nothing, earlier batches stay when a later one fails. */
export const IMPORT_BATCH = 1000;
/** The most row reports an import keeps (rows with errors first). */
export const IMPORT_REPORT_ROWS = 1000;

/** What an import keeps as its report (JSON in `imports.report`). */
interface StoredReport {
  counts: ImportCounts;
  fileErrors: ImportFieldError[];
  rows: ImportRowReport[];
  rowsTruncated: boolean;
  appliedRows: number;
  failure: string | null;
  locationsCreated?: ImportRun['locationsCreated'];
}

/** What a run needs besides the file, kept in `imports.context`: who started it, how the file was sent, its preset. */
interface StoredContext extends ActionContext {
  encoding: 'text' | 'base64';
  preset?: string;
  valueMaps?: Record<string, Record<string, string>>;
}

/** The sites, rooms and racks a plan creates, once each, parents first. */
function locationsOf(plan: PlannedRow[]): ImportRun['locationsCreated'] {
  const seen = new Map<string, ChainStep>();
  for (const p of plan) if ('chain' in p) for (const step of p.chain) seen.set(step.ref, step);
  return [...seen.values()].map((s) => ({ type: s.type, name: s.name, parent: s.parentName }));
}

const EMPTY_COUNTS: ImportCounts = { created: 0, updated: 0, unchanged: 0, errors: 0 };

function boundedRows(rows: ImportRowReport[]): { rows: ImportRowReport[]; rowsTruncated: boolean } {
  if (rows.length <= IMPORT_REPORT_ROWS) return { rows, rowsTruncated: false };
  const errors = rows.filter((r) => r.action === 'error').slice(0, IMPORT_REPORT_ROWS);
  const rest = rows.filter((r) => r.action !== 'error').slice(0, IMPORT_REPORT_ROWS - errors.length);
  return { rows: [...errors, ...rest].sort((a, b) => a.row - b.row), rowsTruncated: true };
}

/**
 * CMDB imports, of a file mapped by hand or read through a preset (another tool's export; see import.presets.ts).
 * `start` stores the file and enqueues a job; `run` (the job) validates every row first, then — unless
 * it is a dry run or any row has an error, in which case nothing is written — applies the rows in batches of
 * {@link IMPORT_BATCH}, each in one transaction: new CIs through `CiService.create` with source `import`, existing
 * ones (matched by the natural key) through `applyObserved` — common fields, owner, location, tags, attributes and
 * custom fields alike — so fields set by hand are kept and a conflict is recorded; a relationship import's new
 * relationships through `RelationshipService.create` (existing ones are `unchanged`). The sites, rooms and racks a
 * preset row's location chain lacks are created (source `import`) before the row, in its batch. A later batch failing leaves
 * earlier batches written; the report says how many rows were applied, and running the same file again is
 * idempotent (unchanged rows write nothing), so a fixed file can simply be re-run. A row that differs only in
 * hand-set fields is reported `unchanged` with its conflicts, and each run records those conflicts again in the CI's
 * history, as discovery does. New CIs get a `ci.create` audit entry each (through `CiService.create`); the import as
 * a whole gets one `import.run` entry and one `import.finished` event, dry runs and failures included. An import whose job gives up (its last attempt
 * failed, or its worker died during it) is failed by {@link ImportService.fail}, the job queue's give-up handler.
 */
export class ImportService {
  readonly repo: ImportRepository;

  constructor(private readonly deps: InventoryDeps) {
    this.repo = new ImportRepository(deps.db as unknown as Kysely<ImportTables>, deps.dialect);
  }

  /**
   * Stores the file and enqueues its run. 400 for a CI import without a known type, a relationship import with one,
   * content over the size limit, an unknown preset, a preset request that also names what the preset decides
   * (mapping, type, natural key, another kind), or value-map entries without a preset or to values a map does not
   * allow.
   */
  async start(request: CreateImportRequest, ctx: ActionContext): Promise<{ id: string }> {
    if (request.preset !== undefined) return this.startWithPreset(request, ctx);
    if (request.valueMaps !== undefined) {
      throw problems.validation('Value maps belong to a preset.', [{ path: 'body/valueMaps', message: 'needs a preset' }]);
    }
    const kind = request.kind ?? 'cis';
    if (kind === 'relationships' && request.ciType !== undefined) {
      throw problems.validation('A relationship import has no CI type.', [
        { path: 'body/ciType', message: 'must be left out when kind is relationships' },
      ]);
    }
    if (kind === 'cis' && !ciType(request.ciType ?? '')) {
      const message = request.ciType === undefined ? 'is required to import CIs' : 'is not a known CI type';
      throw problems.validation(`Unknown CI type ${request.ciType ?? '(none)'}.`, [{ path: 'body/ciType', message }]);
    }
    return this.store(request, ctx, { kind, ciType: request.ciType ?? '', naturalKey: request.naturalKey ?? 'name' });
  }

  /**
   * Starts an import read through a preset: its value-map entries must be ones the maps allow, and the preset (not
   * the request) decides the kind, the mapping, the CI type and the natural key.
   */
  private async startWithPreset(request: CreateImportRequest, ctx: ActionContext): Promise<{ id: string }> {
    const preset = presetWithOverrides(request.preset as string, request.valueMaps);
    const refused = (['mapping', 'ciType', 'naturalKey'] as const).filter((k) => request[k] !== undefined);
    if (request.kind !== undefined && request.kind !== preset.kind) refused.push('kind' as never);
    if (refused.length > 0) {
      throw problems.validation(
        `The ${preset.label} preset decides ${refused.join(', ')}; leave ${refused.length === 1 ? 'it' : 'them'} out.`,
        refused.map((k) => ({ path: `body/${k}`, message: 'is decided by the preset' })),
      );
    }
    return this.store(request, ctx, {
      kind: preset.kind,
      ciType: preset.ciType ?? '',
      naturalKey: preset.naturalKey,
      preset: preset.id,
      valueMaps: request.valueMaps,
    });
  }

  /** Checks the content's size and encoding, stores the import and enqueues its job. */
  private async store(
    request: CreateImportRequest,
    ctx: ActionContext,
    what: { kind: string; ciType: string; naturalKey: string; preset?: string; valueMaps?: StoredContext['valueMaps'] },
  ): Promise<{ id: string }> {
    const size = request.contentEncoding === 'base64' ? Math.floor((request.content.length * 3) / 4) : Buffer.byteLength(request.content);
    if (size > IMPORT_MAX_CONTENT) {
      throw problems.validation('The file is larger than 50 MB.', [{ path: 'body/content', message: 'must be at most 50 MB' }]);
    }
    if (request.contentEncoding === 'base64' && !/^[A-Za-z0-9+/]*={0,2}$/.test(request.content)) {
      throw problems.validation('The content is not valid base64.', [{ path: 'body/content', message: 'is not base64' }]);
    }
    const context: StoredContext = {
      ...ctx,
      encoding: request.contentEncoding ?? 'text',
      ...(what.preset ? { preset: what.preset } : {}),
      ...(what.valueMaps ? { valueMaps: what.valueMaps } : {}),
    };
    const now = Date.now();
    const id = newId(now);
    const row: ImportsTable = {
      id,
      user_id: ctx.actor.id,
      status: 'queued',
      kind: what.kind,
      format: request.format,
      ci_type: what.ciType,
      mapping: request.mapping ?? null,
      natural_key: what.naturalKey,
      dry_run: request.dryRun ? 1 : 0,
      context,
      total_rows: null,
      processed_rows: 0,
      report: null,
      content: request.content,
      created_at: now,
      finished_at: null,
    };
    await this.repo.db.transaction().execute(async (trx) => {
      await this.repo.insert(trx, row);
      await enqueue(trx, { queue: IMPORT_QUEUE, payload: { importId: id }, dedupeKey: `import:${id}`, maxAttempts: 3 });
    });
    return { id };
  }

  /** The import `id` if `userId` started it (others' imports are 404s). */
  async get(id: string, userId: string | null): Promise<ImportRun> {
    const row = await this.repo.get(id);
    if (!row || row.user_id !== userId) throw problems.notFound('The import');
    return this.present(row);
  }

  /** The caller's imports, newest first, without row reports. */
  async list(userId: string | null, limit: number, cursor?: string): Promise<{ items: ImportSummary[]; nextCursor: string | null }> {
    if (userId === null) return { items: [], nextCursor: null };
    const before = cursor === undefined ? undefined : String(decodeCursor(cursor, 1)[0]);
    const page = toPage(await this.repo.listOwn(userId, limit + 1, before), limit, (r) => [r.id]);
    const items = page.items.map((r) => {
      const { rows: _rows, fileErrors: _f, ...summary } = this.present(r);
      return summary;
    });
    return { items, nextCursor: page.nextCursor };
  }

  /**
   * Runs the import `id` to its end (the job handler; tests call it directly). Safe to call again: a finished import
   * is left alone, and a run interrupted between batches resumes idempotently because written rows now match.
   */
  async run(id: string): Promise<void> {
    const row = await this.repo.get(id);
    if (!row || row.status === 'succeeded' || row.status === 'failed') return;
    const content = await this.repo.content(id);
    const stored = this.repo.read<StoredContext>(row.context);
    const ctx: ActionContext = { actor: stored.actor, requestId: stored.requestId, sourceIp: stored.sourceIp };
    await this.repo.progress(id, { status: 'running' });
    const report: StoredReport = {
      counts: { ...EMPTY_COUNTS },
      fileErrors: [],
      rows: [],
      rowsTruncated: false,
      appliedRows: 0,
      failure: null,
    };
    let plan: PlannedRow[];
    try {
      const mapping = this.repo.read<Record<string, string> | null>(row.mapping) ?? undefined;
      const preset = stored.preset === undefined ? undefined : presetWithOverrides(stored.preset, stored.valueMaps);
      plan = await new ImportPlanner(this.deps).plan(row, content, stored.encoding, { mapping, preset }, (total) =>
        this.repo.progress(id, { total }),
      );
    } catch (error) {
      if (!(error instanceof ImportFileError)) throw error;
      report.fileErrors = error.errors;
      report.failure = 'The file cannot be read; no row was imported.';
      await this.finish(id, 'failed', report, row, ctx);
      return;
    }
    for (const p of plan) {
      const action = p.report.action;
      report.counts[action === 'create' ? 'created' : action === 'update' ? 'updated' : action === 'error' ? 'errors' : 'unchanged']++;
    }
    Object.assign(report, boundedRows(plan.map((p) => p.report)));
    report.locationsCreated = locationsOf(plan);
    if (row.dry_run === 1) {
      await this.repo.progress(id, { processed: plan.length });
      await this.finish(id, 'succeeded', report, row, ctx);
      return;
    }
    if (report.counts.errors > 0) {
      report.failure = `${report.counts.errors} of ${plural(plan.length, 'row')} ${report.counts.errors === 1 ? 'has' : 'have'} errors; nothing was written.`;
      await this.finish(id, 'failed', report, row, ctx);
      return;
    }
    // Locations created by earlier batches, by their reference in the plan.
    const located = new Map<string, string>();
    for (let start = 0; start < plan.length; start += IMPORT_BATCH) {
      const batch = plan.slice(start, start + IMPORT_BATCH);
      try {
        await this.deps.db.transaction().execute(async (trx) => {
          const created = await applyBatch(this.deps, trx, batch, located, ctx);
          await this.repo.progress(id, { processed: start + batch.length }, trx as unknown as Kysely<ImportTables>);
          for (const [ref, ciId] of created) located.set(ref, ciId);
        });
        report.appliedRows = start + batch.length;
      } catch (error) {
        const last = Math.min(start + IMPORT_BATCH, plan.length);
        report.failure =
          `Rows ${start + 1}–${last} failed to apply (${(error as Error).message}) and were rolled back; ` +
          `${report.appliedRows === 0 ? 'no earlier row was written' : `rows 1–${report.appliedRows} were written by earlier batches and stay`}. ` +
          'Later rows were not applied; import the file again once fixed (rows already written are unchanged).';
        await this.finish(id, 'failed', report, row, ctx);
        return;
      }
    }
    await this.finish(id, 'succeeded', report, row, ctx);
  }

  /**
   * Marks the import `id` failed with `reason` unless it already finished: for a job that gave up on it (its last
   * attempt threw, or its worker died). Written rows stay (batches are atomic); the report keeps what was known.
   * Writes with `executor` when given (the transaction that marks the job dead), else in a transaction of its own.
   * Returns whether the import was marked.
   */
  async fail(id: string, reason: string, executor: Kysely<ImportTables> = this.repo.db): Promise<boolean> {
    return withTransaction(executor, async (trx) => {
      const row = await this.repo.get(id, trx);
      if (!row || row.status === 'succeeded' || row.status === 'failed') return false;
      const stored = this.repo.read<ActionContext>(row.context);
      const ctx: ActionContext = { actor: stored.actor, requestId: stored.requestId, sourceIp: stored.sourceIp };
      const report: StoredReport = {
        counts: { ...EMPTY_COUNTS },
        fileErrors: [],
        rows: [],
        rowsTruncated: false,
        appliedRows: Number(row.processed_rows),
        failure:
          `The import stopped: ${reason}. ` +
          (Number(row.processed_rows) > 0
            ? `Rows 1–${row.processed_rows} were written and stay; import the file again to finish (written rows are unchanged).`
            : 'No row was written.'),
      };
      await this.finish(id, 'failed', report, row, ctx, trx);
      return true;
    });
  }

  /**
   * Writes the final status and report, drops the content, appends the one `import.run` audit entry and publishes
   * `import.finished`, in `executor`'s transaction when it is one.
   */
  private async finish(
    id: string,
    status: 'succeeded' | 'failed',
    report: StoredReport,
    row: Omit<ImportsTable, 'content'>,
    ctx: ActionContext,
    executor: Kysely<ImportTables> = this.repo.db,
  ) {
    await withTransaction(executor, async (trx) => {
      await this.repo.finish(id, status, report, trx);
      await this.deps.audit.append(trx, ctx, {
        action: 'import.run',
        outcome: status === 'succeeded' ? 'success' : 'failure',
        targetType: 'import',
        targetId: id,
        after: {
          kind: row.kind,
          ciType: row.ci_type,
          format: row.format,
          dryRun: row.dry_run === 1,
          naturalKey: row.natural_key,
          preset: this.repo.read<StoredContext>(row.context).preset ?? null,
          counts: report.counts,
          locationsCreated: report.locationsCreated?.length ?? 0,
          appliedRows: report.appliedRows,
          failure: report.failure,
        },
      });
      await publishEvent(trx, 'import.finished', {
        importId: id,
        kind: row.kind as ImportRun['kind'],
        status,
        dryRun: row.dry_run === 1,
        counts: report.counts,
        appliedRows: report.appliedRows,
        failure: report.failure,
      });
    });
  }

  private present(row: Omit<ImportsTable, 'content'>): ImportRun {
    const report = this.repo.read<StoredReport | null>(row.report);
    return {
      id: row.id,
      status: row.status as ImportRun['status'],
      kind: row.kind as ImportRun['kind'],
      format: row.format,
      ciType: row.ci_type,
      naturalKey: row.natural_key,
      dryRun: row.dry_run === 1,
      mapping: this.repo.read<Record<string, string> | null>(row.mapping),
      preset: this.repo.read<StoredContext>(row.context).preset ?? null,
      locationsCreated: report?.locationsCreated ?? [],
      progress: { processed: Number(row.processed_rows), total: row.total_rows === null ? null : Number(row.total_rows) },
      counts: report?.counts ?? { ...EMPTY_COUNTS },
      fileErrors: report?.fileErrors ?? [],
      rows: report?.rows ?? [],
      rowsTruncated: report?.rowsTruncated ?? false,
      appliedRows: report?.appliedRows ?? 0,
      failure: report?.failure ?? null,
      createdAt: Number(row.created_at),
      finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    };
  }
}
