import { decodeWriteRequestV1, snappyDecode } from '@estate/tsdb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../../test/fixtures/metric-peers';
import { MetricsBackendClient, MetricsBackendRefusedError, MetricsBackendUnavailableError } from '../remote/metrics-backend-client';
import { type ScriptedBackend, startScriptedBackend } from '../remote/scripted-backend.fixture';
import { MetricQueryError, type MetricSample } from './metric-store';
import { RemoteMetricStore } from './remote-metric-store';

const SECRET = `Basic ${Buffer.from('estate:hunter2').toString('base64')}`;
const samples: MetricSample[] = [
  { labels: { __name__: 'node_load1', instance: 'web-01' }, t: 1_700_000_000_000, v: 0.5 },
  { labels: { __name__: 'node_load1', instance: 'web-01' }, t: 1_700_000_015_000, v: 0.25 },
  { labels: { __name__: 'up', instance: 'web-01' }, t: 1_700_000_000_000, v: 1 },
];

describe('the remote metric store against a scripted backend', () => {
  let backend: ScriptedBackend;
  let sleeps: number[];
  const storeFor = (base: string, maxAttempts = 4) =>
    new RemoteMetricStore(
      new MetricsBackendClient({ baseUrl: base, writeUrl: `${base}/api/v1/write`, authorization: SECRET }, { userAgent: 'Estate/1.2.3' }),
      { maxAttempts, sleep: async (ms) => void sleeps.push(ms) },
    );

  beforeAll(async () => {
    backend = await startScriptedBackend();
  });
  afterAll(() => backend.close());
  beforeEach(() => {
    backend.requests.length = 0;
    sleeps = [];
  });

  it("remote_writes 1.0 with the protocol's headers and resolves after a 2xx", async () => {
    backend.script({ status: 204 });
    expect(await storeFor(backend.base).append(samples)).toEqual({ appended: 3, duplicates: 0, rejected: [] });
    expect(backend.requests).toHaveLength(1);
    const [request] = backend.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/v1/write');
    expect(request?.headers).toMatchObject({
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'x-prometheus-remote-write-version': '0.1.0',
      'user-agent': 'Estate/1.2.3',
      authorization: SECRET,
    });
    const decoded = decodeWriteRequestV1(snappyDecode(new Uint8Array(request?.body ?? [])));
    expect(decoded.series).toEqual([
      {
        labels: [
          ['__name__', 'node_load1'],
          ['instance', 'web-01'],
        ],
        samples: [
          [1_700_000_000_000, 0.5],
          [1_700_000_015_000, 0.25],
        ],
      },
      {
        labels: [
          ['__name__', 'up'],
          ['instance', 'web-01'],
        ],
        samples: [[1_700_000_000_000, 1]],
      },
    ]);
  });

  it('retries a 5xx or 429 with doubling waits, sending the same request again', async () => {
    backend.script({ status: 503, body: 'busy' }, { status: 429 }, { status: 500 }, { status: 200 });
    expect((await storeFor(backend.base).append(samples)).appended).toBe(3);
    expect(backend.requests).toHaveLength(4);
    expect(sleeps).toEqual([200, 400, 800]);
    expect(new Set(backend.requests.map((r) => r.body.toString('base64'))).size).toBe(1);
  });

  it('rejects once the tries are used up, naming the backend and not its credentials', async () => {
    backend.script({ status: 503, body: 'storage is read-only' });
    const failed = await storeFor(backend.base, 3)
      .append(samples)
      .catch((err: Error) => err);
    expect(failed).toBeInstanceOf(MetricsBackendUnavailableError);
    expect((failed as Error).message).toContain(`metrics backend ${backend.base} refused the samples (HTTP 503): storage is read-only`);
    expect((failed as Error).message).toContain('after 3 tries');
    expect((failed as Error).message).not.toContain(SECRET.slice(6));
    expect(backend.requests).toHaveLength(3);
    expect(sleeps).toEqual([200, 400]);
  });

  it('after a request failed every try, fails appends at once until the cool-down is over', async () => {
    let now = 1_000_000;
    const target = { baseUrl: backend.base, writeUrl: `${backend.base}/api/v1/write`, authorization: undefined };
    const store = new RemoteMetricStore(new MetricsBackendClient(target, { userAgent: 'Estate/1.2.3' }), {
      maxAttempts: 2,
      cooldownMs: 5_000,
      now: () => now,
      sleep: async (ms) => void sleeps.push(ms),
    });
    backend.script({ status: 503, body: 'down' });
    await expect(store.append(samples)).rejects.toThrow('(after 2 tries)');
    expect(backend.requests).toHaveLength(2);
    now += 4_000;
    await expect(store.append(samples)).rejects.toThrow(/\(after 2 tries\); not tried again for 1000 ms$/);
    expect(backend.requests).toHaveLength(2);
    now += 1_000;
    backend.script({ status: 204 });
    expect((await store.append(samples)).appended).toBe(3);
    expect(backend.requests).toHaveLength(3);
  });

  it('retries an unreachable backend, then rejects with the socket error, no stack', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const failed = await storeFor(closed, 2)
      .append(samples)
      .catch((err: Error) => err);
    expect(failed).toBeInstanceOf(MetricsBackendUnavailableError);
    expect((failed as Error).message).toBe(`metrics backend ${closed} is unavailable: ECONNREFUSED (after 2 tries)`);
  });

  it('gives up on a request that gets no answer within the write timeout, and retries it', async () => {
    backend.script({ status: 204, hang: true });
    const target = { baseUrl: backend.base, writeUrl: `${backend.base}/api/v1/write`, authorization: undefined };
    const client = new MetricsBackendClient(target, { userAgent: 'Estate/1.2.3', writeTimeoutMs: 50 });
    const store = new RemoteMetricStore(client, { maxAttempts: 2, sleep: async (ms) => void sleeps.push(ms) });
    await expect(store.append(samples)).rejects.toThrow(
      `metrics backend ${backend.base} is unavailable: no answer within 50 ms (after 2 tries)`,
    );
    expect(backend.requests).toHaveLength(2);
  });

  it("reports a request the backend refuses with 400 sample by sample, with the backend's message, without retrying", async () => {
    backend.script({ status: 400, body: 'out of order sample' });
    const result = await storeFor(backend.base).append(samples);
    expect(result.appended).toBe(0);
    expect(result.rejected).toEqual(
      [0, 1, 2].map((index) => ({
        index,
        reason: 'out_of_order',
        message: `metrics backend ${backend.base} refused the samples (HTTP 400): out of order sample`,
      })),
    );
    expect(backend.requests).toHaveLength(1);
  });

  it('rejects a 401 or a redirect at once: configuration, which no retry mends', async () => {
    backend.script({ status: 401, body: 'Unauthorized' });
    await expect(storeFor(backend.base).append(samples)).rejects.toBeInstanceOf(MetricsBackendRefusedError);
    expect(backend.requests).toHaveLength(1);

    backend.requests.length = 0;
    backend.script({ status: 302, headers: { location: 'http://169.254.169.254/latest' } });
    await expect(storeFor(backend.base, 1).append(samples)).rejects.toThrow(
      /answered a redirect \(HTTP 302\), which Estate does not follow/,
    );
    expect(backend.requests.map((r) => r.path)).toEqual(['/api/v1/write']);
  });

  it('reads raw samples with a range selector at the end of the range, dropping what is before its start', async () => {
    const result = [
      {
        metric: { __name__: 'up', job: 'a' },
        values: [
          [1_699_999_999.999, '7'],
          [1_700_000_000, '+Inf'],
          [1_700_000_010.5, 'NaN'],
          [1_700_000_020, '-Inf'],
        ],
      },
    ];
    backend.script({ status: 200, body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } }) });
    const found = await storeFor(backend.base).select(
      [
        { name: '__name__', op: '=', value: 'up' },
        { name: 'job', op: '=~', value: 'a|"b"' },
      ],
      1_700_000_000_000,
      1_700_000_020_000,
    );
    expect(found).toEqual([
      {
        labels: { __name__: 'up', job: 'a' },
        samples: [
          [1_700_000_000_000, Number.POSITIVE_INFINITY],
          [1_700_000_010_500, Number.NaN],
          [1_700_000_020_000, Number.NEGATIVE_INFINITY],
        ],
      },
    ]);
    const [request] = backend.requests;
    expect(request?.path).toBe('/api/v1/query');
    expect(request?.query.get('query')).toBe('{__name__="up",job=~"a|\\"b\\""}[20001ms]');
    expect(request?.query.get('time')).toBe('1700000020');
  });

  it("turns the backend's refusal of a query into a MetricQueryError, and a proxy's page into unavailable", async () => {
    backend.script({ status: 400, body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }) });
    await expect(storeFor(backend.base).labelNames()).rejects.toEqual(new MetricQueryError('parse error'));
    backend.script({ status: 502, body: '<html><body>Bad Gateway</body></html>', headers: { 'content-type': 'text/html' } });
    await expect(storeFor(backend.base).labelValues('job')).rejects.toThrow(
      `metrics backend ${backend.base} answered HTTP 502 without a Prometheus API answer: <html><body>Bad Gateway</body></html>`,
    );
  });
});
