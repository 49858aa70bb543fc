/*
 * The escalation runtime: one running escalation per incident key, advanced by a periodic tick. Each tick asks the
 * pure `escalationDue` what the policy has made due by now, resolves schedules to who is on call at each step's
 * instant, hands every notification not yet handed over to the `notify` callback, and records that in the same
 * transaction — so a page is handed over once (a tick run twice finds nothing new), never after acknowledgement or
 * resolution, and a step is handled at most once even if a schedule changes afterwards. The same tick hands over
 * handoff notices: each change of the person on call since the previous tick, once.
 */
import type { Kysely } from 'kysely';
import { withTransaction } from '../../../platform/db/transaction';
import { newId } from '../../../platform/ids';
import { type EscalationNotification, escalationDue, type OnCallLookup } from './escalation';
import { policyOf } from './escalation-policy.service';
import type { EscalationRow, OnCallRepository } from './oncall.repository';
import type { OnCallTables } from './oncall.tables';
import { scheduleHandoffs, whoIsOnCall } from './schedule';
import { scheduleOf } from './schedule.service';
import type { Handoff, Schedule } from './schedule-types';
import { validateSchedule } from './schedule-validation';

/** What the alerting side tells the runtime about the alert: free-form JSON (title, labels, links), kept as given. */
export type EscalationAlertSummary = Readonly<Record<string, unknown>>;

/** Something the runtime hands over for delivery. */
export type OnCallNotice =
  | ({ kind: 'escalation'; incidentKey: string; policyId: string; alert: EscalationAlertSummary } & EscalationNotification)
  | ({ kind: 'handoff'; scheduleId: string; scheduleName: string } & Handoff);

/**
 * Delivers a notice (the lead wires it to notification channels). Called inside the runtime's transaction: enqueue
 * the delivery there, so the notice and the progress that records it commit together.
 */
// biome-ignore lint/suspicious/noExplicitAny: the transaction of the shared store, typed by the receiver.
export type OnCallNotify = (trx: Kysely<any>, notice: OnCallNotice) => Promise<void>;

/** The escalation service other parts call. Every method takes the caller's transaction. */
export interface EscalationService {
  /** Starts escalating an incident under a policy; idempotent per incident key (answers false if it was running). */
  // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction on the shared store.
  start(trx: Kysely<any>, input: { incidentKey: string; policyId: string; alert: EscalationAlertSummary }): Promise<boolean>;
  /**
   * Stops paging for an incident: a person took it (`userId`, or null when no account is known: a signed link in a
   * message). Answers false when it was not running.
   */
  // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction on the shared store.
  acknowledge(trx: Kysely<any>, incidentKey: string, userId: string | null): Promise<boolean>;
  /** Stops paging for an incident: it is over. Answers false when it was not running. */
  // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction on the shared store.
  resolve(trx: Kysely<any>, incidentKey: string): Promise<boolean>;
  /** Hands over what is due at `now`: escalation steps and handoff notices. Answers how many notices it handed over. */
  tick(now?: number): Promise<number>;
}

export interface EscalationRuntimeDeps {
  repo: OnCallRepository;
  notify: OnCallNotify;
  now: () => number;
}

/** How the runtime records what it has handled: `pass:step` keys of steps notified or skipped. */
interface Progress {
  handled: string[];
}

/** How many escalations one tick advances; the rest wait for the next tick. */
const TICK_BATCH = 200;
/** After downtime, handoffs older than this are not announced any more. */
const HANDOFF_LOOKBACK_MS = 60 * 60_000;

