/**
 * The golden test: the same series go, as the same remote_write bytes, into Estate (through its /api/v1/write) and
 * into Debian's real Prometheus (its remote-write receiver); every query of golden-queries.txt is asked of both over
 * their HTTP APIs, as an instant and as a range query, and the answers must be equal: labels, timestamps and values
 * (within 1e-9 relative, for summation order). Peers tier.
 */
import { existsSync, readFileSync } from 'node:fs';
import { encodeWriteRequestV1, snappyEncode } from '@estate/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMETHEUS, type RunningBackend, startPrometheus } from '../../../../../test/fixtures/metric-peers';
import { createTestEstate, type TestEstate, testEngines } from '../../../../../test/harness';
import { tierRequired } from '../../../../platform/db/test-databases';
import { GOLDEN_SPAN_MS, goldenSeries } from './golden-series';

const runs = existsSync(PROMETHEUS) || tierRequired('peers');
const [engine] = testEngines();

const QUERIES = readFileSync(new URL('./golden-queries.txt', import.meta.url), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => (line.startsWith('instant:') ? { query: line.slice(8).trim(), range: false } : { query: line, range: true }));

/** The first sample: whole minutes, 55 minutes ago, so that every sample is recent and none is in the future. */
const BASE = Math.floor(Date.now() / 60_000) * 60_000 - 55 * 60_000;
/**
 * Evaluation times 7 s past the minute: a subquery's steps are whole multiples of its step, and one landing exactly on
 * its range's start is inside it for Prometheus 2 and outside it for Prometheus 3 (whose windows Estate follows).
 */
const AT = (BASE + 45 * 60_000 + 7_000) / 1000;
const RANGE = { start: (BASE + 10 * 60_000 + 7_000) / 1000, end: (BASE + GOLDEN_SPAN_MS) / 1000, step: 60 };

interface Answer {
  status: string;
  errorType?: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

/** Vectors and matrices in one order (by labels) unless the query orders them itself. */
function normalise(data: Answer['data'], query: string): unknown {
  if (!data || (data.resultType !== 'vector' && data.resultType !== 'matrix')) return data;
  if (data.resultType === 'vector' && /^\s*(sort|topk|bottomk)/.test(query)) return data;
  const key = (r: { metric: Record<string, string> }) => JSON.stringify(Object.entries(r.metric).sort());
  return { ...data, result: [...(data.result as Array<{ metric: Record<string, string> }>)].sort((a, b) => (key(a) < key(b) ? -1 : 1)) };
}

/** Equal shapes, labels and timestamps; numbers as text equal or within 1e-9 relative. */
function differences(actual: unknown, expected: unknown, path: string, out: string[]): void {
  if (out.length > 5) return;
  if (typeof expected === 'string' && typeof actual === 'string') {
    if (actual === expected) return;
    const [a, e] = [Number(actual), Number(expected)];
    if (!(Number.isFinite(a) && Number.isFinite(e) && Math.abs(a - e) <= 1e-9 * Math.max(1, Math.abs(e)))) {
      out.push(`${path}: Estate ${actual}, Prometheus ${expected}`);
    }
  } else if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      out.push(`${path}: Estate has ${Array.isArray(actual) ? actual.length : typeof actual} items, Prometheus ${expected.length}`);
      return;
    }
    expected.forEach((e, i) => {
      differences(actual[i], e, `${path}[${i}]`, out);
    });
  } else if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') {
      out.push(`${path}: Estate ${JSON.stringify(actual)}`);
      return;
    }
    for (const k of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      const [a, e] = [(actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]];
      if (k === 'metric') {
        if (JSON.stringify(Object.entries(a ?? {}).sort()) !== JSON.stringify(Object.entries(e ?? {}).sort())) {
          out.push(`${path}.metric: Estate ${JSON.stringify(a)}, Prometheus ${JSON.stringify(e)}`);
        }
      } else differences(a, e, `${path}.${k}`, out);
    }
  } else if (actual !== expected) out.push(`${path}: Estate ${JSON.stringify(actual)}, Prometheus ${JSON.stringify(expected)}`);
}

describe.runIf(runs)('golden PromQL: Estate and a real Prometheus over the same remote-written series', () => {
  let t: TestEstate;
  let prometheus: RunningBackend;
  let reader: Record<string, string>;

  const ask = async (path: string, params: URLSearchParams): Promise<[Answer, Answer]> => {
    const ours = await t.anonymous().request('GET', `/api/v1/${path}?${params}`, undefined, reader);
    const theirs = await fetch(`${prometheus.base}/api/v1/${path}?${params}`);
    return [ours.json() as Answer, (await theirs.json()) as Answer];
  };

  beforeAll(async () => {
    expect(QUERIES.length).toBeGreaterThanOrEqual(100);
    t = await createTestEstate(engine!);
    const admin = await t.setupAdmin();
    const token = async (scopes: string[]) =>
      `Bearer ${(await admin.request('POST', '/api/v1/tokens', { name: scopes.join(' '), scopes })).json().token}`;
    reader = { authorization: await token(['metrics:read']) };
    const writer = { authorization: await token(['metrics:write']) };
    prometheus = await startPrometheus();

    const body = Buffer.from(snappyEncode(encodeWriteRequestV1(goldenSeries(BASE))));
    const headers = {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
    };
    const ours = await t.estate.http.inject({ method: 'POST', url: '/api/v1/write', payload: body, headers: { ...headers, ...writer } });
    expect(ours.statusCode, ours.body).toBe(204);
    const theirs = await fetch(`${prometheus.base}/api/v1/write`, { method: 'POST', body, headers });
    expect(theirs.status, await theirs.text()).toBe(204);
  }, 60_000);
  afterAll(async () => {
    await prometheus?.stop();
    await t?.close();
  });

  it('holds the same series as Prometheus', async () => {
    const [ours, theirs] = await ask(
      'series',
      new URLSearchParams({ 'match[]': '{__name__=~".+"}', start: String(BASE / 1000), end: String(AT) }),
    );
    expect(theirs.status).toBe('success');
    const labelSets = (answer: Answer) =>
      (answer.data as unknown as Array<Record<string, string>>).map((m) => JSON.stringify(Object.entries(m).sort())).sort();
    expect(labelSets(ours)).toEqual(labelSets(theirs));
  });

  for (const { query, range } of QUERIES) {
    it(`instant: ${query}`, async () => {
      const [ours, theirs] = await ask('query', new URLSearchParams({ query, time: String(AT) }));
      expect(theirs.status, `Prometheus: ${theirs.error}`).toBe('success');
      expect(ours.status, `Estate: ${ours.error}`).toBe('success');
      const out: string[] = [];
      differences(normalise(ours.data, query), normalise(theirs.data, query), 'data', out);
      expect(out).toEqual([]);
    });
    if (range) {
      it(`range: ${query}`, async () => {
        const params = new URLSearchParams({ query, start: String(RANGE.start), end: String(RANGE.end), step: String(RANGE.step) });
        const [ours, theirs] = await ask('query_range', params);
        expect(theirs.status, `Prometheus: ${theirs.error}`).toBe('success');
        expect(ours.status, `Estate: ${ours.error}`).toBe('success');
        const out: string[] = [];
        differences(normalise(ours.data, query), normalise(theirs.data, query), 'data', out);
        expect(out).toEqual([]);
      });
    }
  }
});
