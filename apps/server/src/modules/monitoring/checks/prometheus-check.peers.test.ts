/**
 * The Prometheus scrape check against Debian's real prometheus-node-exporter on a loopback port (peers tier: skipped
 * without the binary unless ESTATE_TEST_REQUIRE has peers).
 */

import { CheckTypeRegistry } from '@estate/checks/checks/check-executor';
import { policyWithNames } from '@estate/checks/checks/check-servers.fixtures';
import { prometheusCheck } from '@estate/checks/checks/prometheus-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeExporterTier, type RunningNodeExporter, startNodeExporter } from '../../../../test/fixtures/node-exporter';

describe.runIf(nodeExporterTier)('prometheus check scraping a real node_exporter', () => {
  let exporter: RunningNodeExporter | undefined;
  const registry = new CheckTypeRegistry([prometheusCheck(policyWithNames({})) as never]);
  const run = (config: Record<string, unknown>) => registry.prepare('prometheus', config).run(new AbortController().signal);

  beforeAll(async () => {
    exporter = await startNodeExporter();
  }, 30_000);

  afterAll(async () => {
    await exporter?.stop();
  });

  it('is up, storing every node_ series with job and instance and the scrape report, over gzip', async () => {
    const outcome = await run({
      url: exporter!.url,
      job: 'node',
      conditions: [
        '[STATUS] == 200',
        '[SAMPLES] > 100',
        '[METRIC].node_load1 >= 0',
        'len([METRIC].node_cpu_seconds_total{mode="idle"}) > 0',
      ],
    });
    expect(outcome.conditions.filter((c) => !c.passed)).toEqual([]);
    expect(outcome.status).toBe('up');
    const series = outcome.series ?? [];
    const instance = `127.0.0.1:${exporter!.port}`;
    const load = series.filter((s) => s.name === 'node_load1');
    expect(load).toHaveLength(1);
    expect(load[0]?.labels).toEqual({ job: 'node', instance });
    const cpu = series.filter((s) => s.name === 'node_cpu_seconds_total');
    expect(cpu.length).toBeGreaterThan(0);
    expect(cpu.every((s) => s.labels?.job === 'node' && s.labels.instance === instance && s.labels.mode !== undefined)).toBe(true);
    const scraped = outcome.details.samplesScraped as number;
    expect(series).toHaveLength(scraped + 3);
    expect(series.find((s) => s.name === 'up')).toMatchObject({ value: 1, labels: { job: 'node', instance } });
    expect(series.find((s) => s.name === 'scrape_samples_scraped')?.value).toBe(scraped);
    // node_exporter compresses when asked: fewer bytes came over the wire than were parsed.
    expect(outcome.details.bodyBytes as number).toBeLessThan(outcome.details.decodedBytes as number);
  });

  it('fails over a sample limit smaller than what node_exporter serves, storing only the report', async () => {
    const outcome = await run({ url: exporter!.url, sampleLimit: 50 });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(
      /^Sample limit exceeded: the target served \d{3,} samples, more than the limit of 50 \(sampleLimit\); none were stored$/,
    );
    expect((outcome.series ?? []).map((s) => s.name).sort()).toEqual(['scrape_duration_seconds', 'scrape_samples_scraped', 'up']);
  });

  it("is down on a path that serves node_exporter's landing page, naming the HTML it got", async () => {
    const outcome = await run({ url: exporter!.url.replace('/metrics', '/') });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toMatch(
      /^Malformed Prometheus text 0\.0\.4 exposition, line 1: .* \(the target sent Content-Type text\/html.*: is url the metrics path\?\)$/,
    );
    expect((outcome.series ?? []).find((s) => s.name === 'up')?.value).toBe(0);
  });
});
