import type http from 'node:http';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckRemovedError, CheckTimeoutError } from './abort-reasons';
import { CheckConfigError, type CheckSeriesSample, CheckTypeRegistry } from './check-executor';
import { policyWithNames, startHttpServer, startSilentServer, type TestServer } from './check-servers.fixtures';
import { prometheusCheck, SCRAPE_ACCEPT } from './prometheus-check';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** Serves `body` with `headers` at every path, remembering each request's headers. */
async function target(body: string | Buffer, headers: http.OutgoingHttpHeaders = { 'content-type': TEXT }, status = 200) {
  const seen: http.IncomingHttpHeaders[] = [];
  const server = await startHttpServer((req, res) => {
    seen.push(req.headers);
    res.writeHead(status, headers).end(body);
  });
  servers.push(server);
  return { url: `http://127.0.0.1:${server.port}/metrics`, port: server.port, seen };
}

async function scrape(config: Record<string, unknown>, signal = new AbortController().signal) {
  const check = prometheusCheck(policyWithNames({}));
  return check.run(check.validate(config), signal);
}

const named = (series: CheckSeriesSample[] | undefined, name: string) => (series ?? []).filter((s) => s.name === name);
const reportOf = (series: CheckSeriesSample[] | undefined) =>
  Object.fromEntries(['up', 'scrape_duration_seconds', 'scrape_samples_scraped'].map((n) => [n, named(series, n)[0]?.value]));

const NODE_TEXT = [
  '# HELP node_load1 1m load average.',
  '# TYPE node_load1 gauge',
  'node_load1 0.42',
  '# TYPE node_filesystem_avail_bytes gauge',
  'node_filesystem_avail_bytes{device="/dev/sda1",mountpoint="/"} 5e+09',
  'node_filesystem_avail_bytes{device="/dev/sda2",mountpoint="/boot"} 2.5e+08',
  'http_requests_total{code="200"} 1027 1395066363000',
  '',
].join('\n');

