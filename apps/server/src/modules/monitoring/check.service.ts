import { randomBytes } from 'node:crypto';
import { CHECK_EXAMPLES, CheckConfigError, type CheckTypeRegistry, type PreparedCheck } from '@estate/checks';
import type {
  Check,
  CheckListQuery,
  CheckResult,
  CheckRunAnswer,
  CheckSummary,
  CheckTypeInfo,
  CreateCheckRequest,
  TestCheckRequest,
  UpdateCheckRequest,
} from '@estate/contract';
import { isAgentCheckType } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import type { SecretBox } from '../../platform/crypto/secret-box';
import { readJson } from '../../platform/db/database';
import { withTransaction } from '../../platform/db/transaction';
import { decodeCursor, toPage } from '../../platform/http/pagination';
import { type FieldError, problems } from '../../platform/http/problem';
import { newId } from '../../platform/ids';
import { CheckRepository, type CheckRow } from './check.repository';
import { resultOf, runnableOf, sealSecrets, unsealSecrets } from './check-definition';
import type { ChecksTable, MonitoringTables } from './monitoring.tables';
import { type CheckRecorder, statusOfRow } from './state/check-recorder';

/** What the check service is built from. */
export interface CheckServiceDeps {
  db: Kysely<MonitoringTables>;
  audit: AuditLog;
  secretBox: SecretBox;
  registry: CheckTypeRegistry;
  recorder: CheckRecorder;
  /** Told when a check was created, changed or deleted, so a runner in this process picks it up at once. */
  changed?: (checkIds: readonly string[]) => void;
  now?: () => number;
}

const DEFAULT_INTERVAL_SECONDS = 60;
const DEFAULT_TIMEOUT_SECONDS = 10;
const DEFAULT_RETRIES = 1;
/** Keys that hold secrets: refused in `config`, which is stored in clear and shown to every reader. */
const SECRET_KEY = /^(password|passwd|token|secret|api[_-]?key|community|auth[_-]?key|priv[_-]?key|private[_-]?key)$/i;

/**
 * Checks: their definitions (validated by their type when saved, so a refused configuration is a 400 naming the
 * field, never a failing check later), their secrets (sealed, write-only) and runs on demand. What their runs left
 * (last results, state history, uptime) is read through CheckReads.
 */
export class CheckService {
  readonly repo: CheckRepository;
  private readonly now: () => number;

  constructor(private readonly deps: CheckServiceDeps) {
    this.repo = new CheckRepository(deps.db);
    this.now = deps.now ?? Date.now;
  }

  types(): CheckTypeInfo[] {
    return this.deps.registry.types().map((name) => {
      const type = this.deps.registry.get(name);
      return {
        type: name,
        placeholders: (type?.placeholders ?? []).map((p) => `[${p}]`),
        defaultConditions: [...(type?.defaultConditions ?? [])],
        secretNames: [...(type?.secretNames ?? [])],
        example: { ...CHECK_EXAMPLES[name] },
      };
    });
  }

