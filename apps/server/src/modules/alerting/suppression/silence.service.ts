import type { CreateSilenceRequest, Silence, SilenceListQuery, UpdateSilenceRequest } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../../platform/audit/audit-log';
import { readJson } from '../../../platform/db/database';
import { withTransaction } from '../../../platform/db/transaction';
import { decodeCursor, toPage } from '../../../platform/http/pagination';
import { problems } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import { formatMatchers, type Matcher, type Silence as RoutingSilence, silenceProblems, silenceState } from '../routing';
import { matchersFromInput, plainMatchers, storedMatchers } from './matchers-input';
import { SilenceRepository } from './silence.repository';
import type { AlertSilencesTable, SuppressionTables } from './suppression.tables';
import { bumpRevision } from './suppression-revision';

/** What the silence service is built from. */
export interface SilenceServiceDeps {
  db: Kysely<SuppressionTables>;
  audit: AuditLog;
  now: () => number;
  /** Told after every committed change (in this process). */
  changed: () => void;
}

/**
 * Silences as Alertmanager keeps them: validated by the routing library's rules (a matcher that does not match
 * everything, an end after the start, a comment), changed with If-Match, expired by setting the end to now and kept
 * for history. Every change is audited with the matchers and the comment.
 */
export class SilenceService {
  private readonly repo: SilenceRepository;

  constructor(private readonly deps: SilenceServiceDeps) {
    this.repo = new SilenceRepository(deps.db);
  }

