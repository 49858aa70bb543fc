/**
 * Range and instant queries against Debian's real Prometheus server: the cases' series are written as OpenMetrics,
 * turned into TSDB blocks by `promtool tsdb create-blocks-from openmetrics`, served by `prometheus` on a loopback
 * port, and every case is asked of both through the HTTP API (this engine in Prometheus 2 mode: closed windows).
 * The series ended by a stale marker is left out (OpenMetrics cannot carry one). Peers tier.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, tierRequired } from '../../../platform/db/test-databases';
import { PromqlEngine, type PromqlResult } from './engine';
import { PROMQL_CASES, PROMQL_SERIES } from './promql-cases';
import { InMemorySeriesSource } from './series-source';

const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const runs = (existsSync(PROMETHEUS) && existsSync(PROMTOOL)) || tierRequired('peers');
const series = PROMQL_SERIES.filter((s) => !s.stale?.length);
const names = new Set(series.map((s) => s.labels.__name__));
const cases = PROMQL_CASES.filter((c) => !('error' in c.expected) && !/\bgone\b/.test(c.query));

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

function openMetrics(): string {
  const lines: string[] = [];
  for (const name of names) {
    lines.push(`# TYPE ${name} unknown`);
    for (const s of series.filter((x) => x.labels.__name__ === name)) {
      const { __name__: _, ...rest } = s.labels;
      const labels = Object.entries(rest)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',');
      for (const [t, v] of s.samples) lines.push(`${name}{${labels}} ${v} ${t / 1000}`);
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

/** Results comparable across engines: instant vectors sorted by labels unless the query sorts them itself. */
function normalise(result: PromqlResult, query: string): unknown {
  if (result.resultType !== 'vector' || /^sort|^topk|^bottomk/.test(query)) return result;
  const key = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort());
  return { ...result, result: [...result.result].sort((a, b) => (key(a.metric) < key(b.metric) ? -1 : 1)) };
}

/** Equal shapes, labels and timestamps; values equal as text or within 1e-12 relative. */
function assertClose(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'string' && typeof actual === 'string' && actual !== expected) {
    const a = Number(actual);
    const e = Number(expected);
    expect(Number.isFinite(e) && Math.abs(a - e) <= 1e-12 * Math.max(1, Math.abs(e)), `${path}: ${actual} vs ${expected}`).toBe(true);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual) && actual.length, `${path}: length`).toBe(expected.length);
    expected.forEach((e, i) => {
      assertClose((actual as unknown[])[i], e, `${path}[${i}]`);
    });
  } else if (expected && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [k, e] of Object.entries(expected)) {
      if (k === 'metric') expect((actual as Record<string, unknown>)[k], `${path}.metric`).toEqual(e);
      else assertClose((actual as Record<string, unknown>)[k], e, `${path}.${k}`);
    }
  } else {
    expect(actual, path).toEqual(expected);
  }
}

describe.runIf(runs)('PromQL cases against a real Prometheus server', () => {
  let server: ChildProcess | undefined;
  let base = '';
  let dir = '';
  const engine = new PromqlEngine(new InMemorySeriesSource(series), { closedRanges: true });

  beforeAll(async () => {
    if (!existsSync(PROMETHEUS)) throw new Error(`peers tier required but ${PROMETHEUS} is missing (apt-get install prometheus).`);
    dir = mkdtempSync(join(tmpdir(), 'estate-prometheus-'));
    writeFileSync(join(dir, 'series.om'), openMetrics());
    writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
    const blocks = spawnSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'series.om'), join(dir, 'data')], {
      encoding: 'utf8',
    });
    if (blocks.status !== 0) throw new Error(`promtool create-blocks-from failed: ${blocks.stderr}`);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        '--storage.tsdb.retention.time=100y',
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    );
    await eventually(async () => (await fetch(`${base}/-/ready`).catch(() => undefined))?.ok === true, 30_000);
  }, 60_000);

  afterAll(() => {
    server?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const c of cases) {
    const label = c.range ? `${c.query} [${c.range.start}..${c.range.end} step ${c.range.step}]` : `${c.query} @ ${c.at ?? 600}`;
    it(label, async () => {
      const params = new URLSearchParams({ query: c.query });
      let ours: PromqlResult;
      let path: string;
      if (c.range) {
        params.set('start', String(c.range.start));
        params.set('end', String(c.range.end));
        params.set('step', String(c.range.step));
        path = 'query_range';
        ours = await engine.evalRange(c.query, c.range.start * 1000, c.range.end * 1000, c.range.step * 1000);
      } else {
        params.set('time', String(c.at ?? 600));
        path = 'query';
        ours = await engine.evalInstant(c.query, (c.at ?? 600) * 1000);
      }
      const response = await fetch(`${base}/api/v1/${path}?${params}`);
      const body = (await response.json()) as { status: string; data: PromqlResult; error?: string };
      expect(body.status, body.error).toBe('success');
      assertClose(normalise(ours, c.query), normalise(body.data, c.query), c.query);
    });
  }
});
