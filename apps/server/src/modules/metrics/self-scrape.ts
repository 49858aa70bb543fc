/*
 * Estate scrapes itself: its own Prometheus registry (what `/metrics` serves) read in process every 30 seconds and
 * appended to the metric store under `job="estate"`, so Estate's request rates, latencies, memory and event-loop lag
 * can be graphed and queried like any other target's. The text is read with the same exposition parser a scrape
 * check uses (@estate/tsdb).
 */
import { hostname } from 'node:os';
import { parseExposition } from '@estate/tsdb';
import type { MetricMetadata } from './store/metric-metadata';
import type { MetricSample } from './store/metric-store';

/** The job label of Estate's own series. */
export const SELF_JOB = 'estate';

/** The samples and family metadata of one scrape of Estate's own exposition text, at `at` (epoch ms). */
export function selfScrapeSamples(
  text: string,
  at: number,
  instance = hostname(),
): { samples: MetricSample[]; metadata: Map<string, MetricMetadata> } {
  const exposition = parseExposition(text, 'prometheus-text');
  const samples: MetricSample[] = exposition.samples.map((s) => ({
    // The scrape's own target labels win over any the registry set, as Prometheus' honor_labels: false does.
    labels: { ...Object.fromEntries(s.labels), __name__: s.name, job: SELF_JOB, instance },
    t: s.timestampMs ?? at,
    v: s.value,
  }));
  const metadata = new Map<string, MetricMetadata>();
  for (const [family, f] of exposition.families) metadata.set(family, { type: f.type, help: f.help ?? '', unit: f.unit ?? '' });
  return { samples, metadata };
}
