import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';

/** Prometheus' stale marker, as an exporter writes it when a series ends. */
const STALE = new DataView(new Uint8Array([0x7f, 0xf0, 0, 0, 0, 0, 0, 2]).buffer).getFloat64(0);
const T0 = 1_700_000_000_000;

for (const engine of testEngines()) {
  describe(`Prometheus query API on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let bearer: Record<string, string>;
    const get = (url: string) => t.anonymous().request('GET', url, undefined, bearer);
    const form = (url: string, body: string) =>
      t.estate.http.inject({
        method: 'POST',
        url,
        payload: body,
        headers: { ...bearer, 'content-type': 'application/x-www-form-urlencoded' },
      });

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      const created = await admin.request('POST', '/api/v1/tokens', { name: 'grafana', scopes: ['metrics:read'] });
      expect(created.statusCode).toBe(201);
      bearer = { authorization: `Bearer ${created.json().token}` };
      const samples = [];
      for (let i = 0; i < 10; i++) {
        const t = T0 + i * 15_000;
        samples.push({ labels: { __name__: 'up', job: 'node', instance: 'a:9100' }, t, v: 1 });
        samples.push({ labels: { __name__: 'up', job: 'node', instance: 'b:9100' }, t, v: i < 5 ? 1 : 0 });
        samples.push({ labels: { __name__: 'requests_total', job: 'api' }, t, v: i * 30 });
      }
      // c:9100 ends with a stale marker: an instant query after it must not see the series.
      samples.push({ labels: { __name__: 'up', job: 'node', instance: 'c:9100' }, t: T0, v: 1 });
      samples.push({ labels: { __name__: 'up', job: 'node', instance: 'c:9100' }, t: T0 + 15_000, v: STALE });
      const result = await t.estate.metrics.store.append(samples);
      expect(result.rejected).toEqual([]);
    });
    afterAll(() => t?.close());

    it('answers an instant query in Prometheus envelope, with a time as Unix seconds or RFC 3339', async () => {
      const at = (T0 + 135_000) / 1000;
      const res = await get(`/api/v1/query?query=${encodeURIComponent('sum by (job) (up)')}&time=${at}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: { job: 'node' }, value: [at, '1'] }] },
      });

      // Parameters Prometheus takes and Estate does not yet use are ignored, as Prometheus ignores unknown ones.
      const extra = await get(`/api/v1/query?query=${encodeURIComponent('sum by (job) (up)')}&time=${at}&timeout=30s&stats=all&limit=5`);
      expect(extra.json()).toEqual(res.json());

      const iso = new Date(T0 + 135_000).toISOString();
      const byIso = await get(`/api/v1/query?query=up&time=${encodeURIComponent(iso)}`);
      const result = byIso.json().data.result as Array<{ metric: Record<string, string>; value: [number, string] }>;
      expect(result.map((r) => [r.metric.instance, r.value])).toEqual([
        ['a:9100', [at, '1']],
        ['b:9100', [at, '0']],
      ]);
    });

    it('ends a series at its stale marker', async () => {
      const before = await get(`/api/v1/query?query=${encodeURIComponent('up{instance="c:9100"}')}&time=${(T0 + 5_000) / 1000}`);
      expect(before.json().data.result).toHaveLength(1);
      const after = await get(`/api/v1/query?query=${encodeURIComponent('up{instance="c:9100"}')}&time=${(T0 + 20_000) / 1000}`);
      expect(after.json().data.result).toEqual([]);
    });

    it('answers a range query with step as a duration or as seconds, by GET and by form POST', async () => {
      const range = `start=${(T0 + 60_000) / 1000}&end=${(T0 + 120_000) / 1000}`;
      const byDuration = await get(`/api/v1/query_range?query=requests_total&${range}&step=30s`);
      expect(byDuration.statusCode, byDuration.body).toBe(200);
      expect(byDuration.json()).toEqual({
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [
            {
              metric: { __name__: 'requests_total', job: 'api' },
              values: [
                [(T0 + 60_000) / 1000, '120'],
                [(T0 + 90_000) / 1000, '180'],
                [(T0 + 120_000) / 1000, '240'],
              ],
            },
          ],
        },
      });
      expect((await get(`/api/v1/query_range?query=requests_total&${range}&step=30`)).json()).toEqual(byDuration.json());
      const posted = await form('/api/v1/query_range', `query=requests_total&${range}&step=30.0`);
      expect(posted.statusCode, posted.body).toBe(200);
      expect(posted.json()).toEqual(byDuration.json());

      const rate = await get(`/api/v1/query_range?query=${encodeURIComponent('rate(requests_total[1m])')}&${range}&step=1m`);
      const values = rate.json().data.result[0].values as Array<[number, string]>;
      expect(values.map(([t]) => t)).toEqual([(T0 + 60_000) / 1000, (T0 + 120_000) / 1000]);
      for (const [, v] of values) expect(Number(v)).toBeCloseTo(2, 9);
    });

    it('answers a range query at estate_resolution=auto from 5-minute buckets, as raw samples do', async () => {
      // T0 + 100 s is on a 5-minute mark: the first bucket holds samples 0 to 6, the next samples 7 to 9.
      const mark = (T0 + 100_000) / 1000;
      const range = `start=${mark}&end=${mark + 300}&step=5m`;
      const query = encodeURIComponent('sum_over_time(requests_total[5m])');
      const raw = await get(`/api/v1/query_range?query=${query}&${range}`);
      const explicitRaw = await get(`/api/v1/query_range?query=${query}&${range}&estate_resolution=raw`);
      const auto = await get(`/api/v1/query_range?query=${query}&${range}&estate_resolution=auto`);
      expect(auto.statusCode, auto.body).toBe(200);
      expect(auto.json().data.result).toEqual([
        {
          metric: { job: 'api' },
          values: [
            [mark, '630'],
            [mark + 300, '720'],
          ],
        },
      ]);
      expect(raw.json()).toEqual(auto.json());
      expect(explicitRaw.json()).toEqual(auto.json());
      const posted = await form('/api/v1/query_range', `query=${query}&${range}&estate_resolution=auto`);
      expect(posted.json()).toEqual(auto.json());
    });

    it('answers an instant query by form POST', async () => {
      const res = await form('/api/v1/query', `query=${encodeURIComponent('count(up)')}&time=${(T0 + 135_000) / 1000}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data).toEqual({ resultType: 'vector', result: [{ metric: {}, value: [(T0 + 135_000) / 1000, '2'] }] });
    });

    it('finds series by repeated match[], with or without a time range, by GET and by form POST', async () => {
      const m1 = encodeURIComponent('up{instance=~"a.*"}');
      const m2 = encodeURIComponent('requests_total');
      const res = await get(`/api/v1/series?match[]=${m1}&match[]=${m2}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({
        status: 'success',
        data: [
          { __name__: 'requests_total', job: 'api' },
          { __name__: 'up', instance: 'a:9100', job: 'node' },
        ],
      });
      const posted = await form('/api/v1/series', `match[]=${m1}&match[]=${m2}`);
      expect(posted.json()).toEqual(res.json());
      // c:9100 has no sample after T0 + 15 s.
      const later = await get(`/api/v1/series?match[]=up&start=${(T0 + 30_000) / 1000}&end=${(T0 + 60_000) / 1000}`);
      expect((later.json().data as Array<{ instance: string }>).map((s) => s.instance)).toEqual(['a:9100', 'b:9100']);
      const all = await get('/api/v1/series?match[]=up');
      expect(all.json().data).toHaveLength(3);
    });

    it('lists label names and values, narrowed by match[]', async () => {
      expect((await get('/api/v1/labels')).json()).toEqual({ status: 'success', data: ['__name__', 'instance', 'job'] });
      expect((await get(`/api/v1/labels?match[]=requests_total`)).json().data).toEqual(['__name__', 'job']);
      expect((await form('/api/v1/labels', 'match[]=requests_total')).json().data).toEqual(['__name__', 'job']);
      expect((await get('/api/v1/label/job/values')).json()).toEqual({ status: 'success', data: ['api', 'node'] });
      expect((await get('/api/v1/label/__name__/values')).json().data).toEqual(['requests_total', 'up']);
      expect((await get(`/api/v1/label/job/values?match[]=up`)).json().data).toEqual(['node']);
    });

    it('answers exemplar searches, GET and form POST, with none: Estate keeps no exemplars', async () => {
      const got = await get(`/api/v1/query_exemplars?query=${encodeURIComponent('rate(up[5m])')}&start=${T0 / 1000}&end=${T0 / 1000 + 60}`);
      expect(got.statusCode).toBe(200);
      expect(got.json()).toEqual({ status: 'success', data: [] });
      const posted = await form('/api/v1/query_exemplars', `query=up&start=${T0 / 1000}`);
      expect(posted.json()).toEqual({ status: 'success', data: [] });
    });

    it('answers metadata and build information', async () => {
      expect((await get('/api/v1/metadata')).json()).toEqual({ status: 'success', data: {} });
      const info = await get('/api/v1/status/buildinfo');
      expect(info.json()).toMatchObject({ status: 'success', data: { version: expect.stringMatching(/^\d+\.\d+\.\d+$/) } });
    });

    it('refuses bad input with 400 bad_data in Prometheus envelope, not problem+json', async () => {
      const cases = [
        '/api/v1/query?query=sum(',
        '/api/v1/query?query=up&time=yesterday',
        `/api/v1/query_range?query=up&start=${T0 / 1000}&end=${T0 / 1000 - 1}&step=15`,
        `/api/v1/query_range?query=up&start=${T0 / 1000}&end=${T0 / 1000}&step=soon`,
        `/api/v1/query_range?query=up&start=${T0 / 1000}&end=${T0 / 1000}&step=0`,
        '/api/v1/query_range?query=up',
        `/api/v1/query_range?query=up&start=${T0 / 1000}&end=${T0 / 1000}&step=15&estate_resolution=fast`,
        '/api/v1/series',
        '/api/v1/series?match[]=sum(up)',
        '/api/v1/label/not-a-label/values',
        '/api/v1/query_exemplars?query=sum(',
        '/api/v1/query_exemplars?query=up&start=soon',
      ];
      for (const url of cases) {
        const res = await get(url);
        expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
        expect(res.headers['content-type'], url).toMatch(/^application\/json/);
        expect(res.json(), url).toEqual({ status: 'error', errorType: 'bad_data', error: expect.any(String) });
      }
      const posted = await form('/api/v1/query', 'query=rate(up)');
      expect(posted.statusCode).toBe(400);
      expect(posted.json()).toMatchObject({ status: 'error', errorType: 'bad_data' });
    });

    it('refuses callers without a session or a token holding metrics:read', async () => {
      const anonymous = await t.anonymous().request('GET', '/api/v1/query?query=up');
      expect(anonymous.statusCode).toBe(401);
      const narrow = await admin.request('POST', '/api/v1/tokens', { name: 'narrow', scopes: ['self'] });
      const refused = await t.anonymous().request('GET', '/api/v1/labels', undefined, { authorization: `Bearer ${narrow.json().token}` });
      expect(refused.statusCode).toBe(403);
      // A signed-in admin may query too.
      expect((await admin.request('GET', '/api/v1/labels')).statusCode).toBe(200);
    });
  });
}
