import {
  type CreateScanRequest,
  DEFAULT_SCAN_PORTS,
  type DiscoveryScan,
  type RunStatus,
  type RunSummary,
  type ScanHost,
  type ScanOptions,
  type ScanRun,
  type UpdateScanRequest,
} from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../../platform/audit/audit-log';
import { type Dialect, readJson } from '../../../platform/db/database';
import { withTransaction } from '../../../platform/db/transaction';
import { decodeCursor, toPage } from '../../../platform/http/pagination';
import { type FieldError, problems } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import { enqueue } from '../../../platform/jobs';
import type { DiscoveryScansTable } from '../discovery.tables';
import { type RunRow, runJobKey, SCAN_RUN_QUEUE, ScanRepository, type ScanRow, type ScanTables } from './scan.repository';

/**
 * Expands scan targets (addresses, CIDRs, ranges) into addresses, refusing what the scan policy forbids: more than
 * 4,096 addresses unless `force`, IPv6 prefixes shorter than /112, link-local, metadata and multicast addresses.
 * Throws an Error whose message says why. The scan engine provides it (`scan/targets.ts`).
 */
export type TargetExpander = (targets: string[], options: { force: boolean; allowLinkLocal: boolean }) => string[];

/** Options a scan gets when it names none. */
export const DEFAULT_SCAN_OPTIONS: ScanOptions = {
  reverseDns: true,
  serviceHints: true,
  tcpLiveness: true,
  ratePerSecond: 200,
  concurrency: 64,
  timeoutMs: 1_000,
  force: false,
  snmpPort: 161,
};

/** What a scan stores in its `options` column: the probe options, the ports, and how many addresses it covers. */
export interface StoredScanOptions extends ScanOptions {
  ports: number[];
  addressCount: number;
}

/** The audit context of work the system does on its own (a scheduled run). */
export const SCHEDULER_CONTEXT: ActionContext = {
  actor: { type: 'system', id: null, label: 'scheduler' },
  requestId: null,
  sourceIp: null,
};

/** What the scan service is built from. */
export interface ScanServiceDeps {
  db: Kysely<ScanTables>;
  dialect: Dialect;
  audit: AuditLog;
  expandTargets: TargetExpander;
}

/**
 * Scan definitions and their runs. Targets are checked against the scan policy when a scan is created or changed,
 * so a refused range is a 400 naming the target, never a failed run later. Starting a run writes the run and its
 * job in one transaction, refused (409) while another run of the scan is queued or running.
 */
export class ScanService {
  readonly repo: ScanRepository;

  constructor(private readonly deps: ScanServiceDeps) {
    this.repo = new ScanRepository(deps.db);
  }