/** Builds the escalation runtime over the on-call store. */
export function createEscalationRuntime(deps: EscalationRuntimeDeps): EscalationService {
  const { repo } = deps;
  const dialect = repo.dialect;
  const on = (trx: Kysely<unknown>) => repo.with(trx as unknown as Kysely<OnCallTables>);

  /** Who schedules have on call, reading each schedule once per advance. */
  const lookupFor = async (r: OnCallRepository, ids: readonly string[]): Promise<OnCallLookup> => {
    const schedules = new Map<string, Schedule>();
    for (const row of await r.schedulesByIds(ids)) {
      const schedule = scheduleOf(row, dialect);
      if (validateSchedule(schedule).errors.length === 0) schedules.set(row.id, schedule);
    }
    return (scheduleId, at) => {
      const schedule = schedules.get(scheduleId);
      return schedule ? (whoIsOnCall(schedule, at)?.person ?? null) : null;
    };
  };

  /** Hands over what is due on one escalation by `now` and records it; returns how many notices it handed over. */
  const advance = async (trx: Kysely<unknown>, row: EscalationRow, now: number): Promise<number> => {
    const r = on(trx);
    if (row.acknowledged_at !== null || row.resolved_at !== null) return 0;
    const policyRow = await r.getPolicy(row.policy_id);
    if (!policyRow) {
      await r.updateEscalation(row.id, { next_at: null, updated_at: now });
      return 0;
    }
    const policy = policyOf(policyRow, dialect);
    const scheduleIds = policy.steps.flatMap((s) => s.targets.flatMap((t) => (t.kind === 'schedule' ? [t.scheduleId] : [])));
    const lookup = await lookupFor(r, scheduleIds);
    const due = escalationDue({ triggeredAt: Number(row.started_at), acknowledgedAt: null, resolvedAt: null }, policy, lookup, now);
    const progress: Progress = { handled: [...(readProgress(row.progress, dialect).handled ?? [])] };
    const handled = new Set(progress.handled);
    const alert = readProgress<EscalationAlertSummary>(row.alert, dialect);
    let sent = 0;
    const newlyHandled = new Set<string>();
    for (const notification of due.notifications) {
      const key = `${notification.pass}:${notification.step}`;
      // A step is handled once: all its recipients in the tick that first found it due.
      if (handled.has(key)) continue;
      await deps.notify(trx, { kind: 'escalation', incidentKey: row.incident_key, policyId: row.policy_id, alert, ...notification });
      newlyHandled.add(key);
      sent++;
    }
    for (const skip of due.skipped) {
      const key = `${skip.pass}:${skip.step}`;
      if (!handled.has(key)) newlyHandled.add(key);
    }
    progress.handled.push(...newlyHandled);
    await r.updateEscalation(row.id, { progress, next_at: due.nextAt, updated_at: now });
    return sent;
  };

  const handoffs = async (now: number): Promise<number> => {
    return withTransaction(repo.db, async (trx) => {
      const r = repo.with(trx);
      const marks = new Map((await r.handoffMarks()).map((m) => [m.schedule_id, Number(m.checked_until)]));
      let sent = 0;
      for (const row of await r.allSchedules()) {
        const until = now + 1;
        const mark = marks.get(row.id);
        // The first look at a schedule only sets its mark: what happened before is not news.
        if (mark !== undefined && mark < until) {
          const schedule = scheduleOf(row, dialect);
          if (validateSchedule(schedule).errors.length === 0) {
            for (const handoff of scheduleHandoffs(schedule, Math.max(mark, now - HANDOFF_LOOKBACK_MS), until)) {
              await deps.notify(trx, { kind: 'handoff', scheduleId: row.id, scheduleName: row.name, ...handoff });
              sent++;
            }
          }
        }
        if (mark === undefined || mark < until) await r.setHandoffMark(row.id, until);
      }
      return sent;
    });
  };

  return {
    async start(trx, input) {
      const r = on(trx);
      const now = deps.now();
      const inserted = await r.insertEscalation({
        id: newId(now),
        incident_key: input.incidentKey,
        policy_id: input.policyId,
        alert: input.alert,
        started_at: now,
        acknowledged_at: null,
        acknowledged_by: null,
        resolved_at: null,
        progress: { handled: [] },
        next_at: now,
        updated_at: now,
      });
      if (!inserted) return false;
      const row = await r.getEscalation(input.incidentKey, true);
      // The first step pages at once, in the caller's transaction, rather than waiting for the next tick.
      if (row) await advance(trx, row, now);
      return true;
    },

    async acknowledge(trx, incidentKey, userId) {
      const r = on(trx);
      const row = await r.getEscalation(incidentKey, true);
      if (!row || row.acknowledged_at !== null || row.resolved_at !== null) return false;
      const now = deps.now();
      await r.updateEscalation(row.id, { acknowledged_at: now, acknowledged_by: userId, next_at: null, updated_at: now });
      return true;
    },

    async resolve(trx, incidentKey) {
      const r = on(trx);
      const row = await r.getEscalation(incidentKey, true);
      if (!row || row.resolved_at !== null) return false;
      const now = deps.now();
      await r.updateEscalation(row.id, { resolved_at: now, next_at: null, updated_at: now });
      return true;
    },

    async tick(at) {
      const now = at ?? deps.now();
      let sent = 0;
      for (const key of await repo.dueEscalationKeys(now, TICK_BATCH)) {
        // One transaction per escalation: a failing delivery hand-over holds up only its own incident.
        sent += await withTransaction(repo.db, async (trx) => {
          const row = await repo.with(trx).getEscalation(key, true);
          if (!row || row.next_at === null || Number(row.next_at) > now) return 0;
          return advance(trx as unknown as Kysely<unknown>, row, now);
        });
      }
      return sent + (await handoffs(now));
    },
  };
}

function readProgress<T = Progress>(value: unknown, dialect: 'sqlite' | 'postgres'): T {
  return (value === null || value === undefined ? {} : typeof value === 'string' && dialect === 'sqlite' ? JSON.parse(value) : value) as T;
}
