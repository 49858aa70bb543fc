import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { SELF_JOB, selfScrapeSamples } from './self-scrape';

describe('reading Estate’s own exposition', () => {
  it('labels every sample job="estate" and the instance, over labels the registry set, and keeps family metadata', () => {
    const text = [
      '# HELP estate_http_requests_total HTTP requests',
      '# TYPE estate_http_requests_total counter',
      'estate_http_requests_total{method="GET",route="/readyz",status="2xx",job="other"} 3',
      '# HELP estate_heap_bytes Heap in use',
      '# TYPE estate_heap_bytes gauge',
      'estate_heap_bytes 1.5e7',
      '',
    ].join('\n');
    const { samples, metadata } = selfScrapeSamples(text, 1_800_000_000_000, 'estate-1');
    expect(samples).toEqual([
      {
        labels: {
          __name__: 'estate_http_requests_total',
          method: 'GET',
          route: '/readyz',
          status: '2xx',
          job: SELF_JOB,
          instance: 'estate-1',
        },
        t: 1_800_000_000_000,
        v: 3,
      },
      { labels: { __name__: 'estate_heap_bytes', job: SELF_JOB, instance: 'estate-1' }, t: 1_800_000_000_000, v: 1.5e7 },
    ]);
    expect(metadata.get('estate_http_requests_total')).toEqual({ type: 'counter', help: 'HTTP requests', unit: '' });
  });
});

for (const engine of testEngines()) {
  describe(`Estate scraping itself on ${engine.dialect}`, () => {
    let t: TestEstate;
    let reader: Record<string, string>;
    beforeAll(async () => {
      t = await createTestEstate(engine);
      const admin = await t.setupAdmin();
      const token = (await admin.request('POST', '/api/v1/tokens', { name: 'grafana', scopes: ['metrics:read'] })).json().token;
      reader = { authorization: `Bearer ${token}` };
    });
    afterAll(() => t?.close());

    it('stores its own request counters under job="estate", queryable with PromQL and described in /metadata', async () => {
      for (let i = 0; i < 3; i++) await t.anonymous().request('GET', '/readyz');
      const at = Date.now();
      expect(await t.estate.metrics.selfScrape(at)).toBeGreaterThan(10);
      const query = encodeURIComponent('sum(estate_http_requests_total{job="estate",route="/readyz"})');
      const res = await t.anonymous().request('GET', `/api/v1/query?query=${query}&time=${at / 1000}`, undefined, reader);
      expect(res.statusCode, res.body).toBe(200);
      expect(Number(res.json().data.result[0]?.value[1])).toBeGreaterThanOrEqual(3);
      const metadata = await t.anonymous().request('GET', '/api/v1/metadata', undefined, reader);
      expect(metadata.json().data.estate_http_requests_total).toEqual([{ type: 'counter', help: 'HTTP requests', unit: '' }]);
    });
  });
}
