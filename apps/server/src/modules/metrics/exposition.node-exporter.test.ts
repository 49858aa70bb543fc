/**
 * The exposition parser against a real exporter: Debian's prometheus-node-exporter, started on a loopback port and
 * scraped in both formats it negotiates. Peers tier (skipped without the binary unless ESTATE_TEST_REQUIRE has peers).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { expositionFormatOf, parseExposition } from '@estate/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, tierRequired } from '../../platform/db/test-databases';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const runs = existsSync(NODE_EXPORTER) || tierRequired('peers');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe.runIf(runs)('parsing a real prometheus-node-exporter', () => {
  let exporter: ChildProcess | undefined;
  let url = '';

  beforeAll(async () => {
    if (!existsSync(NODE_EXPORTER))
      throw new Error(`ESTATE_TEST_REQUIRE includes peers but ${NODE_EXPORTER} is missing (apt-get install prometheus-node-exporter).`);
    const port = await freePort();
    url = `http://127.0.0.1:${port}/metrics`;
    exporter = spawn(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    await eventually(async () => (await fetch(url).catch(() => undefined))?.ok === true, 15_000);
  }, 30_000);

  afterAll(() => {
    exporter?.kill('SIGTERM');
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