  /** Scans in name order, keyset-paginated. */
  async list(query: { limit?: number; cursor?: string }): Promise<{ items: DiscoveryScan[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? undefined : String(decodeCursor(query.cursor, 1)[0]);
    const page = toPage(await this.repo.list(limit + 1, after), limit, (r) => [r.name]);
    return { items: page.items.map((r) => this.present(r)), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<DiscoveryScan> {
    const row = await this.repo.get(id);
    if (!row) throw problems.notFound('The scan');
    return this.present(row);
  }

  /** Creates a scan; 400 for a refused target or unknown credential, 409 for a taken name. */
  async create(request: CreateScanRequest, ctx: ActionContext): Promise<DiscoveryScan> {
    const probe = { ...DEFAULT_SCAN_OPTIONS, ...request.options };
    const addressCount = this.checkTargets(request.targets, probe.force);
    const options: StoredScanOptions = { ...probe, ports: request.ports ?? [...DEFAULT_SCAN_PORTS], addressCount };
    const now = Date.now();
    const interval = request.intervalMinutes ?? null;
    const row: DiscoveryScansTable = {
      id: newId(now),
      name: request.name,
      targets: request.targets,
      options,
      interval_minutes: interval,
      // A scheduled scan runs first at once, then every interval.
      next_run_at: interval === null ? null : now,
      created_by: ctx.actor.type === 'user' || ctx.actor.type === 'token' ? ctx.actor.id : null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    const credentialIds = request.credentialIds ?? [];
    return this.write(async (trx) => {
      await this.checkCredentials(trx, credentialIds);
      await this.repo.insert(trx, row, credentialIds);
      const scan = this.present({ ...row, credential_ids: credentialIds, last_run: null });
      await this.audit(trx, ctx, 'discovery_scan.create', row.id, undefined, scan);
      return scan;
    });
  }

  /** Changes a scan when its version is `expected` (412 otherwise); same checks as `create`. */
  async update(id: string, request: UpdateScanRequest, expected: number, ctx: ActionContext): Promise<DiscoveryScan> {
    return this.write(async (trx) => {
      const current = await this.repo.get(id, trx);
      if (!current) throw problems.notFound('The scan');
      if (current.version !== expected) throw problems.preconditionFailed();
      const stored = this.options(current);
      const options: StoredScanOptions = { ...stored, ...request.options, ports: request.ports ?? stored.ports };
      const targets = request.targets ?? (readJson<string[]>(current.targets, this.deps.dialect) as string[]);
      if (request.targets !== undefined || options.force !== stored.force) options.addressCount = this.checkTargets(targets, options.force);
      if (request.credentialIds) await this.checkCredentials(trx, request.credentialIds);
      const now = Date.now();
      const interval = request.intervalMinutes === undefined ? current.interval_minutes : request.intervalMinutes;
      const nextRunAt = interval === null ? null : interval === current.interval_minutes ? current.next_run_at : now + interval * 60_000;
      const next: DiscoveryScansTable = {
        ...current,
        name: request.name ?? current.name,
        targets,
        options,
        interval_minutes: interval,
        next_run_at: nextRunAt,
        updated_at: now,
        version: current.version + 1,
      };
      if (!(await this.repo.update(trx, next, expected, request.credentialIds))) throw problems.preconditionFailed();
      const after = this.present({ ...current, ...next, credential_ids: request.credentialIds ?? current.credential_ids });
      await this.audit(trx, ctx, 'discovery_scan.update', id, this.present(current), after);
      return after;
    });
  }

  /** Deletes a scan with its runs and results; 409 while a run of it is queued or running. */
  async delete(id: string, expected: number, ctx: ActionContext): Promise<void> {
    await this.write(async (trx) => {
      const current = await this.repo.get(id, trx);
      if (!current) throw problems.notFound('The scan');
      if (current.version !== expected) throw problems.preconditionFailed();
      if (await this.repo.activeRun(trx, id)) throw problems.conflict('A run of this scan is queued or running; wait for it to finish.');
      await this.repo.delete(trx, id);
      await this.audit(trx, ctx, 'discovery_scan.delete', id, this.present(current), undefined);
    });
  }

  /**
   * Starts a run of the scan now: writes the run (`queued`) and its job in one transaction. 409 while another run of
   * the scan is queued or running (serialised per scan by a row lock on PostgreSQL; SQLite has one writer).
   */
  async startRun(scanId: string, ctx: ActionContext): Promise<{ id: string }> {
    return this.deps.db.transaction().execute(async (trx) => {
      const scan = await this.repo.lock(trx, scanId, this.deps.dialect === 'postgres');
      if (!scan) throw problems.notFound('The scan');
      const id = await this.enqueueRun(trx, scan, ctx);
      if (id === null) throw problems.conflict(`A run of the scan ${scan.name} is already queued or running.`);
      return { id };
    });
  }

  /**
   * Writes a queued run of `scan` and its job in `trx`, unless a run of it is already queued or running (null then).
   * The caller holds the scan (a lock, or a successful claim of its schedule).
   */
  async enqueueRun(trx: Kysely<ScanTables>, scan: DiscoveryScansTable, ctx: ActionContext): Promise<string | null> {
    if (await this.repo.activeRun(trx, scan.id)) return null;
    const now = Date.now();
    const id = newId(now);
    const user = ctx.actor.type === 'user' || ctx.actor.type === 'token' ? ctx.actor.id : null;
    await this.repo.insertRun(trx, {
      id,
      scan_id: scan.id,
      status: 'queued',
      total: 0,
      done: 0,
      summary: null,
      error: null,
      requested_by: user,
      created_at: now,
      started_at: null,
      finished_at: null,
    });
    await enqueue(trx, { queue: SCAN_RUN_QUEUE, payload: { runId: id }, dedupeKey: runJobKey(id), maxAttempts: 3 });
    await this.deps.audit.append(trx, ctx, {
      action: 'discovery_run.start',
      targetType: 'discovery_run',
      targetId: id,
      after: { scanId: scan.id, scanName: scan.name, scheduled: user === null },
    });
    return id;
  }

  /** A run with its progress and summary; 404 when unknown. */
  async getRun(id: string): Promise<ScanRun> {
    const row = await this.repo.getRun(id);
    if (!row) throw problems.notFound('The run');
    return this.presentRun(row);
  }

  /** A scan's runs, newest first. */
  async listRuns(scanId: string, query: { limit?: number; cursor?: string }): Promise<{ items: ScanRun[]; nextCursor: string | null }> {
    if (!(await this.repo.get(scanId))) throw problems.notFound('The scan');
    const limit = query.limit ?? 50;
    const before = query.cursor === undefined ? undefined : String(decodeCursor(query.cursor, 1)[0]);
    const page = toPage(await this.repo.listRuns(scanId, limit + 1, before), limit, (r) => [r.id]);
    return { items: page.items.map((r) => this.presentRun(r)), nextCursor: page.nextCursor };
  }

  /** A page of a run's hosts in address order, optionally of one change kind. */
  async listHosts(
    runId: string,
    query: { limit?: number; cursor?: string; change?: string },
  ): Promise<{ items: ScanHost[]; nextCursor: string | null }> {
    if (!(await this.repo.getRun(runId))) throw problems.notFound('The run');
    const limit = query.limit ?? 100;
    const after = query.cursor === undefined ? undefined : String(decodeCursor(query.cursor, 1)[0]);
    const page = toPage(await this.repo.hosts(runId, limit + 1, after, query.change), limit, (h) => [h.address]);
    return {
      items: page.items.map((h) => ({
        address: h.address,
        change: h.change as ScanHost['change'],
        data: readJson<ScanHost['data']>(h.data, this.deps.dialect),
        ci: h.ci_id && h.ci_name !== null ? { id: h.ci_id, name: h.ci_name, type: h.ci_type ?? '' } : null,
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** How many addresses `targets` cover; a 400 naming each refused target and why. */
  checkTargets(targets: string[], force: boolean): number {
    const errors: FieldError[] = [];
    let count = 0;
    targets.forEach((target, i) => {
      try {
        count += this.deps.expandTargets([target], { force, allowLinkLocal: false }).length;
      } catch (error) {
        const message = (error as Error).message;
        errors.push({ path: `body/targets/${i}`, message: message.includes(target) ? message : `${target}: ${message}` });
      }
    });
    if (errors.length === 0) {
      try {
        // Each target may pass alone while all of them together are over the limit.
        count = this.deps.expandTargets(targets, { force, allowLinkLocal: false }).length;
      } catch (error) {
        errors.push({ path: 'body/targets', message: (error as Error).message });
      }
    }
    if (errors.length > 0) {
      throw problems.validation(`The scan targets are refused: ${errors.map((e) => e.message).join('; ')}`, errors);
    }
    return count;
  }

  private async checkCredentials(trx: Kysely<ScanTables>, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const rows = await trx.selectFrom('snmp_credentials').select('id').where('id', 'in', ids).execute();
    const known = new Set(rows.map((r) => r.id));
    const errors = ids.flatMap((id, i) =>
      known.has(id) ? [] : [{ path: `body/credentialIds/${i}`, message: 'is not a known SNMP credential' }],
    );
    if (errors.length > 0) throw problems.validation('Unknown SNMP credential.', errors);
  }

  /** The stored options with defaults for anything an older row lacks. */
  options(row: DiscoveryScansTable): StoredScanOptions {
    const stored = readJson<Partial<StoredScanOptions>>(row.options, this.deps.dialect) ?? {};
    return { ...DEFAULT_SCAN_OPTIONS, ports: [...DEFAULT_SCAN_PORTS], addressCount: 0, ...stored };
  }

  private present(row: ScanRow): DiscoveryScan {
    const { ports, addressCount, ...options } = this.options(row);
    const targets = readJson<string[]>(row.targets, this.deps.dialect) ?? [];
    return {
      id: row.id,
      name: row.name,
      targets,
      addressCount,
      ports,
      credentialIds: row.credential_ids,
      options,
      intervalMinutes: row.interval_minutes,
      nextRunAt: row.next_run_at === null ? null : Number(row.next_run_at),
      lastRun: row.last_run
        ? {
            id: row.last_run.id,
            status: row.last_run.status as RunStatus,
            createdAt: Number(row.last_run.created_at),
            finishedAt: row.last_run.finished_at === null ? null : Number(row.last_run.finished_at),
          }
        : null,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      version: row.version,
    };
  }

  presentRun(row: RunRow): ScanRun {
    return {
      id: row.id,
      scanId: row.scan_id,
      scanName: row.scan_name,
      status: row.status as RunStatus,
      total: Number(row.total),
      done: Number(row.done),
      summary: row.summary === null ? null : readJson<RunSummary>(row.summary, this.deps.dialect),
      error: row.error,
      requestedBy: row.requested_by,
      createdAt: Number(row.created_at),
      startedAt: row.started_at === null ? null : Number(row.started_at),
      finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    };
  }

  private audit(trx: Kysely<ScanTables>, ctx: ActionContext, action: string, id: string, before: unknown, after: unknown) {
    return this.deps.audit.append(trx, ctx, { action, targetType: 'discovery_scan', targetId: id, before, after });
  }

  private write<T>(work: (trx: Kysely<ScanTables>) => Promise<T>): Promise<T> {
    return withTransaction(this.deps.db, work, { conflict: 'A scan with this name already exists.' });
  }
}