describe('prometheus check: a scrape', () => {
  it('negotiates like Prometheus and stores every sample with job and instance, the exposition timestamps and the report', async () => {
    const t = await target(NODE_TEXT);
    const outcome = await scrape({ url: t.url, job: 'node', conditions: ['[SAMPLES] == 4', '[METRIC].node_load1 < 4'] });
    expect(outcome.status).toBe('up');
    expect(outcome.message).toMatch(/^Scraped 4 samples \(Prometheus text 0\.0\.4\) in \d+ ms$/);
    expect(t.seen[0]).toMatchObject({ accept: SCRAPE_ACCEPT, 'accept-encoding': 'gzip' });
    expect(t.seen[0]?.authorization).toBeUndefined();

    const instance = `127.0.0.1:${t.port}`;
    expect(named(outcome.series, 'node_load1')).toEqual([{ name: 'node_load1', labels: { job: 'node', instance }, value: 0.42 }]);
    expect(named(outcome.series, 'node_filesystem_avail_bytes').map((s) => [s.labels?.mountpoint, s.value])).toEqual([
      ['/', 5e9],
      ['/boot', 2.5e8],
    ]);
    expect(named(outcome.series, 'http_requests_total')[0]).toMatchObject({ t: 1395066363000, labels: { code: '200', job: 'node' } });
    expect(named(outcome.series, 'node_load1')[0]?.t).toBeUndefined();
    const report = reportOf(outcome.series);
    expect(report).toMatchObject({ up: 1, scrape_samples_scraped: 4 });
    expect(report.scrape_duration_seconds).toBeGreaterThanOrEqual(0);
    expect(named(outcome.series, 'up')[0]?.labels).toEqual({ job: 'node', instance });
    expect(outcome.series).toHaveLength(4 + 3);
    expect(outcome.details).toMatchObject({ format: 'prometheus-text', samplesScraped: 4, contentType: TEXT });
  });

  it('uses the exposition time only while honorTimestamps holds', async () => {
    const t = await target(NODE_TEXT);
    const outcome = await scrape({ url: t.url, honorTimestamps: false });
    expect(named(outcome.series, 'http_requests_total')[0]?.t).toBeUndefined();
  });

  it('keeps the target labels: a scraped job or instance becomes exported_, unless honorLabels', async () => {
    const body = ['a{job="app",instance="pod-1",exported_job="x"} 1', 'b{check_id="spoof",empty=""} 2', 'c{job=""} 3', ''].join('\n');
    const t = await target(body);
    const instance = `127.0.0.1:${t.port}`;
    const plain = await scrape({ url: t.url });
    expect(named(plain.series, 'a')[0]?.labels).toEqual({
      job: 'prometheus-check',
      instance,
      // As Prometheus does: the scraped job goes to the first exported_… name the sample does not use.
      exported_job: 'x',
      exported_exported_job: 'app',
      exported_instance: 'pod-1',
    });
    // The recorder sets check_id on every series: a scraped one is kept aside, not lost; empty labels are dropped.
    expect(named(plain.series, 'b')[0]?.labels).toEqual({ exported_check_id: 'spoof', job: 'prometheus-check', instance });

    const honoured = await scrape({ url: t.url, honorLabels: true });
    expect(named(honoured.series, 'a')[0]?.labels).toEqual({ job: 'app', instance: 'pod-1', exported_job: 'x' });
    // An empty scraped label is no label: the target's fills it.
    expect(named(honoured.series, 'c')[0]?.labels).toEqual({ job: 'prometheus-check', instance });
  });

  it('reads an OpenMetrics answer by its Content-Type, with seconds timestamps', async () => {
    const body = [
      '# TYPE jobs_done counter',
      'jobs_done_total{queue="mail"} 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67',
      'jobs_done_created{queue="mail"} 1520430000.123',
      '# EOF',
      '',
    ].join('\n');
    const t = await target(body, { 'content-type': OPENMETRICS });
    const outcome = await scrape({ url: t.url });
    expect(outcome.status).toBe('up');
    expect(outcome.message).toMatch(/^Scraped 2 samples \(OpenMetrics 1\.0\)/);
    expect(named(outcome.series, 'jobs_done_total')[0]).toMatchObject({ value: 17, t: 1520879607789 });
    expect(outcome.details.format).toBe('openmetrics');
  });

  it('decompresses a gzip answer, and fails one that grows past maxBodyBytes', async () => {
    const many = Array.from({ length: 500 }, (_, i) => `series_${i} ${i}`).join('\n');
    const t = await target(zlib.gzipSync(`${many}\n`), { 'content-type': TEXT, 'content-encoding': 'gzip' });
    const outcome = await scrape({ url: t.url, conditions: ['[METRIC].series_499 == 499'] });
    expect(outcome.status).toBe('up');
    expect(outcome.details.bodyBytes as number).toBeLessThan(outcome.details.decodedBytes as number);
    expect(named(outcome.series, 'series_7')[0]?.value).toBe(7);

    const bomb = await target(zlib.gzipSync(Buffer.alloc(4 * 1024 * 1024, '#')), { 'content-type': TEXT, 'content-encoding': 'gzip' });
    const refused = await scrape({ url: bomb.url, maxBodyBytes: 1024 * 1024 });
    expect(refused.status).toBe('down');
    expect(refused.message).toBe('The body is larger than the limit of 1048576 bytes (maxBodyBytes) once decompressed');
    expect(reportOf(refused.series)).toMatchObject({ up: 0, scrape_samples_scraped: 0 });
  });

  it('follows a redirect to the metrics path', async () => {
    const server = await startHttpServer((req, res) => {
      if (req.url === '/old') res.writeHead(302, { location: '/metrics' }).end();
      else res.writeHead(200, { 'content-type': TEXT }).end('moved 1\n');
    });
    servers.push(server);
    const outcome = await scrape({ url: `http://127.0.0.1:${server.port}/old`, conditions: ['[METRIC].moved == 1'] });
    expect(outcome.status).toBe('up');
    expect(outcome.details.hops).toHaveLength(2);
  });
});

