/**
 * Estate's Prometheus API when ESTATE_METRICS_URL is set, through the real HTTP stack: parameters checked by Estate
 * and forwarded as Prometheus takes them, the backend's answers passed on, a backend that is down answered as
 * Prometheus' 503 `unavailable` naming the backend and never its credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgentClient } from '../../../../test/agent-client';
import { freePort } from '../../../../test/fixtures/metric-peers';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { type ScriptedBackend, startScriptedBackend } from './scripted-backend.fixture';

const engine = testEngines()[0]!;

async function estateWithToken(metricsUrl: string): Promise<{ t: TestEstate; admin: Agent; bearer: Record<string, string> }> {
  const t = await createTestEstate(engine, { metricsUrl });
  const admin = await t.setupAdmin();
  const created = await admin.request('POST', '/api/v1/tokens', { name: 'grafana', scopes: ['metrics:read'] });
  return { t, admin, bearer: { authorization: `Bearer ${created.json().token}` } };
}

describe('the Prometheus API over a metrics backend that is down', () => {
  let t: TestEstate;
  let admin: Agent;
  let bearer: Record<string, string>;
  let base = '';

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    ({ t, admin, bearer } = await estateWithToken(`http://estate:hunter2@127.0.0.1:${port}`));
  });
  afterAll(() => t?.close());

  it.each([
    '/api/v1/query?query=up',
    '/api/v1/query_range?query=up&start=1700000000&end=1700000060&step=15',
    '/api/v1/series?match[]=up',
    '/api/v1/labels',
    '/api/v1/label/job/values',
    '/api/v1/metadata',
    '/api/v1/query_exemplars?query=up',
  ])('answers %s with 503 unavailable, naming the backend without its password', async (url) => {
    const res = await t.anonymous().request('GET', url, undefined, bearer);
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({
      status: 'error',
      errorType: 'unavailable',
      error: `metrics backend ${base} is unavailable: ECONNREFUSED`,
    });
    expect(res.body).not.toContain('hunter2');
  });

  it("still checks Estate's access and parameters first", async () => {
    expect((await t.anonymous().request('GET', '/api/v1/query?query=up')).statusCode).toBe(401);
    const bad = await t.anonymous().request('GET', '/api/v1/query?query=up&time=yesterday', undefined, bearer);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });

  it("fails an agent's metrics report, so that the agent keeps the batch and sends it again", async () => {
    const enrollment = await admin.request('POST', '/api/v1/enrollment-tokens', { name: 'down' });
    const agent = new TestAgentClient(t);
    expect((await agent.enroll(enrollment.json().token)).statusCode).toBe(201);
    const res = await agent.request('POST', '/api/v1/agent/metrics', { series: [{ name: 'load.1', points: [[Date.now(), 0.5]] }] });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ type: 'urn:estate:problem:unavailable', status: 503 });
    expect(res.body).not.toContain('hunter2');
  });
});

describe('the Prometheus API forwarded to a metrics backend', () => {
  let backend: ScriptedBackend;
  let t: TestEstate;
  let bearer: Record<string, string>;

  beforeAll(async () => {
    backend = await startScriptedBackend();
    ({ t, bearer } = await estateWithToken(backend.base.replace('http://', 'http://estate:hunter2@')));
  });
  afterAll(async () => {
    await t?.close();
    await backend?.close();
  });
  const get = (url: string) => t.anonymous().request('GET', url, undefined, bearer);

  it("forwards the checked parameters with the operator's credentials and returns the backend's envelope", async () => {
    backend.requests.length = 0;
    const data = { resultType: 'vector', result: [{ metric: { job: 'node' }, value: [1700000135, '1'] }] };
    backend.script({ status: 200, body: JSON.stringify({ status: 'success', isPartial: false, data, warnings: ['partial data'] }) });
    const res = await get(`/api/v1/query?query=${encodeURIComponent('sum by (job) (up)')}&time=2023-11-14T22:15:35Z`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ status: 'success', data, warnings: ['partial data'] });
    const [request] = backend.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/v1/query');
    expect(Object.fromEntries(request?.query ?? [])).toEqual({ query: 'sum by (job) (up)', time: '1700000135' });
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from('estate:hunter2').toString('base64')}`);
    expect(request?.headers['user-agent']).toMatch(/^Estate\//);

    backend.requests.length = 0;
    backend.script({ status: 200, body: JSON.stringify({ status: 'success', data: ['a', 'b'] }) });
    const values = await get(`/api/v1/label/job/values?match[]=${encodeURIComponent('up{job!=""}')}&start=1700000000&end=1700000060.5`);
    expect(values.json()).toEqual({ status: 'success', data: ['a', 'b'] });
    expect(backend.requests[0]?.path).toBe('/api/v1/label/job/values');
    expect(backend.requests[0]?.query.getAll('match[]')).toEqual(['up{job!=""}']);
    expect(backend.requests[0]?.query.get('end')).toBe('1700000060.5');
  });

  it("passes the backend's refusals on, with Prometheus' error types for VictoriaMetrics' numeric ones", async () => {
    backend.script({ status: 422, body: JSON.stringify({ status: 'error', errorType: '422', error: 'cannot execute query' }) });
    const vm = await get('/api/v1/query?query=up');
    expect(vm.statusCode).toBe(422);
    expect(vm.json()).toEqual({ status: 'error', errorType: 'execution', error: 'cannot execute query' });

    backend.script({ status: 400, body: JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error at 1:5' }) });
    const prom = await get('/api/v1/query?query=sum(');
    expect(prom.statusCode).toBe(400);
    expect(prom.json()).toEqual({ status: 'error', errorType: 'bad_data', error: 'parse error at 1:5' });

    backend.script({ status: 401, body: 'Unauthorized', headers: { 'content-type': 'text/plain' } });
    const refused = await get('/api/v1/labels');
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toEqual({
      status: 'error',
      errorType: 'unavailable',
      error: `metrics backend ${backend.base} answered HTTP 401 without a Prometheus API answer: Unauthorized`,
    });
  });
});