  async list(query: CheckListQuery): Promise<{ items: Check[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? undefined : (decodeCursor(query.cursor, 2).map(String) as [string, string]);
    const page = toPage(await this.repo.list(query, limit + 1, after), limit, (r) => [r.name, r.id]);
    return { items: page.items.map(present), nextCursor: page.nextCursor };
  }

  summary(): Promise<CheckSummary> {
    return this.repo.summary();
  }

  async get(id: string): Promise<Check> {
    return present(await this.row(id));
  }

  /** Creates a check; 400 naming the field for a configuration its type refuses or an unknown CI. */
  async create(request: CreateCheckRequest, ctx: ActionContext): Promise<Check> {
    const row = this.draft(request, ctx, this.now());
    const id = row.id;
    const ciIds = request.ciIds ?? [];
    const check = await withTransaction(this.deps.db, async (trx) => {
      await this.checkCis(trx, ciIds);
      await this.checkAgent(trx, row);
      await this.repo.insert(trx, row, ciIds);
      const created = present({ ...row, ci_ids: ciIds, state_row: undefined });
      await this.deps.audit.append(trx, ctx, { action: 'check.create', targetType: 'check', targetId: id, after: created });
      return created;
    });
    this.deps.changed?.([id]);
    return check;
  }

  /**
   * The row of a new check (id, defaults, sealed secrets) made at `now`, validated by its type; throws a 400 naming
   * the field as the request spells it. Writes nothing: `create` and bulk creation insert it.
   */
  draft(request: CreateCheckRequest, ctx: ActionContext, now: number): ChecksTable {
    const id = newId(now);
    const intervalSeconds = request.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
    const timeoutSeconds = request.timeoutSeconds ?? Math.min(DEFAULT_TIMEOUT_SECONDS, intervalSeconds);
    const secrets = dropEmpty(request.secrets ?? {});
    const prepared = this.validate({
      type: request.type,
      config: request.config,
      conditions: request.conditions,
      warningConditions: request.warningConditions,
      secrets,
      intervalSeconds,
      timeoutSeconds,
    });
    return {
      id,
      name: request.name,
      type: request.type,
      enabled: request.enabled === false ? 0 : 1,
      target: prepared.target,
      interval_ms: intervalSeconds * 1000,
      timeout_ms: Math.round(timeoutSeconds * 1000),
      retries: request.retries ?? DEFAULT_RETRIES,
      config: JSON.stringify(request.config),
      conditions: JSON.stringify(request.conditions ?? []),
      warning_conditions: JSON.stringify(request.warningConditions ?? []),
      secret: sealSecrets(this.deps.secretBox, id, secrets),
      secret_names: JSON.stringify(Object.keys(secrets).sort()),
      push_token: request.type === 'push' ? randomBytes(18).toString('base64url') : null,
      push_started_at: null,
      push_run_id: null,
      agent_id: request.agentId ?? null,
      agent_result_at: null,
      created_by: ctx.actor.type === 'user' || ctx.actor.type === 'token' ? ctx.actor.id : null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
  }

  /** Changes a check when its version is `expected` (412 otherwise); same checks as `create`. */
  async update(id: string, request: UpdateCheckRequest, expected: number, ctx: ActionContext): Promise<Check> {
    const check = await withTransaction(this.deps.db, async (trx) => {
      const current = await this.repo.get(id, trx);
      if (!current) throw problems.notFound('The check');
      if (current.version !== expected) throw problems.preconditionFailed();
      const stored = unsealSecrets(this.deps.secretBox, id, current.secret);
      const secrets = dropEmpty({ ...stored, ...(request.secrets ?? {}) });
      const intervalSeconds = request.intervalSeconds ?? Number(current.interval_ms) / 1000;
      const timeoutSeconds = request.timeoutSeconds ?? Math.min(Number(current.timeout_ms) / 1000, intervalSeconds);
      const config = request.config ?? readJson<Record<string, unknown>>(current.config);
      const conditions = request.conditions ?? readJson<string[]>(current.conditions);
      const warningConditions = request.warningConditions ?? readJson<string[]>(current.warning_conditions);
      const prepared = this.validate({
        type: current.type,
        config,
        conditions,
        warningConditions,
        secrets,
        intervalSeconds,
        timeoutSeconds,
      });
      const now = Math.max(this.now(), Number(current.updated_at));
      const row: ChecksTable = {
        ...withoutDecoration(current),
        name: request.name ?? current.name,
        enabled: request.enabled === undefined ? current.enabled : request.enabled ? 1 : 0,
        target: prepared.target,
        interval_ms: intervalSeconds * 1000,
        timeout_ms: Math.round(timeoutSeconds * 1000),
        retries: request.retries ?? current.retries,
        config: JSON.stringify(config),
        conditions: JSON.stringify(conditions),
        warning_conditions: JSON.stringify(warningConditions),
        secret: sealSecrets(this.deps.secretBox, id, secrets),
        secret_names: JSON.stringify(Object.keys(secrets).sort()),
        updated_at: now,
        version: current.version + 1,
      };
      if (request.ciIds) await this.checkCis(trx, request.ciIds);
      if (request.agentId !== undefined) row.agent_id = request.agentId;
      await this.checkAgent(trx, { ...row, type: current.type });
      if (!(await this.repo.update(trx, row, expected, request.ciIds))) throw problems.preconditionFailed();
      const updated = present({ ...row, ci_ids: request.ciIds ?? current.ci_ids, state_row: current.state_row });
      await this.deps.audit.append(trx, ctx, {
        action: 'check.update',
        targetType: 'check',
        targetId: id,
        before: present(current),
        after: { ...updated, ...(request.secrets ? { secretsChanged: Object.keys(request.secrets).sort() } : {}) },
      });
      return updated;
    });
    this.deps.changed?.([id]);
    return check;
  }

  async delete(id: string, expected: number, ctx: ActionContext): Promise<void> {
    await withTransaction(this.deps.db, async (trx) => {
      const current = await this.repo.get(id, trx);
      if (!current) throw problems.notFound('The check');
      if (current.version !== expected || !(await this.repo.delete(trx, id, expected))) throw problems.preconditionFailed();
      await this.deps.audit.append(trx, ctx, { action: 'check.delete', targetType: 'check', targetId: id, before: present(current) });
    });
    this.deps.recorder.forget(id);
    this.deps.changed?.([id]);
  }

  /**
   * Creates the checks a fresh Estate starts with — its own web UI's health endpoint and a ping of this machine —
   * once in the life of the store (a system_state key remembers it, so deleting them is for good). Answers how many
   * it created.
   */
  async seedDefaults(healthUrl: string, ctx: ActionContext): Promise<number> {
    const defaults: CreateCheckRequest[] = [
      { name: 'Estate web UI', type: 'http', config: { url: healthUrl }, conditions: ['[STATUS] == 200'], intervalSeconds: 60 },
      { name: 'This machine (ping)', type: 'icmp', config: { host: '127.0.0.1' }, intervalSeconds: 60 },
    ].filter((check) => this.deps.registry.get(check.type) !== undefined);
    const seeded = await withTransaction(this.deps.db, async (trx) => {
      const key = 'monitoring.defaults_seeded';
      const done = await trx.selectFrom('system_state').select('key').where('key', '=', key).executeTakeFirst();
      if (done) return false;
      await trx
        .insertInto('system_state')
        .values({ key, value: String(this.now()), updated_at: this.now() })
        .execute();
      return true;
    });
    if (!seeded) return 0;
    for (const check of defaults) await this.create(check, ctx);
    return defaults.length;
  }

  /** Runs an unsaved check once (a form's "test now"); with `checkId`, the saved check's secrets fill the gaps. */
  async test(request: TestCheckRequest, ctx: ActionContext): Promise<CheckResult> {
    let secrets = request.secrets ?? {};
    if (request.checkId) {
      const saved = await this.row(request.checkId);
      secrets = dropEmpty({ ...unsealSecrets(this.deps.secretBox, saved.id, saved.secret), ...secrets });
    }
    const timeoutSeconds = request.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    const prepared = this.validate({
      type: request.type,
      config: request.config,
      conditions: request.conditions,
      warningConditions: request.warningConditions,
      secrets,
      intervalSeconds: Math.max(10, timeoutSeconds),
      timeoutSeconds,
    });
    await this.deps.audit.record(ctx, {
      action: 'check.test',
      targetType: 'check',
      targetId: request.checkId ?? null,
      after: { type: request.type, target: prepared.target },
    });
    const at = this.now();
    return resultOf(await prepared.run(AbortSignal.timeout(timeoutSeconds * 1000)), at);
  }

  /** Runs a saved check now and records the result like a scheduled run's. */
  async runNow(id: string, ctx: ActionContext): Promise<CheckRunAnswer> {
    const row = await this.row(id);
    if (row.agent_id !== null)
      throw problems.conflict("The check runs on its host agent, on the agent's schedule; it cannot be run from the server.");
    let runnable: ReturnType<typeof runnableOf>;
    try {
      runnable = runnableOf(row, this.deps.registry, this.deps.secretBox);
    } catch (err) {
      if (err instanceof CheckConfigError) throw problems.conflict(`The check can no longer run as saved: ${err.message}`);
      throw err;
    }
    await this.deps.audit.record(ctx, { action: 'check.run', targetType: 'check', targetId: id });
    const at = this.now();
    const outcome = await runnable.prepared.run(AbortSignal.timeout(runnable.timeoutMs));
    const result = resultOf(outcome, at);
    const status = await this.deps.recorder.record(runnable, result, outcome.series);
    await this.deps.recorder.flush();
    return { result, status };
  }

  private async row(id: string): Promise<CheckRow> {
    const row = await this.repo.get(id);
    if (!row) throw problems.notFound('The check');
    return row;
  }

  private async checkCis(trx: Kysely<MonitoringTables>, ciIds: readonly string[]): Promise<void> {
    const found = await this.repo.existingCis(trx, ciIds);
    const missing = ciIds.map((ci, i) => ({ ci, i })).filter(({ ci }) => !found.has(ci));
    if (missing.length > 0) {
      throw problems.validation(
        'Some configuration items do not exist.',
        missing.map(({ ci, i }) => ({ path: `ciIds[${i}]`, message: `no configuration item ${ci}` })),
      );
    }
  }

  /**
   * Where a check runs: an agent-side type on the host agent it names; a network type on the server, or on the agent
   * it names, which then runs it as a remote collector (from inside its own site); a push check only at the server,
   * where the pings arrive. A named agent must exist and not be revoked. A collector runs with the check's own
   * secrets only: a stored discovery credential stays on the server.
   */
  async checkAgent(trx: Kysely<MonitoringTables>, row: { type: string; agent_id: string | null; config: unknown }): Promise<void> {
    const { type, agent_id: agentId } = row;
    if (agentId === null) {
      if (isAgentCheckType(type))
        throw problems.validation('agentId: a check of this type runs on a host agent.', [
          { path: 'agentId', message: `a ${type} check needs the agent that runs it` },
        ]);
      return;
    }
    if (type === 'push')
      throw problems.validation('agentId: a push check waits for pings at the server.', [
        { path: 'agentId', message: 'a push check runs on the server; leave agentId out' },
      ]);
    if (!isAgentCheckType(type) && readJson<Record<string, unknown>>(row.config).credentialId !== undefined)
      throw problems.validation('config.credentialId: a check run by a collector cannot use a stored credential.', [
        {
          path: 'config.credentialId',
          message: "stored credentials stay on the server; give the collector's check its own community or v3 keys as secrets",
        },
      ]);
    const agent = await trx.selectFrom('agents').select(['id', 'status']).where('id', '=', agentId).executeTakeFirst();
    if (!agent || agent.status === 'revoked')
      throw problems.validation('agentId: no such agent.', [
        { path: 'agentId', message: agent ? `agent ${agentId} is revoked` : `no agent ${agentId}` },
      ]);
  }

  /** Validates a definition through its type; a refusal is a 400 naming the field as the request spells it. */
  private validate(definition: {
    type: string;
    config: Record<string, unknown>;
    conditions: readonly string[] | undefined;
    warningConditions: readonly string[] | undefined;
    secrets: Record<string, string>;
    intervalSeconds: number;
    timeoutSeconds: number;
  }): PreparedCheck {
    const errors: FieldError[] = [];
    if (definition.timeoutSeconds > definition.intervalSeconds) {
      errors.push({ path: 'timeoutSeconds', message: `must be at most the interval (${definition.intervalSeconds} s)` });
    }
    for (const path of secretKeys(definition.config, 'config')) {
      errors.push({ path, message: 'holds a secret: send it in secrets, which are sealed and never shown' });
    }
    if (errors.length > 0) throw problems.validation(errors.map((e) => `${e.path} ${e.message}`).join('; '), errors);
    try {
      return this.deps.registry.prepare(
        definition.type,
        { ...definition.config, conditions: definition.conditions },
        { warningConditions: definition.warningConditions, secrets: definition.secrets },
      );
    } catch (err) {
      if (!(err instanceof CheckConfigError)) throw err;
      const path = /^(type|conditions|warningConditions|secrets)\b/.test(err.field) ? err.field : `config.${err.field}`;
      const message = err.message.startsWith(`${err.field}: `) ? err.message.slice(err.field.length + 2) : err.message;
      throw problems.validation(`${path}: ${message}`, [{ path, message }]);
    }
  }
}

/** A check row as the API shows it. */
export function present(row: CheckRow): Check {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    enabled: Boolean(row.enabled),
    target: row.target,
    intervalSeconds: Number(row.interval_ms) / 1000,
    timeoutSeconds: Number(row.timeout_ms) / 1000,
    retries: row.retries,
    config: readJson(row.config),
    conditions: readJson(row.conditions),
    warningConditions: readJson(row.warning_conditions),
    secretNames: readJson(row.secret_names),
    ciIds: row.ci_ids,
    pushToken: row.push_token,
    agentId: row.agent_id,
    status: statusOfRow(row.state_row),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    version: row.version,
  };
}

function withoutDecoration(row: CheckRow): ChecksTable {
  const { ci_ids: _cis, state_row: _state, ...table } = row;
  return table;
}

function dropEmpty(secrets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(secrets).filter(([, value]) => value !== ''));
}

/** Paths of keys in `value` that name secrets. */
function secretKeys(value: unknown, path: string): string[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => secretKeys(item, `${path}[${i}]`));
  return Object.entries(value).flatMap(([key, inner]) => (SECRET_KEY.test(key) ? [`${path}.${key}`] : secretKeys(inner, `${path}.${key}`)));
}
