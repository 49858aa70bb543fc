import type { BulkChecksAnswer, BulkCreateChecksRequest, Check } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { withTransaction } from '../../platform/db/transaction';
import { type FieldError, HttpProblem, problems } from '../../platform/http/problem';
import { plural } from '../../platform/plural';
import { type CheckService, present } from './check.service';
import { type BulkCheckRow, CheckBulkRepository } from './check-bulk.repository';
import type { ChecksTable, MonitoringTables } from './monitoring.tables';
import type { CheckRecorder } from './state/check-recorder';

/** What bulk changes to checks are built from. */
export interface CheckBulkDeps {
  db: Kysely<MonitoringTables>;
  audit: AuditLog;
  checks: CheckService;
  recorder: CheckRecorder;
  /** Told about every check created, switched or deleted, after the commit (the runner of this process). */
  changed?: (checkIds: readonly string[]) => void;
  now?: () => number;
}

/** Refusals listed in one problem at most; the detail counts the rest. */
const MAX_LISTED_ERRORS = 100;

/**
 * Many checks at a time: created from a list of requests, enabled, disabled or deleted by ids. Each request is one
 * transaction, all or nothing: any refused item (a configuration its type refuses, an unknown CI, an id that names
 * no check) refuses the whole request with a 400 naming every refused item's field, and nothing changes. Like the
 * inventory's bulk edits, each request writes one audit entry naming every check it touched.
 */
export class CheckBulkService {
  private readonly repo = new CheckBulkRepository();
  private readonly now: () => number;

  constructor(private readonly deps: CheckBulkDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Creates every item's check, in the request's order; 400 with `items[i].<field>` errors otherwise. */
  async create(request: BulkCreateChecksRequest, ctx: ActionContext): Promise<Check[]> {
    const now = this.now();
    const errors: FieldError[] = [];
    const drafts: Array<{ row: ChecksTable; ciIds: string[]; item: number }> = [];
    request.items.forEach((item, i) => {
      try {
        drafts.push({ row: this.deps.checks.draft(item, ctx, now), ciIds: item.ciIds ?? [], item: i });
      } catch (err) {
        if (!(err instanceof HttpProblem) || err.status !== 400) throw err;
        const refusals = err.errors?.length ? err.errors : [{ path: 'config', message: err.detail ?? err.title }];
        for (const e of refusals) errors.push({ path: `items[${i}].${e.path}`, message: e.message });
      }
    });
    const created = await withTransaction(this.deps.db, async (trx) => {
      errors.push(...(await this.unknownCis(trx, request)), ...(await this.unusableAgents(trx, drafts)));
      if (errors.length > 0) throw refused(errors, request.items.length, 'check', 'nothing was created');
      await this.repo.insert(trx, drafts);
      const checks = drafts.map(({ row, ciIds }) => present({ ...row, ci_ids: ciIds, state_row: undefined }));
      await this.deps.audit.append(trx, ctx, {
        action: 'check.bulk_create',
        targetType: 'check',
        after: {
          count: checks.length,
          checks: checks.map((c) => ({ id: c.id, name: c.name, type: c.type, target: c.target, ciIds: c.ciIds })),
        },
      });
      return checks;
    });
    this.deps.changed?.(created.map((check) => check.id));
    return created;
  }

  /** Enables or disables the checks; those already so are left alone. */
  async setEnabled(ids: readonly string[], enabled: boolean, ctx: ActionContext): Promise<BulkChecksAnswer> {
    const changed = await withTransaction(this.deps.db, async (trx) => {
      const rows = await this.existing(trx, ids);
      const toChange = rows.filter((r) => Boolean(r.enabled) !== enabled);
      const changing = toChange.map((r) => r.id);
      if ((await this.repo.setEnabled(trx, changing, enabled, this.now())) !== changing.length) throw changedMeanwhile();
      await this.deps.audit.append(trx, ctx, {
        action: 'check.bulk_update',
        targetType: 'check',
        after: { enabled, targeted: ids.length, changed: toChange.map((r) => ({ id: r.id, name: r.name })) },
      });
      return changing;
    });
    this.deps.changed?.(changed);
    return { count: changed.length, ids: changed };
  }

  /** Deletes the checks with their results, state and history. */
  async delete(ids: readonly string[], ctx: ActionContext): Promise<BulkChecksAnswer> {
    const deleted = await withTransaction(this.deps.db, async (trx) => {
      const rows = await this.existing(trx, ids);
      if ((await this.repo.delete(trx, ids)) !== rows.length) throw changedMeanwhile();
      await this.deps.audit.append(trx, ctx, {
        action: 'check.bulk_delete',
        targetType: 'check',
        before: { deleted: rows.map((r) => ({ id: r.id, name: r.name, type: r.type, target: r.target })) },
      });
      return rows.map((r) => r.id);
    });
    for (const id of deleted) this.deps.recorder.forget(id);
    this.deps.changed?.(deleted);
    return { count: deleted.length, ids: deleted };
  }

  /** The rows of `ids`, every one of which must exist (400 naming `ids[i]` otherwise). */
  private async existing(trx: Kysely<MonitoringTables>, ids: readonly string[]): Promise<BulkCheckRow[]> {
    const rows = await this.repo.rows(trx, ids);
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.flatMap((id, i) => (found.has(id) ? [] : [{ path: `ids[${i}]`, message: `no check ${id}` }]));
    if (missing.length > 0) throw refused(missing, ids.length, 'id', 'nothing was changed');
    return rows;
  }

  /**
   * `items[i].agentId` errors for agent-side checks without a usable agent. Only agent-side items read the agents
   * table (one query each); a server-side item with no agent costs nothing.
   */
  private async unusableAgents(
    trx: Kysely<MonitoringTables>,
    drafts: ReadonlyArray<{ row: ChecksTable; item: number }>,
  ): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    for (const { row, item } of drafts) {
      try {
        await this.deps.checks.checkAgent(trx, row);
      } catch (err) {
        if (!(err instanceof HttpProblem) || err.status !== 400) throw err;
        for (const e of err.errors ?? []) errors.push({ path: `items[${item}].${e.path}`, message: e.message });
      }
    }
    return errors;
  }

  /** `items[i].ciIds[j]` errors for the CIs the items name that do not exist (one query for all of them). */
  private async unknownCis(trx: Kysely<MonitoringTables>, request: BulkCreateChecksRequest): Promise<FieldError[]> {
    const named = [...new Set(request.items.flatMap((item) => item.ciIds ?? []))];
    const found = await this.deps.checks.repo.existingCis(trx, named);
    return request.items.flatMap((item, i) =>
      (item.ciIds ?? []).flatMap((ci, j) =>
        found.has(ci) ? [] : [{ path: `items[${i}].ciIds[${j}]`, message: `no configuration item ${ci}` }],
      ),
    );
  }
}

function refused(errors: FieldError[], of: number, noun: string, outcome: string): HttpProblem {
  const items = new Set(errors.map((e) => /^\w+\[\d+\]/.exec(e.path)?.[0] ?? e.path)).size;
  const listed = errors.slice(0, MAX_LISTED_ERRORS);
  const rest = errors.length - listed.length;
  const first = listed[0] ? ` First: ${listed[0].path} ${listed[0].message}.` : '';
  const more = rest > 0 ? ` ${plural(rest, 'more refusal')} not listed.` : '';
  return problems.validation(`${items} of ${plural(of, noun)} refused; ${outcome}.${first}${more}`, listed);
}

function changedMeanwhile(): HttpProblem {
  return problems.conflict('Some of these checks changed while the bulk change ran; nothing was changed. Try again.');
}
