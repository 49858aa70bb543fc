/**
 * A real client of the Prometheus API: Debian's promtool (Prometheus' own Go API client) queries Estate. promtool
 * 2.42 cannot send a token (`--http.config.file` came with 2.43), so a small proxy in front adds the
 * `Authorization: Bearer` header Grafana would send; the requests and answers are promtool's own. Peers tier
 * (skipped without promtool unless required).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { tierRequired } from '../../platform/db/test-databases';

const PROMTOOL = '/usr/bin/promtool';
const runs = existsSync(PROMTOOL) || tierRequired('peers');
const run = promisify(execFile);
const T0 = 1_700_000_000_000;

// The client does not depend on the engine: the embedded one is enough.
const [engine] = testEngines();

describe.runIf(runs)('promtool against the Prometheus API', () => {
  let t: TestEstate;
  let proxy: http.Server;
  let direct: string;
  let server: string;

  beforeAll(async () => {
    if (!existsSync(PROMTOOL)) throw new Error(`${PROMTOOL} is required on the peers tier (apt-get install prometheus)`);
    t = await createTestEstate(engine!);
    const admin = await t.setupAdmin();
    const token = (await admin.request('POST', '/api/v1/tokens', { name: 'promtool', scopes: ['metrics:read'] })).json().token as string;
    const samples = [];
    for (let i = 0; i < 10; i++) {
      samples.push({ labels: { __name__: 'up', job: 'node', instance: 'a:9100' }, t: T0 + i * 15_000, v: 1 });
      samples.push({ labels: { __name__: 'up', job: 'node', instance: 'b:9100' }, t: T0 + i * 15_000, v: i < 5 ? 1 : 0 });
    }
    expect((await t.estate.metrics.store.append(samples)).rejected).toEqual([]);
    await t.estate.http.listen({ host: '127.0.0.1', port: 0 });
    const port = (t.estate.http.server.address() as AddressInfo).port;
    direct = `http://127.0.0.1:${port}`;
    proxy = http.createServer((req, res) => {
      const upstream = http.request(
        { host: '127.0.0.1', port, method: req.method, path: req.url, headers: { ...req.headers, authorization: `Bearer ${token}` } },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    server = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => proxy?.close(resolve));
    await t?.close();
  });

  const at = new Date(T0 + 135_000).toISOString();

  it('answers `promtool query instant`', async () => {
    const { stdout } = await run(PROMTOOL, ['query', 'instant', `--time=${at}`, server, 'up']);
    expect(stdout.trim().split('\n')).toEqual([
      `up{instance="a:9100", job="node"} => 1 @[${(T0 + 135_000) / 1000}]`,
      `up{instance="b:9100", job="node"} => 0 @[${(T0 + 135_000) / 1000}]`,
    ]);
    const json = await run(PROMTOOL, ['query', 'instant', '-o', 'json', `--time=${at}`, server, 'sum(up)']);
    expect(JSON.parse(json.stdout)).toEqual([{ metric: {}, value: [(T0 + 135_000) / 1000, '1'] }]);
  });

  it('answers `promtool query range`, `series` and `labels`', async () => {
    const range = await run(PROMTOOL, [
      'query',
      'range',
      '-o',
      'json',
      `--start=${new Date(T0 + 60_000).toISOString()}`,
      `--end=${new Date(T0 + 90_000).toISOString()}`,
      '--step=15s',
      server,
      'sum(up)',
    ]);
    expect(JSON.parse(range.stdout)).toEqual([
      {
        metric: {},
        values: [
          [(T0 + 60_000) / 1000, '2'],
          [(T0 + 75_000) / 1000, '1'],
          [(T0 + 90_000) / 1000, '1'],
        ],
      },
    ]);
    // promtool asks for the last 5 minutes unless given a range, as Prometheus would answer nothing from 2023 then.
    const window = [`--start=${new Date(T0).toISOString()}`, `--end=${new Date(T0 + 150_000).toISOString()}`];
    const series = await run(PROMTOOL, ['query', 'series', ...window, '--match=up{instance="b:9100"}', server]);
    expect(series.stdout.trim()).toBe('{__name__="up", instance="b:9100", job="node"}');
    const labels = await run(PROMTOOL, ['query', 'labels', ...window, server, 'instance']);
    expect(labels.stdout.trim().split('\n')).toEqual(['a:9100', 'b:9100']);
  });

  it('is refused without the token, and reports a bad query as Prometheus would', async () => {
    await expect(run(PROMTOOL, ['query', 'instant', direct, 'up'])).rejects.toMatchObject({ stderr: expect.stringContaining('401') });
    const bad = run(PROMTOOL, ['query', 'instant', server, 'sum(']);
    await expect(bad).rejects.toMatchObject({ stderr: expect.stringContaining('bad_data') });
  });
});
