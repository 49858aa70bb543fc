/**
 * The exposition parser against a real exporter: Debian's prometheus-node-exporter, started on a loopback port and
 * scraped in both formats it negotiates. Peers tier (skipped without the binary unless ESTATE_TEST_REQUIRE has peers).
 */
import { expositionFormatOf, parseExposition } from '@estate/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeExporterTier, type RunningNodeExporter, startNodeExporter } from '../../../test/fixtures/node-exporter';

describe.runIf(nodeExporterTier)('parsing a real prometheus-node-exporter', () => {
  let exporter: RunningNodeExporter | undefined;
  let url = '';

  beforeAll(async () => {
    exporter = await startNodeExporter();
    url = exporter.url;
  }, 30_000);

  afterAll(async () => {
    await exporter?.stop();
  });

  it('reads the 0.0.4 text format: every sample, the families typed, node_cpu_seconds_total as labelled counters', async () => {
    const res = await fetch(url, { headers: { accept: 'text/plain;version=0.0.4' } });
    const text = await res.text();
    expect(expositionFormatOf(res.headers.get('content-type') ?? undefined)).toBe('prometheus-text');
    const { families, samples } = parseExposition(text, 'prometheus-text');
    const sampleLines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(samples).toHaveLength(sampleLines.length);
    expect(families.get('node_cpu_seconds_total')?.type).toBe('counter');
    expect(families.get('node_load1')?.type).toBe('gauge');
    const cpu = samples.filter((s) => s.name === 'node_cpu_seconds_total');
    expect(cpu.length).toBeGreaterThan(0);
    expect(cpu.every((s) => s.labels.some(([n]) => n === 'cpu') && s.labels.some(([n]) => n === 'mode'))).toBe(true);
    // A summary's quantiles, and untyped families, as node_exporter writes them.
    expect(families.get('go_gc_duration_seconds')?.type).toBe('summary');
    expect(samples.some((s) => s.name === 'go_gc_duration_seconds' && s.labels.some(([n, v]) => n === 'quantile' && v === '0.5'))).toBe(
      true,
    );
    expect([...families.values()].some((f) => f.type === 'untyped')).toBe(true);
  });

  it('reads what the exporter answers to an OpenMetrics request by its Content-Type (Debian 1.5 answers 0.0.4)', async () => {
    const res = await fetch(url, { headers: { accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5' } });
    const format = expositionFormatOf(res.headers.get('content-type') ?? undefined);
    const { families, samples } = parseExposition(await res.text(), format);
    expect(families.get('node_cpu_seconds')?.type ?? families.get('node_cpu_seconds_total')?.type).toBe('counter');
    expect(samples.some((s) => s.name === 'node_cpu_seconds_total')).toBe(true);
    expect(samples.some((s) => s.name === 'node_load1')).toBe(true);
  });
});
