import { encodeWriteRequestV1, encodeWriteRequestV2, snappyEncode, type WriteSeries } from '@estate/tsdb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestEstate, type TestEstate, testEngines } from '../../../test/harness';

/** Prometheus' stale marker, as a sender writes it when a series ends. */
const STALE = new DataView(new Uint8Array([0x7f, 0xf0, 0, 0, 0, 0, 0, 2]).buffer).getFloat64(0);
const V1 = 'application/x-protobuf';
const V2 = 'application/x-protobuf;proto=io.prometheus.write.v2.Request';

const series = (name: string, extra: Record<string, string>, samples: Array<[number, number]>): WriteSeries => ({
  labels: [['__name__', name], ...Object.entries(extra)],
  samples,
});

for (const engine of testEngines()) {
  describe(`remote_write receiver on ${engine.dialect}`, () => {
    let t: TestEstate;
    let writer: Record<string, string>;
    let reader: Record<string, string>;
    // Recent times: the receiver refuses samples older than the raw retention.
    const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000;

    const post = (body: Uint8Array, headers: Record<string, string>) =>
      t.estate.http.inject({ method: 'POST', url: '/api/v1/write', payload: Buffer.from(body), headers });
    const write = (s: WriteSeries[], contentType = V1, auth = writer) =>
      post(snappyEncode(contentType === V1 ? encodeWriteRequestV1(s) : encodeWriteRequestV2(s)), {
        ...auth,
        'content-type': contentType,
        'content-encoding': 'snappy',
        'x-prometheus-remote-write-version': contentType === V1 ? '0.1.0' : '2.0.0',
      });
    const query = async (q: string, at: number) => {
      const res = await t.anonymous().request('GET', `/api/v1/query?query=${encodeURIComponent(q)}&time=${at / 1000}`, undefined, reader);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().data.result as Array<{ metric: Record<string, string>; value: [number, string] }>;
    };

    beforeAll(async () => {
      t = await createTestEstate(engine);
      const admin = await t.setupAdmin();
      const token = async (scopes: string[]) =>
        `Bearer ${(await admin.request('POST', '/api/v1/tokens', { name: scopes.join(' '), scopes })).json().token}`;
      writer = { authorization: await token(['metrics:write']) };
      reader = { authorization: await token(['metrics:read']) };
    });
    afterAll(() => t?.close());

    it('stores a 1.0 request and answers 204 with the written headers, after which PromQL reads it', async () => {
      const res = await write([
        series('node_load1', { instance: 'web-1:9100', job: 'node' }, [
          [T0, 0.5],
          [T0 + 15_000, 0.75],
        ]),
        series('node_load1', { instance: 'web-2:9100', job: 'node' }, [[T0, 2]]),
      ]);
      expect(res.statusCode, res.body).toBe(204);
      expect(res.headers['x-prometheus-remote-write-samples-written']).toBe('3');
      expect(res.headers['x-prometheus-remote-write-histograms-written']).toBe('0');
      const result = await query('node_load1', T0 + 20_000);
      expect(result.map((r) => [r.metric.instance, r.value[1]])).toEqual([
        ['web-1:9100', '0.75'],
        ['web-2:9100', '2'],
      ]);
    });

    it('stores a 2.0 request chosen by Content-Type, and takes an exact resend as written again', async () => {
      const body = [
        {
          ...series('http_requests_total', { job: 'api', code: '200' }, [
            [T0, 10],
            [T0 + 15_000, 25],
          ]),
          metadata: { type: 'counter' as const, help: 'Requests served', unit: '' },
        },
      ];
      const res = await write(body, V2);
      expect(res.statusCode, res.body).toBe(204);
      expect(res.headers['x-prometheus-remote-write-samples-written']).toBe('2');
      const again = await write(body, V2);
      expect(again.statusCode, again.body).toBe(204);
      expect(again.headers['x-prometheus-remote-write-samples-written']).toBe('2');
      // The metadata 2.0 carries per series is kept by family, for /api/v1/metadata.
      const metadata = await t.anonymous().request('GET', '/api/v1/metadata', undefined, reader);
      expect(metadata.json().data.http_requests_total).toEqual([{ type: 'counter', help: 'Requests served', unit: '' }]);
      expect(await query('http_requests_total', T0 + 15_000)).toEqual([
        { metric: { __name__: 'http_requests_total', code: '200', job: 'api' }, value: [(T0 + 15_000) / 1000, '25'] },
      ]);
    });

    it('keeps the stale marker a sender writes when a series ends', async () => {
      const res = await write([
        {
          ...series('up', { job: 'gone' }, [
            [T0, 1],
            [T0 + 15_000, STALE],
          ]),
          stale: [1],
        },
      ]);
      expect(res.statusCode, res.body).toBe(204);
      const [stored] = await t.estate.metrics.store.select([{ name: 'job', op: '=', value: 'gone' }], T0, T0 + 60_000);
      expect(stored?.stale).toEqual([T0 + 15_000]);
      expect(await query('up{job="gone"}', T0 + 30_000)).toEqual([]);
    });

    it('stores what it can and answers 400 naming each refused series and why', async () => {
      await write([series('temperature_celsius', { room: 'a' }, [[T0 + 60_000, 21]])]);
      const res = await write([
        series('temperature_celsius', { room: 'a' }, [
          [T0, 20], // before the stored sample
          [T0 + 60_000, 22], // another value at a stored time
          [T0 + 120_000, 23], // fine
        ]),
        series('temperature_celsius', { room: 'b' }, [[Date.now() + 3_600_000, 19]]),
        series('temperature_celsius', { room: 'c' }, [[Date.now() - 60 * 86_400_000, 18]]),
        { labels: [['room', 'd']], samples: [[T0, 17]] },
        {
          labels: [
            ['__name__', 'temperature_celsius'],
            ['room', 'e'],
            ['room', 'f'],
          ],
          samples: [[T0, 16]],
        },
      ]);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers['x-prometheus-remote-write-samples-written']).toBe('1');
      const problem = res.json();
      expect(problem.detail).toBe('1 sample stored; 6 samples of 5 series refused.');
      expect(problem.errors.map((e: { path: string; message: string }) => [e.path, e.message.split(':')[0]])).toEqual([
        ['/timeseries/0', 'out_of_order'],
        ['/timeseries/0', 'duplicate_timestamp'],
        ['/timeseries/1', 'too_far_in_future'],
        ['/timeseries/2', 'too_old'],
        ['/timeseries/3', 'invalid'],
        ['/timeseries/4', 'invalid'],
      ]);
      expect(problem.errors[4].message).toContain('no metric name');
      expect(problem.errors[5].message).toContain('label "room" appears twice');
      expect((await query('temperature_celsius', T0 + 120_000)).map((r) => [r.metric.room, r.value[1]])).toEqual([['a', '23']]);
    });

    it('refuses an unknown version or encoding with 415 and bad bytes with 400, storing nothing', async () => {
      const good = snappyEncode(encodeWriteRequestV1([series('refused_metric', {}, [[T0, 1]])]));
      const unknown = await post(good, {
        ...writer,
        'content-type': 'application/x-protobuf;proto=io.prometheus.write.v3.Request',
        'content-encoding': 'snappy',
      });
      expect(unknown.statusCode).toBe(415);
      expect(unknown.json().detail).toContain('io.prometheus.write.v3.Request');
      const json = await post(good, { ...writer, 'content-type': 'application/json', 'content-encoding': 'snappy' });
      expect(json.statusCode).toBe(415);
      const plain = await post(encodeWriteRequestV1([series('refused_metric', {}, [[T0, 1]])]), { ...writer, 'content-type': V1 });
      expect(plain.statusCode).toBe(415);
      expect(plain.json().detail).toContain('snappy');

      const badSnappy = await post(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]), {
        ...writer,
        'content-type': V1,
        'content-encoding': 'snappy',
      });
      expect(badSnappy.statusCode).toBe(400);
      expect(badSnappy.json().detail).toContain('snappy');
      const badProto = await post(snappyEncode(new Uint8Array([0x0a, 0x7f, 0x01])), {
        ...writer,
        'content-type': V1,
        'content-encoding': 'snappy',
      });
      expect(badProto.statusCode).toBe(400);
      expect(badProto.json().detail).toContain('prometheus.WriteRequest');
      expect(await t.estate.metrics.store.labelValues('__name__')).not.toContain('refused_metric');
    });

    it('stores a series it has received before anew after it was deleted', async () => {
      const sent = (t0: number, v: number) => write([series('recreated_metric', { job: 'r' }, [[t0, v]])]);
      expect((await sent(T0, 1)).statusCode).toBe(204);
      expect((await sent(T0 + 15_000, 2)).statusCode).toBe(204);
      expect(await t.estate.metrics.store.deleteSeries([{ name: '__name__', op: '=', value: 'recreated_metric' }])).toBe(1);
      // An earlier time than before the delete: the series starts over, so it is not out of order.
      expect((await sent(T0 + 5_000, 3)).statusCode).toBe(204);
      expect((await query('recreated_metric', T0 + 20_000)).map((r) => r.value[1])).toEqual(['3']);
    });

    it('refuses a label that is not UTF-8 with 400, storing nothing of the request', async () => {
      const text = (s: string) => [...new TextEncoder().encode(s)];
      const field = (n: number, bytes: number[]) => [n, bytes.length, ...bytes];
      const label = (name: number[], value: number[]) => field(0x0a, [...field(0x0a, name), ...field(0x12, value)]);
      const varint = (n: number): number[] => (n < 0x80 ? [n] : [(n % 0x80) | 0x80, ...varint(Math.floor(n / 0x80))]);
      const sample = field(0x12, [0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x10, ...varint(T0)]);
      const good = field(0x0a, [...label(text('__name__'), text('utf8_refused_metric')), ...sample]);
      const bad = field(0x0a, [...label(text('__name__'), text('utf8_refused_metric')), ...label(text('job'), [0xc3, 0x28]), ...sample]);
      const res = await post(snappyEncode(Uint8Array.from([...good, ...bad])), {
        ...writer,
        'content-type': V1,
        'content-encoding': 'snappy',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toContain('UTF-8');
      expect(await t.estate.metrics.store.labelValues('__name__')).not.toContain('utf8_refused_metric');
    });

    it('needs a token with metrics:write', async () => {
      const s = [series('unauthorised_metric', {}, [[T0, 1]])];
      expect((await write(s, V1, {})).statusCode).toBe(401);
      expect((await write(s, V1, reader)).statusCode).toBe(403);
      expect(await t.estate.metrics.store.labelValues('__name__')).not.toContain('unauthorised_metric');
    });

    it('answers 503 with Retry-After when the store fails, so the sender retries', async () => {
      const store = t.estate.metrics.store as Required<typeof t.estate.metrics.store>;
      const spy = vi.spyOn(store, 'appendColumns').mockRejectedValueOnce(new Error('disk I/O error'));
      try {
        const res = await write([series('retried_metric', {}, [[T0, 1]])]);
        expect(res.statusCode).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.headers['x-prometheus-remote-write-samples-written']).toBe('0');
        expect(res.body).not.toContain('disk I/O error');
      } finally {
        spy.mockRestore();
      }
      const retried = await write([series('retried_metric', {}, [[T0, 1]])]);
      expect(retried.statusCode).toBe(204);
    });
  });
}
