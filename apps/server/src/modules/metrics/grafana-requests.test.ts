import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import type { MetricsTables } from './metrics.tables';
import { MetricMetadataStore } from './store/metric-metadata';

/*
 * The HTTP requests Grafana's built-in Prometheus data source sends, replayed against a real Estate, each answer
 * checked for what Grafana's parser reads from it. No Grafana can run here, so the requests are built as Grafana's
 * source builds them (grafana/grafana, read at the commits named):
 *
 * - B1 pkg/promlib/client/client.go @24d6880ae3f47e34db0cbb30cb5fe3c74c3d4d83: instant queries send `query`, `time`
 *   (Unix seconds, shortest decimal) and, when a query timeout is configured, `timeout`; range queries `query`,
 *   `start`, `end` and `step` (seconds as a decimal); exemplar queries `query`, `start`, `end`. With httpMethod POST
 *   (the backend's default) they go as a form with Content-Type application/x-www-form-urlencoded, else as GET.
 *   Resource calls keep the caller's query string and, when POST, are sent as a POST with the caller's body (often
 *   empty) unless the path starts with one of its GET-only prefixes; a 400 or 405 answer is retried as GET.
 * - B2 pkg/promlib/healthcheck.go @03930ff804ae580cdd57b12648cb455284bb92cd: "Save & test" runs the instant query
 *   `1+1` over the range 1 s..4 s (so `time=4`) and fails on any status but 200 or an error in the answer.
 * - B3 pkg/promlib/heuristics.go @0c2c8040437de1f738b39c0e4e6c63fbdac82bb1: then asks api/v1/status/buildinfo as a
 *   resource (a path that misses the GET-only prefixes, so a POST when POST is set); wants 200 and JSON, and takes a
 *   server without `data.features` for Prometheus (with some, for Mimir).
 * - B4 pkg/promlib/converter/prom.go @08627cf7c7ed138916fe54a4ab2a25516bf65b86: reads `status`, `data`, `error`,
 *   `errorType`, `warnings` and `infos` (string arrays); an error answer becomes "<errorType>: <error>". `data` is an
 *   array (labels, series, exemplars) or an object that must hold `resultType` (matrix, vector, scalar, string);
 *   series hold `metric` and `value` or `values`, each sample `[<JSON number seconds>, "<value as a string>"]`, the
 *   string parsed as a float (so NaN, +Inf, -Inf).
 * - B5 pkg/promlib/resource/resource.go @6d28a91eb4cf0d21f90d2cf75b4dfd3965d8a825: editor suggestions go to
 *   /api/v1/labels or /api/v1/label/<name>/values with `match[]`, `start`, `end` and `limit` in the URL and no body,
 *   as a POST when POST is set (these paths begin with "/", so miss the GET-only prefixes).
 * - F1 packages/grafana-prometheus/src/datasource.ts @012d362d19341918c7424fab9d216fb0a40d99f2: metadata requests
 *   go GET or by the configured method for query, query_range, series and labels (POST as a form); the exemplar
 *   probe sends `query=test` with `start` and `end` in epoch milliseconds and wants `status: success`; recording
 *   rules come from /api/v1/rules (`data.groups[].rules[]`).
 * - F2 packages/grafana-prometheus/src/language_provider.ts @00ebd26e4574897ae435c2b0ab61ba988f4247a7: metric names
 *   from /api/v1/label/__name__/values with `start`/`end` (whole seconds), metadata from /api/v1/metadata with no
 *   parameters (metric → [{type, help, unit}]), label names from /api/v1/labels with `match[]`.
 * - F3 packages/grafana-prometheus/src/resource_clients.ts @039aaf2ce0e4a4573d96f13478a84e83d3e00eb7: labels and
 *   label values with `limit` (default 40000), `start`, `end`, optional `match[]`; series with `match[]` (all series:
 *   `{__name__!=""}`), `start`, `end`, `limit`.
 *
 * Grafana does not call /api/v1/format_query in the files read; Estate answers it as Prometheus 3 does, checked last.
 */

