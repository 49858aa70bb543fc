/*
 * The checks' states at a past time, for backtests of check-state rules: each enabled check's state at `t` is its
 * last recorded change at or before `t` (monitoring's check_state_history), `unknown` from its creation until its
 * first change. Labels are the ones the engine gives check alerts (sources.ts checkLabels).
 */
import { type Kysely, sql } from 'kysely';
import { checkLabels } from '../alerts/sources';
import type { CheckState, CheckStatus } from '../rules';

interface Change {
  at: number;
  state: CheckStatus;
}

interface CheckHistory {
  labels: Record<string, string>;
  createdAt: number;
  /** Ascending by time. */
  changes: Change[];
}

/** Loads the history needed to answer states over [from, to]. */
// biome-ignore lint/suspicious/noExplicitAny: the monitoring module's tables on the shared store, read only.
export async function loadCheckHistory(db: Kysely<any>, from: number, to: number): Promise<(timeMs: number) => CheckState[]> {
  const checks = await db.selectFrom('checks').select(['id', 'name', 'type', 'target', 'created_at']).where('enabled', '=', 1).execute();
  const links = await db
    .selectFrom('check_cis')
    .innerJoin('cis', 'cis.id', 'check_cis.ci_id')
    .select(['check_cis.check_id', 'check_cis.ci_id', 'cis.name'])
    .orderBy('cis.name')
    .execute();
  // The last change before `from` of each check, then every change within the range.
  const latestBefore = db
    .selectFrom('check_state_history')
    .select(['check_id', sql<number>`max(at)`.as('at')])
    .where('at', '<', from)
    .groupBy('check_id')
    .as('latest');
  const before = await db
    .selectFrom('check_state_history as h')
    .innerJoin(latestBefore, (j) => j.onRef('latest.check_id', '=', 'h.check_id').onRef('latest.at', '=', 'h.at'))
    .select(['h.check_id', 'h.at', 'h.state'])
    .execute();
  const within = await db
    .selectFrom('check_state_history')
    .select(['check_id', 'at', 'state'])
    .where('at', '>=', from)
    .where('at', '<=', to)
    .orderBy('at')
    .orderBy('id')
    .execute();
  const byCheck = new Map<string, CheckHistory>();
  for (const c of checks) {
    const cis = links.filter((l) => l.check_id === c.id).map((l) => ({ id: l.ci_id as string, name: l.name as string }));
    byCheck.set(c.id, {
      labels: checkLabels({
        checkId: c.id,
        name: c.name,
        type: c.type,
        target: c.target,
        cis,
        state: 'unknown',
        since: 0,
        lastRunAt: null,
        intervalMs: 0,
      }),
      createdAt: Number(c.created_at),
      changes: [],
    });
  }
  for (const row of [...before, ...within]) {
    byCheck.get(row.check_id)?.changes.push({ at: Number(row.at), state: row.state as CheckStatus });
  }
  const histories = [...byCheck.values()];
  for (const h of histories) h.changes.sort((a, b) => a.at - b.at);
  return (timeMs) => {
    const out: CheckState[] = [];
    for (const h of histories) {
      if (h.createdAt > timeMs) continue;
      let current: Change | undefined;
      for (const change of h.changes) {
        if (change.at > timeMs) break;
        current = change;
      }
      out.push({ labels: h.labels, status: current?.state ?? 'unknown', since: current?.at ?? h.createdAt });
    }
    return out;
  };
}