describe('prometheus check: a scrape that fails stores nothing but its report', () => {
  const onlyReport = (series: CheckSeriesSample[] | undefined) => (series ?? []).map((s) => s.name).sort();
  const REPORT = ['scrape_duration_seconds', 'scrape_samples_scraped', 'up'];

  it('fails a malformed exposition, naming the line and what is wrong', async () => {
    const t = await target('good_one 1\ngood_two{a="b"} 2\nbad_three{a="b" 3\n');
    const outcome = await scrape({ url: t.url });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe('Malformed Prometheus text 0.0.4 exposition, line 3: expected "," or "}" at column 17');
    expect(onlyReport(outcome.series)).toEqual(REPORT);
    expect(reportOf(outcome.series)).toMatchObject({ up: 0, scrape_samples_scraped: 0 });

    const om = await target('a 1\n', { 'content-type': OPENMETRICS });
    const unterminated = await scrape({ url: om.url });
    expect(unterminated.message).toBe('Malformed OpenMetrics 1.0 exposition, line 2: missing # EOF at the end (OpenMetrics)');
    expect(onlyReport(unterminated.series)).toEqual(REPORT);

    const page = await target('<html><body>Node Exporter</body></html>\n', { 'content-type': 'text/html; charset=UTF-8' });
    expect((await scrape({ url: page.url })).message).toBe(
      'Malformed Prometheus text 0.0.4 exposition, line 1: expected a metric name at column 1' +
        ' (the target sent Content-Type text/html; charset=UTF-8: is url the metrics path?)',
    );
  });

  it('fails a scrape over the sample limit, naming the limit and the count', async () => {
    const body = `${Array.from({ length: 30 }, (_, i) => `m{i="${i}"} ${i}`).join('\n')}\n`;
    const t = await target(body);
    const outcome = await scrape({ url: t.url, sampleLimit: 20, conditions: ['[STATUS] == 200', '[SAMPLES] > 0'] });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe(
      'Sample limit exceeded: the target served 30 samples, more than the limit of 20 (sampleLimit); none were stored',
    );
    expect(onlyReport(outcome.series)).toEqual(REPORT);
    expect(reportOf(outcome.series)).toMatchObject({ up: 0, scrape_samples_scraped: 30 });

    const within = await scrape({ url: t.url, sampleLimit: 30 });
    expect(within.status).toBe('up');
  });

  it('is down on a 404, an unknown encoding and a body over maxBodyBytes', async () => {
    const missing = await target('not here', { 'content-type': 'text/plain' }, 404);
    const notFound = await scrape({ url: missing.url });
    expect(notFound.status).toBe('down');
    expect(notFound.message).toBe('The target answered HTTP 404; a scrape needs 200');
    expect(notFound.conditions[0]?.reason).toBe('[STATUS] (404) == 200');
    expect(onlyReport(notFound.series)).toEqual(REPORT);

    const brotli = await target(zlib.brotliCompressSync('a 1\n'), { 'content-type': TEXT, 'content-encoding': 'br' });
    expect((await scrape({ url: brotli.url })).message).toBe('The target sent Content-Encoding "br"; a scrape reads gzip or none');

    const big = await target(`${'x'.repeat(3000)} 1\n`);
    const cut = await scrape({ url: big.url, maxBodyBytes: 2048 });
    expect(cut.message).toBe('The body is larger than the limit of 2048 bytes (maxBodyBytes)');
  });

  it('is down when the signal times it out, and unknown when the check is removed', async () => {
    const silent = await startSilentServer();
    servers.push(silent);
    const url = `http://127.0.0.1:${silent.port}/metrics`;
    const timeout = new AbortController();
    setTimeout(() => timeout.abort(new CheckTimeoutError(200)), 200);
    const timedOut = await scrape({ url }, timeout.signal);
    expect(timedOut.status).toBe('down');
    expect(timedOut.message).toBe('Timed out: The check did not finish within 200 ms.');
    expect(reportOf(timedOut.series)).toMatchObject({ up: 0 });

    const removal = new AbortController();
    setTimeout(() => removal.abort(new CheckRemovedError()), 50);
    expect((await scrape({ url }, removal.signal)).status).toBe('unknown');
  });

  it('stores the samples of a good scrape whose condition failed: the scrape was up, the check is down', async () => {
    const t = await target(NODE_TEXT);
    const outcome = await scrape({ url: t.url, conditions: ['[METRIC].node_filesystem_avail_bytes{mountpoint="/boot"} > 1000000000'] });
    expect(outcome.status).toBe('down');
    expect(outcome.message).toBe('Condition failed: [METRIC].node_filesystem_avail_bytes{mountpoint="/boot"} (250000000) > 1000000000');
    expect(reportOf(outcome.series).up).toBe(1);
    expect(named(outcome.series, 'node_load1')).toHaveLength(1);
  });
});

