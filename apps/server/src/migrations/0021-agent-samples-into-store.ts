import { EmbeddedMetricStore, type SeriesBatch, toMetricSamples } from '../modules/metrics';
import type { AnyDb, EstateMigration } from './types';

/** Rows read per query. */
const PAGE = 5000;

/** Parses a stored series key of `agent_samples`, `fs.used_bytes{mount="/"}`, back into its name and labels. */
export function parseSeriesKey(key: string): { name: string; labels: Record<string, string> } {
  const open = key.indexOf('{');
  if (open < 0 || !key.endsWith('}')) return { name: key, labels: {} };
  const labels: Record<string, string> = {};
  const body = key.slice(open + 1, -1);
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('="', i);
    if (eq < 0) break;
    const name = body.slice(i, eq);
    let value = '';
    let j = eq + 2;
    for (; j < body.length && body[j] !== '"'; j++) {
      if (body[j] === '\\' && j + 1 < body.length) {
        j++;
        value += body[j] === 'n' ? '\n' : body[j];
      } else value += body[j];
    }
    labels[name] = value;
    i = j + 2; // past the closing quote and the comma
  }
  return { name: key.slice(0, open), labels };
}

/**
 * Moves the samples of `agent_samples` (migration 0006) into the metric store (0020) and drops the table. Each
 * series is renamed and labelled as the store sink does for new reports (node_exporter's names; `instance` = the
 * agent's host name, `ci_id` = its CI, `job="estate-agent"`) and XOR-encoded in chunks by the store itself, which
 * appends through the migration's handle (no transaction of its own). Rows are read a page at a time in series and
 * time order, so each series' samples arrive in order. node_memory_MemTotal_bytes, which the sink derives from two
 * series of one report, is not derived for the old samples.
 */
export async function moveAgentSamplesIntoStore(db: AnyDb): Promise<void> {
  const agents = new Map<string, { instance: string; ciId: string | null }>();
  for (const a of await db.selectFrom('agents').select(['id', 'hostname', 'ci_id']).execute()) {
    agents.set(a.id, { instance: a.hostname, ciId: a.ci_id });
  }
  // Heads written through (no write-ahead log), and late samples not marked for the rollups: the job has not run
  // on this install yet (no agent wrote to the store before this move), and its first run rolls these up.
  const store = new EmbeddedMetricStore(db, { writeAheadLog: false, rollups: { markLate: false } });
  let after: { agent_id: string; series: string; at: number } | undefined;
  for (;;) {
    let query = db.selectFrom('agent_samples').select(['agent_id', 'series', 'at', 'value']);
    if (after) {
      const { agent_id, series, at } = after;
      query = query.where((eb) =>
        eb.or([
          eb('agent_id', '>', agent_id),
          eb.and([eb('agent_id', '=', agent_id), eb('series', '>', series)]),
          eb.and([eb('agent_id', '=', agent_id), eb('series', '=', series), eb('at', '>', at)]),
        ]),
      );
    }
    const rows: Array<{ agent_id: string; series: string; at: number | string; value: number }> = await query
      .orderBy('agent_id')
      .orderBy('series')
      .orderBy('at')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    const samples = [];
    let i = 0;
    while (i < rows.length) {
      const { agent_id, series } = rows[i]!;
      const points: Array<[number, number]> = [];
      for (; i < rows.length && rows[i]!.agent_id === agent_id && rows[i]!.series === series; i++) {
        points.push([Number(rows[i]!.at), Number(rows[i]!.value)]);
      }
      const agent = agents.get(agent_id) ?? { instance: agent_id, ciId: null };
      const batch: SeriesBatch = { ...parseSeriesKey(series), points };
      samples.push(...toMetricSamples({ agentId: agent_id, ...agent }, [batch]));
    }
    await store.appendWithin(db, samples);
    const last = rows[rows.length - 1]!;
    after = { agent_id: last.agent_id, series: last.series, at: Number(last.at) };
  }
  await db.schema.dropTable('agent_samples').execute();
}

/**
 * Was the move above; now a step that does nothing. The move writes through the store's current code, whose tables
 * migration 0036 reshapes, so it runs as part of 0036, on the tables that code expects: an install that has not run
 * this migration yet gets its agent samples moved there. Installs that ran it are not affected.
 */
export const agentSamplesIntoStore: EstateMigration = () => ({
  async up() {},
});
