/*
 * Rule groups as stored: written and read as Prometheus rule-file YAML, kept as Estate's rule model (JSON) with a
 * version that every change bumps, so an alert episode can name the rules that fired it. Every change is audited.
 */
import type { AlertRuleGroup, AlertRuleSummary, ImportAlertRulesAnswer } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../../platform/audit/audit-log';
import { readJson } from '../../../platform/db/database';
import { withTransaction } from '../../../platform/db/transaction';
import { type FieldError, problems } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import { DEFAULT_GROUP_INTERVAL_MS, formatRuleFile, parseRuleFile, type RuleFileError, type RuleGroupSpec } from '../rules';
import type { AlertRuleGroupsTable, AlertTables } from './alerts.tables';

/** A stored group with its spec read. */
export interface StoredRuleGroup {
  id: string;
  spec: RuleGroupSpec;
  enabled: boolean;
  file: string;
  version: number;
  createdAt: number;
  updatedAt: number;
}

/** What the API adds to a group from the evaluator's last state. */
export interface RuleGroupStanding {
  lastEvaluation: number | null;
  rules: Array<{ health: string; lastError: string; pending: number; firing: number }>;
}

export function storedGroup(row: AlertRuleGroupsTable): StoredRuleGroup {
  const spec: RuleGroupSpec = {
    name: row.name,
    ...(row.interval_ms !== null ? { intervalMs: Number(row.interval_ms) } : {}),
    limit: row.rule_limit,
    rules: readJson(row.rules),
  };
  return {
    id: row.id,
    spec,
    enabled: row.enabled === 1,
    file: row.file,
    version: row.version,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** A rule-file error as a field error: the path names the group, the rule and the field; the message the line. */
export function ruleFileFieldError(e: RuleFileError): FieldError {
  const parts = ['yaml'];
  if (e.group !== undefined) parts.push(`groups[${JSON.stringify(e.group)}]`);
  if (e.rule !== undefined) parts.push(`rules[${e.rule}]${e.ruleName ? `(${e.ruleName})` : ''}`);
  if (e.field) parts.push(e.field);
  return { path: parts.join('.'), message: e.line !== undefined ? `line ${e.line}: ${e.message}` : e.message };
}

/** Reads rule-file YAML or throws a 400 listing every problem. */
export function readRuleYaml(yaml: string): RuleGroupSpec[] {
  const result = parseRuleFile(yaml);
  if (result.errors.length > 0) {
    throw problems.validation('The rule file has errors; nothing was saved.', result.errors.map(ruleFileFieldError));
  }
  return result.groups;
}

function oneGroup(yaml: string): RuleGroupSpec {
  const groups = readRuleYaml(yaml);
  if (groups.length !== 1) {
    throw problems.validation(`Write exactly one group here (found ${groups.length}); import a whole file to add several.`, [
      { path: 'yaml', message: 'expected one group' },
    ]);
  }
  return groups[0] as RuleGroupSpec;
}

function ruleSummary(rule: RuleGroupSpec['rules'][number], standing?: RuleGroupStanding['rules'][number]): AlertRuleSummary {
  return {
    name: rule.name,
    kind: rule.kind,
    expr: rule.kind === 'check-state' ? '' : rule.expr,
    ...(rule.kind === 'check-state' ? { checkStates: [...rule.states] } : {}),
    forSeconds: rule.kind === 'recording' ? 0 : rule.forMs / 1000,
    ...(rule.labels.severity ? { severity: rule.labels.severity } : {}),
    health: standing?.health ?? 'unknown',
    ...(standing?.lastError ? { lastError: standing.lastError } : {}),
    pending: standing?.pending ?? 0,
    firing: standing?.firing ?? 0,
  };
}

/** The API's view of a group. */
export function presentGroup(group: StoredRuleGroup, standing?: RuleGroupStanding): AlertRuleGroup {
  return {
    id: group.id,
    name: group.spec.name,
    intervalSeconds: (group.spec.intervalMs ?? DEFAULT_GROUP_INTERVAL_MS) / 1000,
    limit: group.spec.limit,
    enabled: group.enabled,
    file: group.file,
    yaml: formatRuleFile([group.spec]),
    rules: group.spec.rules.map((r, i) => ruleSummary(r, standing?.rules[i])),
    lastEvaluation: standing?.lastEvaluation ?? null,
    version: group.version,
    createdAt: group.createdAt,
    updatedAt: group.updatedAt,
  };
}

/** Same rules, whatever order the stored JSON keeps keys in (jsonb sorts them). */
const sameSpec = (a: RuleGroupSpec, b: RuleGroupSpec) => formatRuleFile([a]) === formatRuleFile([b]);

export class RuleGroupService {
  constructor(
    private readonly db: Kysely<AlertTables>,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
    /** Told after a change commits, so this process's evaluator picks it up at once. */
    private readonly changed: () => void = () => undefined,
  ) {}

  async list(): Promise<StoredRuleGroup[]> {
    const rows = await this.db.selectFrom('alert_rule_groups').selectAll().orderBy('name').execute();
    return rows.map(storedGroup);
  }

  async get(id: string, db: Kysely<AlertTables> = this.db): Promise<StoredRuleGroup> {
    const row = await db.selectFrom('alert_rule_groups').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw problems.notFound('The rule group');
    return storedGroup(row);
  }

  async create(yaml: string, enabled: boolean, ctx: ActionContext, file = ''): Promise<StoredRuleGroup> {
    const spec = oneGroup(yaml);
    const group = await withTransaction(
      this.db,
      async (trx) => {
        const created = await this.insert(trx, spec, enabled, file, ctx);
        await this.audit.append(trx, ctx, {
          action: 'alert-rule-group.create',
          targetType: 'alert-rule-group',
          targetId: created.id,
          after: auditView(created),
        });
        return created;
      },
      { conflict: `A rule group named "${spec.name}" exists already.` },
    );
    this.changed();
    return group;
  }

  async update(id: string, request: { yaml?: string; enabled?: boolean }, expected: number, ctx: ActionContext): Promise<StoredRuleGroup> {
    const spec = request.yaml === undefined ? undefined : oneGroup(request.yaml);
    const group = await withTransaction(
      this.db,
      async (trx) => {
        const current = await this.get(id, trx);
        if (current.version !== expected) throw problems.preconditionFailed();
        const next = await this.replace(trx, current, spec ?? current.spec, request.enabled ?? current.enabled, current.file);
        await this.audit.append(trx, ctx, {
          action: 'alert-rule-group.update',
          targetType: 'alert-rule-group',
          targetId: id,
          before: auditView(current),
          after: auditView(next),
        });
        return next;
      },
      { conflict: `A rule group named "${spec?.name}" exists already.` },
    );
    this.changed();
    return group;
  }

  async delete(id: string, expected: number, ctx: ActionContext): Promise<void> {
    await withTransaction(this.db, async (trx) => {
      const current = await this.get(id, trx);
      if (current.version !== expected) throw problems.preconditionFailed();
      const deleted = await trx.deleteFrom('alert_rule_groups').where('id', '=', id).where('version', '=', expected).executeTakeFirst();
      if (Number(deleted.numDeletedRows) !== 1) throw problems.preconditionFailed();
      await this.audit.append(trx, ctx, {
        action: 'alert-rule-group.delete',
        targetType: 'alert-rule-group',
        targetId: id,
        before: auditView(current),
      });
    });
    this.changed();
  }

  /** A whole rule file: new groups are created, groups of the same name replaced; all or nothing. */
  async import(yaml: string, file: string, ctx: ActionContext): Promise<ImportAlertRulesAnswer> {
    const specs = readRuleYaml(yaml);
    const answer: ImportAlertRulesAnswer = { created: [], replaced: [], unchanged: [] };
    await withTransaction(this.db, async (trx) => {
      for (const spec of specs) {
        const row = await trx.selectFrom('alert_rule_groups').selectAll().where('name', '=', spec.name).executeTakeFirst();
        if (!row) {
          await this.insert(trx, spec, true, file, ctx);
          answer.created.push(spec.name);
          continue;
        }
        const current = storedGroup(row);
        if (sameSpec(current.spec, spec) && current.file === file) {
          answer.unchanged.push(spec.name);
          continue;
        }
        await this.replace(trx, current, spec, current.enabled, file);
        answer.replaced.push(spec.name);
      }
      await this.audit.append(trx, ctx, {
        action: 'alert-rules.import',
        targetType: 'alert-rule-group',
        after: { file, ...answer },
      });
    });
    this.changed();
    return answer;
  }

  /** Every group (or the named ones) as one Prometheus rule file. */
  async export(): Promise<string> {
    return formatRuleFile((await this.list()).map((g) => g.spec));
  }

  private async insert(trx: Kysely<AlertTables>, spec: RuleGroupSpec, enabled: boolean, file: string, ctx: ActionContext) {
    const now = this.now();
    const row: AlertRuleGroupsTable = {
      id: newId(now),
      name: spec.name,
      interval_ms: spec.intervalMs ?? null,
      rule_limit: spec.limit,
      rules: JSON.stringify(spec.rules),
      enabled: enabled ? 1 : 0,
      file,
      created_by: userOf(ctx),
      created_at: now,
      updated_at: now,
      version: 1,
    };
    await trx.insertInto('alert_rule_groups').values(row).execute();
    return storedGroup(row);
  }

  private async replace(trx: Kysely<AlertTables>, current: StoredRuleGroup, spec: RuleGroupSpec, enabled: boolean, file: string) {
    const now = Math.max(this.now(), current.updatedAt);
    const set = {
      name: spec.name,
      interval_ms: spec.intervalMs ?? null,
      rule_limit: spec.limit,
      rules: JSON.stringify(spec.rules),
      enabled: enabled ? 1 : 0,
      file,
      updated_at: now,
      version: current.version + 1,
    };
    const done = await trx
      .updateTable('alert_rule_groups')
      .set(set)
      .where('id', '=', current.id)
      .where('version', '=', current.version)
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw problems.preconditionFailed();
    return { ...current, spec, enabled, file, version: set.version, updatedAt: now };
  }
}

function auditView(group: StoredRuleGroup) {
  return { name: group.spec.name, enabled: group.enabled, file: group.file, version: group.version, yaml: formatRuleFile([group.spec]) };
}

/** The user behind an action (a token acts for its owner), for `created_by` columns. */
export function userOf(ctx: ActionContext): string | null {
  return ctx.actor.type === 'user' || ctx.actor.type === 'token' ? ctx.actor.id : null;
}