const T0 = 1_700_000_000_000;
/** Whole seconds, as Grafana snaps a label search's range. */
const START = String(T0 / 1000 - 3600);
const END = String(T0 / 1000 + 3600);
const FORM = 'application/x-www-form-urlencoded';

type Params = Array<[string, string]>;
const encode = (params: Params) => new URLSearchParams(params).toString();

for (const engine of testEngines()) {
  describe(`Grafana's Prometheus data source against Estate on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let bearer: Record<string, string>;

    /**
     * A request as Grafana's backend sends it: GET with a query string, POST with a form, or POST with the URL's.
     * Its Go client adds no Accept; Go's transport asks for gzip, which Grafana would undo transparently.
     */
    const send = async (how: 'GET' | 'POST' | 'POST-URL', path: string, params: Params) => {
      const headers = { ...bearer, 'user-agent': 'Grafana/12.0.0', 'accept-encoding': 'gzip' };
      const res = await t.estate.http.inject(
        how === 'GET'
          ? { method: 'GET', url: `${path}?${encode(params)}`, headers }
          : how === 'POST'
            ? { method: 'POST', url: path, payload: encode(params), headers: { ...headers, 'content-type': FORM } }
            : { method: 'POST', url: `${path}?${encode(params)}`, payload: '', headers: { ...headers, 'content-type': FORM } },
      );
      return { status: res.statusCode, type: String(res.headers['content-type']), body: res.json() };
    };
    const each = async (hows: Array<'GET' | 'POST' | 'POST-URL'>, path: string, params: Params) => {
      const answers = [];
      for (const how of hows) answers.push({ how, ...(await send(how, path, params)) });
      return answers;
    };

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      const created = await admin.request('POST', '/api/v1/tokens', { name: 'grafana', scopes: ['metrics:read'] });
      expect(created.statusCode).toBe(201);
      bearer = { authorization: `Bearer ${created.json().token}` };
      const samples = [];
      for (let i = 0; i < 20; i++) {
        const at = T0 + i * 15_000;
        samples.push({ labels: { __name__: 'up', job: 'node', instance: 'a:9100' }, t: at, v: 1 });
        samples.push({ labels: { __name__: 'up', job: 'node', instance: 'b:9100' }, t: at, v: i < 10 ? 1 : 0 });
        samples.push({ labels: { __name__: 'http_requests_total', job: 'api', code: '200' }, t: at, v: i * 60 });
      }
      expect((await t.estate.metrics.store.append(samples)).rejected).toEqual([]);
      await new MetricMetadataStore(t.estate.database.db as unknown as Kysely<MetricsTables>).record([
        ['up', { type: 'gauge', help: 'Whether the target answered.', unit: '' }],
        ['http_requests_total', { type: 'counter', help: 'Requests served.', unit: '' }],
      ]);
    });
    afterAll(() => t?.close());

    it('passes the health check: `1+1` at time=4 is the scalar [4, "2"], by GET and by form (B1, B2, B4)', async () => {
      for (const a of await each(['GET', 'POST'], '/api/v1/query', [
        ['query', '1+1'],
        ['time', '4'],
      ])) {
        expect(a.status, a.how).toBe(200);
        expect(a.type, a.how).toMatch(/^application\/json/);
        // The time must be a JSON number and the value a string: Grafana reads them as a float and a string.
        expect(a.body, a.how).toEqual({ status: 'success', data: { resultType: 'scalar', result: [4, '2'] } });
      }
    });

    it('answers build information by GET and by POST, shaped so Grafana takes it for Prometheus (B3, F1)', async () => {
      // B3 posts an empty form when the data source uses POST; a 404 there would lose the heuristics.
      for (const a of await each(['GET', 'POST-URL'], '/api/v1/status/buildinfo', [])) {
        expect(a.status, a.how).toBe(200);
        expect(a.body.status, a.how).toBe('success');
        const info = a.body.data as Record<string, unknown>;
        for (const key of ['version', 'revision', 'branch', 'buildUser', 'buildDate', 'goVersion'])
          expect(typeof info[key], key).toBe('string');
        expect(info.version).toMatch(/^\d+\.\d+\.\d+$/);
        // Grafana would take a server with features for Mimir and look for its ruler API.
        expect(info.features ?? {}).toEqual({});
      }
    });

    it('answers an instant query with the parameters Grafana adds, by GET and by form (B1, B4)', async () => {
      const time = String((T0 + 150_000) / 1000 + 0.5);
      for (const a of await each(['GET', 'POST'], '/api/v1/query', [
        ['query', 'sum by (job) (up)'],
        ['time', time],
        ['timeout', '60s'],
      ])) {
        expect(a.status, a.how).toBe(200);
        expect(a.body, a.how).toEqual({
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: { job: 'node' }, value: [Number(time), '1'] }] },
        });
      }
    });

    it('answers a range query with a decimal step and Grafana`s timeout, by GET and by form (B1, B4)', async () => {
      const start = String((T0 + 60_000) / 1000);
      const end = String((T0 + 120_000) / 1000);
      for (const a of await each(['GET', 'POST'], '/api/v1/query_range', [
        ['query', 'rate(http_requests_total[1m])'],
        ['start', start],
        ['end', end],
        ['step', '30'],
        ['timeout', '60s'],
      ])) {
        expect(a.status, a.how).toBe(200);
        expect(a.body.data.resultType, a.how).toBe('matrix');
        const [series] = a.body.data.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
        expect(series?.metric).toEqual({ code: '200', job: 'api' });
        expect(series?.values.map(([at]) => at)).toEqual([Number(start), Number(start) + 30, Number(end)]);
        for (const [, v] of series?.values ?? []) {
          expect(typeof v).toBe('string');
          expect(Number(v)).toBeCloseTo(4, 9);
        }
      }
      // A step below one second, as Grafana writes it for short ranges.
      const fine = await send('POST', '/api/v1/query_range', [
        ['query', 'up{instance="a:9100"}'],
        ['start', start],
        ['end', String(Number(start) + 1)],
        ['step', '0.5'],
      ]);
      expect(fine.body.data.result[0].values.map(([at]: [number]) => at)).toEqual([Number(start), Number(start) + 0.5, Number(start) + 1]);
    });

    it('writes NaN and infinities as the strings Grafana`s float parser takes (B4)', async () => {
      const at = String((T0 + 150_000) / 1000);
      const value = async (query: string) =>
        (await send('POST', '/api/v1/query', [
          ['query', query],
          ['time', at],
        ]).then((a) => a.body.data)) as { resultType: string; result: unknown };
      expect(await value('0/0')).toEqual({ resultType: 'scalar', result: [Number(at), 'NaN'] });
      expect((await value('vector(1)/0')).result).toEqual([{ metric: {}, value: [Number(at), '+Inf'] }]);
      expect((await value('-vector(1)/0')).result).toEqual([{ metric: {}, value: [Number(at), '-Inf'] }]);
    });

    it('refuses a bad query with 400 and errorType/error, which Grafana shows as "bad_data: …" (B2, B4)', async () => {
      for (const a of await each(['GET', 'POST'], '/api/v1/query', [
        ['query', 'sum(up'],
        ['time', '4'],
      ])) {
        expect(a.status, a.how).toBe(400);
        expect(a.type, a.how).toMatch(/^application\/json/);
        expect(a.body, a.how).toEqual({ status: 'error', errorType: 'bad_data', error: expect.stringMatching(/\S/) });
      }
      const range = await send('POST', '/api/v1/query_range', [
        ['query', 'up'],
        ['start', '10'],
        ['end', '5'],
        ['step', '15'],
      ]);
      expect(range.status).toBe(400);
      expect(range.body.errorType).toBe('bad_data');
    });

    it('answers exemplar queries, and the frontend`s probe with times in ms posted in the URL (B1, F1)', async () => {
      const [get, post] = await each(['GET', 'POST'], '/api/v1/query_exemplars', [
        ['query', 'rate(http_requests_total[5m])'],
        ['start', START],
        ['end', END],
      ]);
      expect(get?.status).toBe(200);
      expect(get?.body).toEqual({ status: 'success', data: [] });
      expect(post?.body).toEqual({ status: 'success', data: [] });
      // The probe is a GET from the browser, forwarded as a POST with the parameters left in the URL.
      const probe = await send('POST-URL', '/api/v1/query_exemplars', [
        ['query', 'test'],
        ['start', String(T0 - 1_800_000)],
        ['end', String(T0)],
      ]);
      expect(probe.status).toBe(200);
      expect(probe.body.status).toBe('success');
    });

    it('lists metric names and label names as the editor asks for them (F2, F3, B5)', async () => {
      const names = await send('GET', '/api/v1/label/__name__/values', [
        ['start', START],
        ['end', END],
      ]);
      expect(names.body).toEqual({ status: 'success', data: ['http_requests_total', 'up'] });

      const asked: Params = [
        ['limit', '40000'],
        ['start', START],
        ['end', END],
        ['match[]', 'up'],
      ];
      for (const a of await each(['GET', 'POST', 'POST-URL'], '/api/v1/labels', asked)) {
        expect(a.status, a.how).toBe(200);
        expect(a.body, a.how).toEqual({ status: 'success', data: ['__name__', 'instance', 'job'] });
      }
      const all = await send('GET', '/api/v1/labels', [
        ['limit', '40000'],
        ['start', START],
        ['end', END],
      ]);
      expect(all.body.data).toEqual(['__name__', 'code', 'instance', 'job']);
    });

    it('lists label values narrowed by match[], by GET and by the POST suggestions send (F2, F3, B5)', async () => {
      const asked: Params = [
        ['match[]', 'up{instance="a:9100"}'],
        ['start', START],
        ['end', END],
        ['limit', '40000'],
      ];
      for (const a of await each(['GET', 'POST', 'POST-URL'], '/api/v1/label/job/values', asked)) {
        expect(a.status, a.how).toBe(200);
        expect(a.body, a.how).toEqual({ status: 'success', data: ['node'] });
      }
      const jobs = await send('GET', '/api/v1/label/job/values', [
        ['start', START],
        ['end', END],
      ]);
      expect(jobs.body.data).toEqual(['api', 'node']);
    });

    it('cuts a search at `limit` with Prometheus` warning, which Grafana shows as a notice (F3, B4)', async () => {
      const labels = await send('GET', '/api/v1/labels', [
        ['limit', '2'],
        ['start', START],
        ['end', END],
      ]);
      expect(labels.body).toEqual({ status: 'success', data: ['__name__', 'code'], warnings: ['results truncated due to limit'] });
      const values = await send('POST-URL', '/api/v1/label/instance/values', [['limit', '1']]);
      expect(values.body).toEqual({ status: 'success', data: ['a:9100'], warnings: ['results truncated due to limit'] });
      const exact = await send('GET', '/api/v1/label/instance/values', [['limit', '2']]);
      expect(exact.body).toEqual({ status: 'success', data: ['a:9100', 'b:9100'] });
      const refused = await send('GET', '/api/v1/labels', [['limit', '-1']]);
      expect(refused.status).toBe(400);
      expect(refused.body.errorType).toBe('bad_data');
    });

    it('finds every series with {__name__!=""} and a limit, by GET and by form (F3)', async () => {
      const asked: Params = [
        ['start', START],
        ['end', END],
        ['match[]', '{__name__!=""}'],
        ['limit', '40000'],
      ];
      for (const a of await each(['GET', 'POST'], '/api/v1/series', asked)) {
        expect(a.status, a.how).toBe(200);
        expect(a.body, a.how).toEqual({
          status: 'success',
          data: [
            { __name__: 'http_requests_total', code: '200', job: 'api' },
            { __name__: 'up', instance: 'a:9100', job: 'node' },
            { __name__: 'up', instance: 'b:9100', job: 'node' },
          ],
        });
      }
      const cut = await send('POST', '/api/v1/series', [...asked.slice(0, 3), ['limit', '2']]);
      expect(cut.body.data).toHaveLength(2);
      expect(cut.body.warnings).toEqual(['results truncated due to limit']);
    });

    it('answers metadata with and without `metric`, and its limits (F2)', async () => {
      const all = await send('GET', '/api/v1/metadata', []);
      expect(all.body).toEqual({
        status: 'success',
        data: {
          http_requests_total: [{ type: 'counter', help: 'Requests served.', unit: '' }],
          up: [{ type: 'gauge', help: 'Whether the target answered.', unit: '' }],
        },
      });
      const one = await send('GET', '/api/v1/metadata', [['metric', 'up']]);
      expect(one.body.data).toEqual({ up: [{ type: 'gauge', help: 'Whether the target answered.', unit: '' }] });
      expect((await send('GET', '/api/v1/metadata', [['metric', 'absent']])).body).toEqual({ status: 'success', data: {} });
      expect(Object.keys((await send('GET', '/api/v1/metadata', [['limit', '1']])).body.data)).toEqual(['http_requests_total']);
      expect((await send('POST-URL', '/api/v1/metadata', [['limit_per_metric', '1']])).body).toEqual(all.body);
      expect((await send('GET', '/api/v1/metadata', [['limit', 'many']])).status).toBe(400);
    });

    it('answers the recording-rule lookup with a list of groups to a token that may read alerting too (F1)', async () => {
      // With metrics:read alone the lookup is refused, and Grafana goes on without recording-rule names.
      const narrow = await t.estate.http.inject({ method: 'GET', url: '/api/v1/rules', headers: bearer });
      expect(narrow.statusCode).toBe(403);
      const token = await admin.request('POST', '/api/v1/tokens', { name: 'grafana-rules', scopes: ['metrics:read', 'alerting:read'] });
      const res = await t.estate.http.inject({
        method: 'GET',
        url: '/api/v1/rules',
        headers: { authorization: `Bearer ${token.json().token}` },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ status: 'success', data: { groups: [] } });
    });

    it('formats a query in Prometheus` canonical spelling, by GET and by form; refuses one that does not parse', async () => {
      const cases: Array<[string, string]> = [
        [
          'sum  by(job)(rate(http_requests_total{job="api",code=~"2.."}[90m]))',
          'sum by (job) (rate(http_requests_total{code=~"2..",job="api"}[1h30m]))',
        ],
        ['foo/bar', 'foo / bar'],
        ['a > bool on(x) group_left(y) b', 'a > bool on (x) group_left (y) b'],
        ['topk(3, up offset 1w)', 'topk(3, up offset 1w)'],
        ['max_over_time(up[1d:5m] @ 1700000000)', 'max_over_time(up[1d:5m] @ 1700000000.000)'],
        ['-(1e3 + 0.000001)', '-(1000 + 0.000001)'],
      ];
      for (const [query, canonical] of cases) {
        for (const a of await each(['GET', 'POST'], '/api/v1/format_query', [['query', query]])) {
          expect(a.body, `${a.how} ${query}`).toEqual({ status: 'success', data: canonical });
        }
      }
      const refused = await send('POST', '/api/v1/format_query', [['query', 'sum(']]);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ status: 'error', errorType: 'bad_data' });
    });
  });
}