describe('prometheus check: credentials', () => {
  async function guarded(expected: string) {
    const server = await startHttpServer((req, res) => {
      if (req.headers.authorization !== expected) res.writeHead(401, { 'www-authenticate': 'Basic' }).end();
      else res.writeHead(200, { 'content-type': TEXT }).end('secured 1\n');
    });
    servers.push(server);
    return { url: `http://127.0.0.1:${server.port}/metrics` };
  }

  it('sends basic credentials from the sealed secret and never shows the password', async () => {
    const registry = new CheckTypeRegistry([prometheusCheck(policyWithNames({})) as never]);
    const t = await guarded(`Basic ${Buffer.from('scraper:hunter2-s3cret').toString('base64')}`);
    const config = { url: t.url, auth: { type: 'basic', username: 'scraper' } };
    const prepared = registry.prepare('prometheus', config, { secrets: { password: 'hunter2-s3cret' } });
    const outcome = await prepared.run(new AbortController().signal);
    expect(outcome.status).toBe('up');
    expect(named(outcome.series, 'secured')).toHaveLength(1);
    const shown = JSON.stringify(outcome);
    expect(shown).not.toContain('hunter2-s3cret');
    expect(shown).not.toContain(Buffer.from('scraper:hunter2-s3cret').toString('base64'));

    const wrong = await registry.prepare('prometheus', config, { secrets: { password: 'nope' } }).run(new AbortController().signal);
    expect(wrong.message).toBe('The target answered HTTP 401; a scrape needs 200');
  });

  it('sends a bearer token from the sealed secret', async () => {
    const registry = new CheckTypeRegistry([prometheusCheck(policyWithNames({})) as never]);
    const t = await guarded('Bearer tok-123');
    const prepared = registry.prepare('prometheus', { url: t.url, auth: { type: 'bearer' } }, { secrets: { token: 'tok-123' } });
    const outcome = await prepared.run(new AbortController().signal);
    expect(outcome.status).toBe('up');
    expect(JSON.stringify(outcome)).not.toContain('tok-123');
  });
});

describe('prometheus check: configuration', () => {
  const check = prometheusCheck();
  const refusal = (config: unknown) => {
    try {
      check.validate(config);
    } catch (err) {
      if (err instanceof CheckConfigError) return err.field;
      throw err;
    }
    return 'accepted';
  };

  it('refuses what it cannot run, naming the field', () => {
    expect(refusal({ url: 'not a url' })).toBe('url');
    expect(refusal({})).toBe('url');
    expect(refusal({ url: 'ftp://example.org/metrics' })).toBe('url');
    expect(refusal({ url: 'http://user:pw@example.org/metrics' })).toBe('url');
    expect(refusal({ url: 'http://example.org/metrics', headers: { Authorization: 'Basic x' } })).toBe('headers.Authorization');
    expect(refusal({ url: 'http://example.org/metrics', headers: { 'Accept-Encoding': 'br' } })).toBe('headers.Accept-Encoding');
    expect(refusal({ url: 'http://example.org/metrics', job: '' })).toBe('job');
    expect(refusal({ url: 'http://example.org/metrics', sampleLimit: 0 })).toBe('sampleLimit');
    expect(refusal({ url: 'http://example.org/metrics', honorLabels: 'yes' })).toBe('honorLabels');
    expect(refusal({ url: 'http://example.org/metrics', auth: { type: 'bearer' } })).toBe('auth');
    expect(refusal({ url: 'http://example.org/metrics', conditions: ['[STATUS] == 200', '[BODY] == ok'] })).toBe('conditions[1]');
    expect(refusal({ url: 'http://example.org/metrics', conditions: ['[METRIC] > 1'] })).toBe('conditions[0]');
  });

  it('fills the defaults, the instance as host:port', () => {
    expect(check.validate({ url: 'http://Example.org/metrics' })).toMatchObject({
      url: 'http://example.org/metrics',
      job: 'prometheus-check',
      instance: 'example.org:80',
      honorLabels: false,
      honorTimestamps: true,
      sampleLimit: 20_000,
      maxBodyBytes: 8 * 1024 * 1024,
      conditionSources: ['[STATUS] == 200'],
    });
    expect(check.validate({ url: 'https://[::1]:9100/metrics' }).instance).toBe('[::1]:9100');
    expect(check.validate({ url: 'https://node.example.org/metrics' }).instance).toBe('node.example.org:443');
  });
});
