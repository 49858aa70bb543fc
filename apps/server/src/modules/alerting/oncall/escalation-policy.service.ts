/*
 * Stored escalation policies: create, change (If-Match), delete, each audited in its transaction. A policy names
 * users and schedules by id and notification channels by an id that is opaque here (the channels part owns them).
 */
import type { CreateEscalationPolicyRequest, EscalationPolicy as PolicyAnswer, UpdateEscalationPolicyRequest } from '@estate/contract';
import type { ActionContext, AuditLog } from '../../../platform/audit/audit-log';
import { readJson } from '../../../platform/db/database';
import { withTransaction } from '../../../platform/db/transaction';
import { decodeCursor, toPage } from '../../../platform/http/pagination';
import { type FieldError, problems } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import { type EscalationPolicy, type EscalationStep, validateEscalationPolicy } from './escalation';
import type { OnCallRepository, PolicyRow } from './oncall.repository';
import type { EscalationPoliciesTable } from './oncall.tables';

export interface EscalationPolicyServiceDeps {
  repo: OnCallRepository;
  audit: AuditLog;
  now: () => number;
}

const NAME_TAKEN = 'An escalation policy with this name exists already.';

/** The library's policy of a stored row. */
export function policyOf(row: PolicyRow, dialect?: 'sqlite' | 'postgres'): EscalationPolicy {
  return { id: row.id, name: row.name, steps: readJson<EscalationStep[]>(row.steps, dialect), repeat: row.repeat };
}

/** Stored escalation policies. */
export class EscalationPolicyService {
  constructor(private readonly deps: EscalationPolicyServiceDeps) {}

  private get repo(): OnCallRepository {
    return this.deps.repo;
  }

  present(row: PolicyRow): PolicyAnswer {
    const policy = policyOf(row, this.repo.dialect);
    return {
      id: row.id,
      name: row.name,
      steps: policy.steps as PolicyAnswer['steps'],
      repeat: row.repeat,
      createdBy: row.created_by,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      version: row.version,
    };
  }

  async list(query: { limit?: number; cursor?: string }): Promise<{ items: PolicyAnswer[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? undefined : (decodeCursor(query.cursor, 2).map(String) as [string, string]);
    const page = toPage(await this.repo.listPolicies(limit + 1, after), limit, (r) => [r.name, r.id]);
    return { items: page.items.map((row) => this.present(row)), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<PolicyAnswer> {
    return this.present(await this.row(id, this.repo));
  }

  private async row(id: string, repo: OnCallRepository): Promise<PolicyRow> {
    const row = await repo.getPolicy(id);
    if (!row) throw problems.notFound('The escalation policy');
    return row;
  }

  /** 400 naming each field the library refuses, and each user or schedule target that does not exist. */
  private async check(policy: EscalationPolicy, repo: OnCallRepository): Promise<void> {
    const errors: FieldError[] = [...validateEscalationPolicy(policy)];
    const targets = policy.steps.flatMap((step) => step.targets);
    const userIds = targets.flatMap((t) => (t.kind === 'user' ? [t.userId] : []));
    const scheduleIds = targets.flatMap((t) => (t.kind === 'schedule' ? [t.scheduleId] : []));
    const users = new Set((await repo.usersByIds(userIds)).map((u) => u.id));
    const schedules = new Set((await repo.schedulesByIds(scheduleIds)).map((s) => s.id));
    policy.steps.forEach((step, s) => {
      step.targets.forEach((target, t) => {
        if (target.kind === 'user' && !users.has(target.userId)) {
          errors.push({ path: `steps[${s}].targets[${t}].userId`, message: `no user has the id ${target.userId}` });
        }
        if (target.kind === 'schedule' && !schedules.has(target.scheduleId)) {
          errors.push({ path: `steps[${s}].targets[${t}].scheduleId`, message: `no schedule has the id ${target.scheduleId}` });
        }
      });
    });
    if (errors.length > 0)
      throw problems.validation(`The escalation policy has ${errors.length === 1 ? 'an error' : `${errors.length} errors`}.`, errors);
  }

  async create(request: CreateEscalationPolicyRequest, ctx: ActionContext): Promise<PolicyAnswer> {
    const id = newId();
    const now = this.deps.now();
    const policy: EscalationPolicy = { id, name: request.name, steps: request.steps, repeat: request.repeat ?? 0 };
    return withTransaction(
      this.repo.db,
      async (trx) => {
        const repo = this.repo.with(trx);
        await this.check(policy, repo);
        const row: EscalationPoliciesTable = {
          id,
          name: policy.name,
          steps: policy.steps,
          repeat: policy.repeat,
          created_by: ctx.actor.type === 'user' || ctx.actor.type === 'token' ? ctx.actor.id : null,
          created_at: now,
          updated_at: now,
          version: 1,
        };
        await repo.insertPolicy(row);
        const created = this.present(row);
        await this.deps.audit.append(trx, ctx, {
          action: 'escalation_policy.create',
          targetType: 'escalation_policy',
          targetId: id,
          after: created,
        });
        return created;
      },
      { conflict: NAME_TAKEN },
    );
  }

  async update(id: string, request: UpdateEscalationPolicyRequest, expected: number, ctx: ActionContext): Promise<PolicyAnswer> {
    return withTransaction(
      this.repo.db,
      async (trx) => {
        const repo = this.repo.with(trx);
        const row = await this.row(id, repo);
        if (row.version !== expected) throw problems.preconditionFailed();
        const current = policyOf(row, this.repo.dialect);
        const next: EscalationPolicy = {
          id,
          name: request.name ?? current.name,
          steps: request.steps ?? current.steps,
          repeat: request.repeat ?? current.repeat,
        };
        await this.check(next, repo);
        const changed = { name: next.name, steps: next.steps, repeat: next.repeat, updated_at: this.deps.now(), version: row.version + 1 };
        if (!(await repo.updatePolicy(id, expected, changed))) throw problems.preconditionFailed();
        const after = this.present({ ...row, ...changed });
        await this.deps.audit.append(trx, ctx, {
          action: 'escalation_policy.update',
          targetType: 'escalation_policy',
          targetId: id,
          before: this.present(row),
          after,
        });
        return after;
      },
      { conflict: NAME_TAKEN },
    );
  }

  /** Deletes a policy; refused (409) while an escalation under it is still running. */
  async delete(id: string, expected: number, ctx: ActionContext): Promise<void> {
    await withTransaction(this.repo.db, async (trx) => {
      const repo = this.repo.with(trx);
      const row = await this.row(id, repo);
      if (row.version !== expected) throw problems.preconditionFailed();
      if (await repo.runningEscalationOf(id)) {
        throw problems.conflict('An escalation under this policy is still running; acknowledge or resolve it first.');
      }
      await repo.deletePolicy(id);
      await this.deps.audit.append(trx, ctx, {
        action: 'escalation_policy.delete',
        targetType: 'escalation_policy',
        targetId: id,
        before: this.present(row),
      });
    });
  }
}
