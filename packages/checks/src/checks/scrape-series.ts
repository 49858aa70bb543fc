import type { ExpositionSample } from '@estate/tsdb';
import type { CheckSeriesSample } from './check-executor';

/** The labels a scrape gives every series it stores, as Prometheus' `job` and `instance` target labels. */
export interface ScrapeTarget {
  job: string;
  instance: string;
  /** Whether the target's own `job`/`instance` labels win over these (Prometheus' `honor_labels: true`). */
  honorLabels: boolean;
  /** Whether a sample's own timestamp is kept (Prometheus' `honor_timestamps`, default true); else the run's time. */
  honorTimestamps: boolean;
}

/** Labels the recorder sets on every series of a check; a scraped one is kept as `exported_<name>` instead of lost. */
const RECORDER_LABELS = ['check_id', 'check_name'] as const;

/** `exported_<name>`, with more `exported_` until it names no label the sample has (as Prometheus does). */
function exportedName(name: string, labels: Readonly<Record<string, string>>): string {
  let exported = `exported_${name}`;
  while (Object.hasOwn(labels, exported)) exported = `exported_${exported}`;
  return exported;
}

function moveAside(labels: Record<string, string>, name: string): void {
  if (!Object.hasOwn(labels, name)) return;
  const value = labels[name] as string;
  delete labels[name];
  labels[exportedName(name, labels)] = value;
}

/**
 * The series a scrape stores: every sample with the target's `job` and `instance`. A sample's own `job` or `instance`
 * becomes `exported_job` / `exported_instance` unless `honorLabels`, when it wins; labels with an empty value are
 * dropped, as Prometheus drops them.
 */
export function scrapedSeries(samples: readonly ExpositionSample[], target: ScrapeTarget): CheckSeriesSample[] {
  const own = { job: target.job, instance: target.instance };
  return samples.map((sample) => {
    const labels: Record<string, string> = {};
    for (const [name, value] of sample.labels) labels[name] = value;
    for (const name of RECORDER_LABELS) moveAside(labels, name);
    for (const [name, value] of Object.entries(own)) {
      if (target.honorLabels && labels[name]) continue;
      if (!target.honorLabels) moveAside(labels, name);
      labels[name] = value;
    }
    for (const [name, value] of Object.entries(labels)) if (value === '') delete labels[name];
    const series: CheckSeriesSample = { name: sample.name, labels, value: sample.value };
    if (target.honorTimestamps && sample.timestampMs !== undefined) series.t = sample.timestampMs;
    return series;
  });
}

/** What a scrape reports about itself, whether it succeeded or not. */
export interface ScrapeReport {
  up: boolean;
  durationSeconds: number;
  /** Samples the target served (counted even when over the sample limit); 0 when none could be read. */
  samplesScraped: number;
}

/** Prometheus' own series about a scrape: `up`, `scrape_duration_seconds` and `scrape_samples_scraped`. */
export function scrapeReportSeries(report: ScrapeReport, target: Pick<ScrapeTarget, 'job' | 'instance'>): CheckSeriesSample[] {
  const labels = { job: target.job, instance: target.instance };
  return [
    { name: 'up', labels, value: report.up ? 1 : 0 },
    { name: 'scrape_duration_seconds', labels, value: report.durationSeconds },
    { name: 'scrape_samples_scraped', labels, value: report.samplesScraped },
  ];
}
