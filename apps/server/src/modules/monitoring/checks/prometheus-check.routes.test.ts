/**
 * A saved Prometheus check run through the API: its scraped samples land in the metric store with the target's and
 * the check's labels, its secret stays sealed, and a failed scrape stores only `up` 0. SQLite always, PostgreSQL too
 * when configured.
 */

import { startHttpServer, type TestServer } from '@estate/checks/checks/check-servers.fixtures';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';

const PASSWORD = 'sealed-scrape-pw';
const AUTHORIZATION = `Basic ${Buffer.from(`prom:${PASSWORD}`).toString('base64')}`;

for (const engine of testEngines()) {
  describe(`prometheus check through the API on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let server: TestServer;
    let body = '';
    const servers: TestServer[] = [];

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      server = await startHttpServer((req, res) => {
        if (req.headers.authorization !== AUTHORIZATION) res.writeHead(401).end();
        else res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
      });
      servers.push(server);
    });
    afterEach(() => {
      body = '';
    });
    afterAll(async () => {
      await Promise.all(servers.map((s) => s.close()));
      await t?.close();
    });

    async function createCheck(name: string) {
      const created = await admin.request('POST', '/api/v1/checks', {
        name,
        type: 'prometheus',
        config: { url: `http://127.0.0.1:${server.port}/metrics`, job: 'node', auth: { type: 'basic', username: 'prom' } },
        secrets: { password: PASSWORD },
        conditions: ['[STATUS] == 200', '[METRIC].node_load1 < 4'],
      });
      expect(created.statusCode, created.body).toBe(201);
      return created.json() as { id: string };
    }

    const stored = async (metric: string, checkId: string) =>
      t.estate.metrics.store.select(
        [
          { name: '__name__', op: '=', value: metric },
          { name: 'check_id', op: '=', value: checkId },
        ],
        0,
        Date.now() + 60_000,
      );

    it('stores every scraped sample with job, instance, check_id and check_name, and the scrape report', async () => {
      const { id } = await createCheck('node scrape');
      body = 'node_load1 0.5\nnode_network_up{device="eth0"} 1\n';
      const run = await admin.request('POST', `/api/v1/checks/${id}/run`);
      expect(run.statusCode, run.body).toBe(200);
      expect(run.json().result).toMatchObject({ status: 'up' });
      expect(run.body).not.toContain(PASSWORD);

      const instance = `127.0.0.1:${server.port}`;
      const load = await stored('node_load1', id);
      expect(load.map((s) => s.labels)).toEqual([
        { __name__: 'node_load1', job: 'node', instance, check_id: id, check_name: 'node scrape' },
      ]);
      expect(load[0]?.samples.map(([, v]) => v)).toEqual([0.5]);
      expect((await stored('node_network_up', id))[0]?.labels.device).toBe('eth0');
      expect((await stored('up', id))[0]?.samples.map(([, v]) => v)).toEqual([1]);
      expect((await stored('scrape_samples_scraped', id))[0]?.samples.map(([, v]) => v)).toEqual([2]);

      const results = await admin.request('GET', `/api/v1/checks/${id}/results`);
      expect(results.body).not.toContain(PASSWORD);
      expect(results.body).not.toContain('node_network_up');
    });

    it('stores only up 0 for a malformed scrape, and names the line', async () => {
      const { id } = await createCheck('broken scrape');
      body = 'node_load1 0.5\nnode_load5 zero\n';
      const run = await admin.request('POST', `/api/v1/checks/${id}/run`);
      expect(run.json().result).toMatchObject({
        status: 'down',
        message: 'Malformed Prometheus text 0.0.4 exposition, line 2: value "zero" is not a number',
      });
      expect(await stored('node_load1', id)).toEqual([]);
      expect((await stored('up', id))[0]?.samples.map(([, v]) => v)).toEqual([0]);
    });

    it('refuses a check without a valid URL, on the url field', async () => {
      const res = await admin.request('POST', '/api/v1/checks', { name: 'bad', type: 'prometheus', config: { url: 'gopher://x/' } });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ path: 'config.url', message: 'must start with http:// or https://' }]);
    });
  });
}
