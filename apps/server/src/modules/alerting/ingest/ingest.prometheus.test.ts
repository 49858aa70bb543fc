/**
 * Debian's real Prometheus and Alertmanager sending alerts into Estate, configured as an operator would (docs):
 * one Prometheus names Estate among its `alertmanagers` (API v2, an `alerting:ingest` token) with a rule that fires
 * at once; another sends to a real Alertmanager whose `webhook_configs` forwards to Estate's webhook route, with a
 * rule the test ends by changing what Prometheus scrapes. The alerts appear in Estate's alert list, and the
 * forwarded one resolves when Prometheus resolves it. Peers tier.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertEpisode } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERTMANAGER, type RunningAlertmanager, startAlertmanager } from '../../../../test/fixtures/alertmanager';
import { PROMETHEUS, type RunningBackend, startPrometheus } from '../../../../test/fixtures/metric-peers';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { eventually, tierRequired } from '../../../platform/db/test-databases';

const runs = (existsSync(PROMETHEUS) && existsSync(ALERTMANAGER)) || tierRequired('peers');
// The senders do not depend on the engine: the embedded one is enough.
const [engine] = testEngines();

describe.runIf(runs)('a real Prometheus and Alertmanager sending alerts into Estate', () => {
  let t: TestEstate;
  let admin: Agent;
  let direct: RunningBackend;
  let viaAlertmanager: RunningBackend;
  let alertmanager: RunningAlertmanager;
  let exporter: Server;
  /** What the small exporter answers: the rule through Alertmanager fires while this is 1. */
  let queueStuck = 1;
  let rulesDir = '';

  const alerts = async (name: string, state: string): Promise<AlertEpisode[]> => {
    const res = await admin.request('GET', `/api/v1/alerting/alerts?state=${state}&limit=500`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as AlertEpisode[]).filter((a) => a.name === name);
  };
  const logs = () =>
    `\n--- prometheus (direct)\n${direct?.output()}\n--- prometheus (via alertmanager)\n${viaAlertmanager?.output()}\n--- alertmanager\n${alertmanager?.output()}`;

  beforeAll(async () => {
    t = await createTestEstate(engine!);
    admin = await t.setupAdmin();
    const token = (await admin.request('POST', '/api/v1/tokens', { name: 'prometheus', scopes: ['alerting:ingest'] })).json()
      .token as string;
    await t.estate.http.listen({ host: '127.0.0.1', port: 0 });
    const estatePort = (t.estate.http.server.address() as AddressInfo).port;

    exporter = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`# TYPE mail_queue_stuck gauge\nmail_queue_stuck ${queueStuck}\n`);
    });
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    const exporterPort = (exporter.address() as AddressInfo).port;

    alertmanager = await startAlertmanager(
      [
        'route:',
        '  receiver: estate',
        '  group_by: [alertname]',
        '  group_wait: 1s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: estate',
        '    webhook_configs:',
        `      - url: http://127.0.0.1:${estatePort}/api/v1/alerting/alertmanager-webhook`,
        '        send_resolved: true',
        '        http_config:',
        `          authorization: { credentials: ${token} }`,
        '',
      ].join('\n'),
    );

    rulesDir = mkdtempSync(join(tmpdir(), 'estate-rules-'));
    const prometheus = async (rules: string, alerting: string[], scrape: string[] = []) => {
      const file = join(rulesDir, `rules-${Math.random().toString(36).slice(2)}.yml`);
      writeFileSync(file, rules);
      const started = await startPrometheus(
        [
          'global: { scrape_interval: 1s, evaluation_interval: 1s }',
          `rule_files: ['${file}']`,
          ...scrape,
          'alerting:',
          '  alertmanagers:',
          ...alerting,
          '',
        ].join('\n'),
      );
      return started;
    };
    direct = await prometheus(
      [
        'groups:',
        '  - name: estate-direct',
        '    rules:',
        '      - alert: AlwaysFiring',
        '        expr: vector(1)',
        // Pending a few seconds: Prometheus drops what it sends before its first discovery of its alertmanagers
        // has run, and would resend only a minute later.
        '        for: 6s',
        '        labels: { severity: warning }',
        "        annotations: { summary: 'always firing, straight from Prometheus' }",
        '',
      ].join('\n'),
      [
        '    - api_version: v2',
        `      static_configs: [{ targets: ['127.0.0.1:${estatePort}'] }]`,
        `      authorization: { credentials: ${token} }`,
      ],
    );
    viaAlertmanager = await prometheus(
      [
        'groups:',
        '  - name: estate-via-alertmanager',
        '    rules:',
        '      - alert: MailQueueStuck',
        '        expr: mail_queue_stuck == 1',
        '        for: 6s',
        '        labels: { severity: critical }',
        "        annotations: { summary: 'the mail queue is stuck' }",
        '',
      ].join('\n'),
      ['    - api_version: v2', `      static_configs: [{ targets: ['${alertmanager.target}'] }]`],
      ['scrape_configs:', '  - job_name: mail', `    static_configs: [{ targets: ['127.0.0.1:${exporterPort}'] }]`],
    );
  }, 90_000);
  afterAll(async () => {
    await direct?.stop();
    await viaAlertmanager?.stop();
    await alertmanager?.stop();
    await new Promise((resolve) => (exporter ? exporter.close(resolve) : resolve(undefined)));
    await t?.close();
    if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
  });

  it("takes a firing alert from Prometheus' alertmanagers on API v2", { timeout: 60_000 }, async () => {
    await eventually(async () => (await alerts('AlwaysFiring', 'firing')).length > 0, 45_000).catch((err) => {
      throw new Error(`${err}${logs()}`);
    });
    const [alert] = await alerts('AlwaysFiring', 'firing');
    expect(alert).toMatchObject({
      source: 'prometheus',
      severity: 'warning',
      labels: { alertname: 'AlwaysFiring', severity: 'warning' },
      annotations: { summary: 'always firing, straight from Prometheus' },
    });
    expect(alert?.annotations.generator_url).toMatch(/^http:\/\//);
  });

  it('takes an alert an Alertmanager forwards by webhook, and resolves it when Prometheus resolves it', { timeout: 90_000 }, async () => {
    await eventually(async () => (await alerts('MailQueueStuck', 'firing')).length > 0, 45_000).catch((err) => {
      throw new Error(`${err}${logs()}`);
    });
    const [firing] = await alerts('MailQueueStuck', 'firing');
    expect(firing).toMatchObject({
      source: 'alertmanager',
      severity: 'critical',
      labels: { alertname: 'MailQueueStuck', severity: 'critical', job: 'mail' },
      annotations: { summary: 'the mail queue is stuck' },
    });

    queueStuck = 0;
    await eventually(async () => (await alerts('MailQueueStuck', 'resolved')).length > 0, 45_000).catch((err) => {
      throw new Error(`${err}${logs()}`);
    });
    expect((await alerts('MailQueueStuck', 'resolved')).map((a) => a.id)).toEqual([firing?.id]);
    expect(await alerts('MailQueueStuck', 'firing')).toEqual([]);
  });
});