  async list(query: SilenceListQuery): Promise<{ items: Silence[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const now = this.deps.now();
    const after = query.cursor === undefined ? undefined : (decodeCursor(query.cursor, 2) as [number, string]);
    const rows = await this.repo.list({ state: query.state, matcher: query.matcher }, now, limit + 1, after);
    const page = toPage(rows, limit, (r) => [r.ends_at, r.id]);
    return { items: page.items.map((r) => present(r, now)), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<Silence> {
    return present(await this.row(id), this.deps.now());
  }

  /** The silences active at `now`, as the routing library takes them. */
  async active(now: number): Promise<RoutingSilence[]> {
    return (await this.repo.active(now)).map(toRoutingSilence);
  }

  async create(request: CreateSilenceRequest, ctx: ActionContext): Promise<Silence> {
    const now = this.deps.now();
    const matchers = matchersFromInput(request.matchers, 'matchers');
    const startsAt = Math.max(request.startsAt ?? now, now);
    const createdBy = request.createdBy ?? ctx.actor.label ?? 'unknown';
    validate({ matchers, startsAt, endsAt: request.endsAt, comment: request.comment, createdBy }, now);
    const row: AlertSilencesTable = {
      id: newId(now),
      matchers: JSON.stringify(plainMatchers(matchers)),
      matchers_text: formatMatchers(matchers),
      starts_at: startsAt,
      ends_at: request.endsAt,
      comment: request.comment,
      created_by: createdBy,
      created_by_user: ctx.actor.type === 'user' || ctx.actor.type === 'token' ? ctx.actor.id : null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    const silence = await withTransaction(this.deps.db, async (trx) => {
      await this.repo.insert(trx, row);
      await bumpRevision(trx, now);
      const created = present(row, now);
      await this.deps.audit.append(trx, ctx, {
        action: 'silence.create',
        targetType: 'silence',
        targetId: row.id,
        after: auditView(created),
      });
      return created;
    });
    this.deps.changed();
    return silence;
  }

  /** Changes a pending or active silence at version `expected`; an expired one is history and cannot change. */
  async update(id: string, request: UpdateSilenceRequest, expected: number, ctx: ActionContext): Promise<Silence> {
    const now = this.deps.now();
    const silence = await withTransaction(this.deps.db, async (trx) => {
      const current = await this.repo.get(id, trx);
      if (!current) throw problems.notFound('The silence');
      if (current.version !== expected) throw problems.preconditionFailed();
      if (current.ends_at <= now) throw problems.conflict('The silence has expired; create a new one instead.');
      const matchers =
        request.matchers === undefined ? storedMatchers(readJson(current.matchers)) : matchersFromInput(request.matchers, 'matchers');
      // An active silence keeps its start: moving it would rewrite what it already muted.
      const startsAt = current.starts_at <= now ? current.starts_at : Math.max(request.startsAt ?? current.starts_at, now);
      const endsAt = request.endsAt ?? current.ends_at;
      const comment = request.comment ?? current.comment;
      validate({ matchers, startsAt, endsAt, comment, createdBy: current.created_by }, now);
      const row: AlertSilencesTable = {
        ...current,
        matchers: JSON.stringify(plainMatchers(matchers)),
        matchers_text: formatMatchers(matchers),
        starts_at: startsAt,
        ends_at: endsAt,
        comment,
        updated_at: now,
        version: current.version + 1,
      };
      if (!(await this.repo.update(trx, row, expected))) throw problems.preconditionFailed();
      await bumpRevision(trx, now);
      const updated = present(row, now);
      await this.deps.audit.append(trx, ctx, {
        action: 'silence.update',
        targetType: 'silence',
        targetId: id,
        before: auditView(present(current, now)),
        after: auditView(updated),
      });
      return updated;
    });
    this.deps.changed();
    return silence;
  }

  /**
   * Expires a silence now: its end becomes now (a pending one starts and ends now), and the row stays for history.
   * Expiring an expired silence changes nothing and answers it as it is.
   */
  async expire(id: string, ctx: ActionContext): Promise<Silence> {
    const now = this.deps.now();
    let changed = false;
    const silence = await withTransaction(this.deps.db, async (trx) => {
      const current = await this.repo.get(id, trx);
      if (!current) throw problems.notFound('The silence');
      if (current.ends_at <= now) return present(current, now);
      const row: AlertSilencesTable = {
        ...current,
        starts_at: Math.min(current.starts_at, now),
        ends_at: now,
        updated_at: now,
        version: current.version + 1,
      };
      if (!(await this.repo.update(trx, row, current.version))) throw problems.preconditionFailed();
      await bumpRevision(trx, now);
      changed = true;
      const expired = present(row, now);
      await this.deps.audit.append(trx, ctx, {
        action: 'silence.expire',
        targetType: 'silence',
        targetId: id,
        before: auditView(present(current, now)),
        after: auditView(expired),
      });
      return expired;
    });
    if (changed) this.deps.changed();
    return silence;
  }

  private async row(id: string): Promise<AlertSilencesTable> {
    const row = await this.repo.get(id);
    if (!row) throw problems.notFound('The silence');
    return row;
  }
}

function validate(
  silence: { matchers: Matcher[]; startsAt: number; endsAt: number; comment: string; createdBy: string },
  now: number,
): void {
  const found = silenceProblems(silence);
  if (silence.endsAt <= now) found.push('endsAt must be in the future');
  if (found.length === 0) return;
  const pathOf = (problem: string) =>
    problem.startsWith('endsAt')
      ? 'endsAt'
      : problem.startsWith('comment')
        ? 'comment'
        : problem.startsWith('createdBy')
          ? 'createdBy'
          : 'matchers';
  throw problems.validation(
    found.join('; '),
    found.map((message) => ({ path: pathOf(message), message })),
  );
}

function toRoutingSilence(row: AlertSilencesTable): RoutingSilence {
  return {
    id: row.id,
    matchers: storedMatchers(readJson(row.matchers)),
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    createdBy: row.created_by,
    comment: row.comment,
  };
}

function present(row: AlertSilencesTable, now: number): Silence {
  const silence = toRoutingSilence(row);
  return {
    id: row.id,
    matchers: plainMatchers(silence.matchers),
    matchersText: row.matchers_text,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    comment: row.comment,
    createdBy: row.created_by,
    state: silenceState(silence, now),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** What the audit log keeps of a silence: the matchers, the span, the comment and the author. */
function auditView(silence: Silence) {
  const { matchersText, startsAt, endsAt, comment, createdBy, state } = silence;
  return { matchers: matchersText, startsAt, endsAt, comment, createdBy, state };
}
