import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AlertRouting, NotificationChannel } from '@estate/contract';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';

const REAL_CONFIG = readFileSync(path.join(import.meta.dirname, 'testdata/alertmanager.yml'), 'utf8');
const PD_KEY = 'PdKey0123456789abcdefSECRETpd000';
const SLACK_DB = 'https://hooks.slack.com/services/T0/B0/SECRETslackdb';
const SLACK_FE = 'https://hooks.slack.com/services/T0/B1/SECRETslackfe';
const SMTP_PASSWORD = 'SECRETsmtp-password';
/** The real configuration with its `*_file` fields pasted as values and an SMTP password in `global`. */
const PASTED = REAL_CONFIG.replace('routing_key_file: /etc/alertmanager/pagerduty-db.key', `routing_key: "${PD_KEY}"`)
  .replace('api_url_file: /etc/alertmanager/slack-db.url', `api_url: "${SLACK_DB}"`)
  .replace('api_url_file: /etc/alertmanager/slack-frontend.url', `api_url: "${SLACK_FE}"`)
  .replace('  smtp_require_tls: true', `  smtp_require_tls: true\n  smtp_auth_username: am\n  smtp_auth_password: "${SMTP_PASSWORD}"`);
const SECRETS = [PD_KEY, SLACK_DB, SLACK_FE, SMTP_PASSWORD, 'SECRET'];

describe.each(testEngines())('routing configuration with inline integrations on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
  });
  afterAll(async () => {
    await t?.close();
  });

  const db = () => t.estate.database.db;
  const channelRows = () => db().selectFrom('notification_channels').selectAll().orderBy('name').execute();
  const storedTexts = async () => [
    ...(await db().selectFrom('alert_routing_config').select('yaml').execute()).map((r) => r.yaml as string),
    ...(await db().selectFrom('alert_routing_config_history').select('yaml').execute()).map((r) => r.yaml as string),
  ];
  const put = (yaml: string, version: number) =>
    admin.request('PUT', '/api/v1/alert-routing', { yaml }, { 'if-match': `"routing.${version}"` });

  it('refuses a configuration whose integrations read files or lack a field, naming each path, and stores nothing', async () => {
    const broken = PASTED.replace(`api_url: "${SLACK_FE}"`, 'username: nobody');
    const refusals = [
      [REAL_CONFIG, ['receivers[2].pagerduty_configs[0].routing_key_file', 'receivers[3].slack_configs[0].api_url_file']],
      [broken, ['receivers[4].slack_configs[0].api_url']],
      [
        `${PASTED.replace('  - name: blackhole', '  - name: blackhole\n    wechat_configs: [{corp_id: x}]')}`,
        ['receivers[5].wechat_configs'],
      ],
    ] as const;
    for (const [yaml, paths] of refusals) {
      for (const attempt of [() => put(yaml, 0), () => admin.request('POST', '/api/v1/alert-routing/preview', { yaml })]) {
        const res = await attempt();
        expect(res.statusCode, res.body).toBe(400);
        const errors = res.json().errors as { path: string; message: string }[];
        expect(errors.map((e) => e.path)).toEqual(expect.arrayContaining([...paths]));
      }
    }
    expect(await channelRows()).toEqual([]);
    expect(await storedTexts()).toEqual([]);
    const creates = (await admin.request('GET', '/api/v1/audit-events?action=notification_channel.create')).json().items;
    expect(creates).toEqual([]);
  });

  it('previews without storing, then saves: one sealed channel per integration, receivers rewritten, no secret stored', async () => {
    const preview = await admin.request('POST', '/api/v1/alert-routing/preview', { yaml: PASTED });
    expect(preview.statusCode, preview.body).toBe(200);
    const previewed = preview.json() as AlertRouting;
    expect(previewed.version).toBe(0);
    expect(previewed.channelImport?.channels.map((c) => [c.name, c.type, c.id, c.reused])).toEqual([
      ['ops-email/email/0', 'email', null, false],
      ['audit-webhook/webhook/0', 'alertmanager-webhook', null, false],
      ['database-pager/pagerduty/0', 'pagerduty', null, false],
      ['database-team/slack/0', 'slack', null, false],
      ['frontend-slack/slack/0', 'slack', null, false],
    ]);
    expect(previewed.channelImport?.removedGlobals).toEqual([
      'smtp_smarthost',
      'smtp_from',
      'smtp_require_tls',
      'smtp_auth_username',
      'smtp_auth_password',
    ]);
    expect(previewed.channelImport?.ignored.map((i) => i.path)).toEqual(
      expect.arrayContaining(['receivers[2].pagerduty_configs[0].severity', 'receivers[3].slack_configs[0].title']),
    );
    expect(await channelRows()).toEqual([]);

    const saved = await put(PASTED, 0);
    expect(saved.statusCode, saved.body).toBe(200);
    const answer = saved.json() as AlertRouting;
    expect(answer.yaml).toBe(previewed.yaml);
    expect(answer.channelImport?.channels.every((c) => c.id !== null && !c.reused)).toBe(true);
    expect(answer.receivers.find((r) => r.name === 'database-team')?.integrations).toEqual(['estate_channels']);
    // The tree is the pasted one: only receivers' integrations changed.
    expect(answer.routes).toEqual(previewed.routes);

    const rows = await channelRows();
    expect(rows.map((r) => r.name)).toEqual([
      'audit-webhook/webhook/0',
      'database-pager/pagerduty/0',
      'database-team/slack/0',
      'frontend-slack/slack/0',
      'ops-email/email/0',
    ]);
    for (const row of rows) expect(row.secret).not.toBeNull();
    const raw = JSON.stringify(rows);
    for (const secret of SECRETS) expect(raw).not.toContain(secret);
    const channel = (await admin.request('GET', `/api/v1/notification-channels/${rows[4]?.id}`)).json() as NotificationChannel;
    expect(channel).toMatchObject({
      type: 'email',
      sendResolved: true,
      settings: { host: 'smtp.example.org', port: 587, from: 'alertmanager@example.org', to: ['ops@example.org'], username: 'am' },
      secretNames: ['password'],
    });

    const texts = await storedTexts();
    expect(texts).toHaveLength(2);
    for (const text of texts) {
      for (const secret of SECRETS) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/_configs|smtp_/);
      expect(text).toContain('estate_channels: [ database-team/slack/0 ]');
    }
    const { rows: dump } = await sql<{ yaml: string }>`select yaml from alert_routing_config_history`.execute(db());
    expect(JSON.stringify(dump)).not.toContain('SECRET');

    const creates = (await admin.request('GET', '/api/v1/audit-events?action=notification_channel.create')).json().items;
    expect(creates).toHaveLength(5);
    const [update] = (await admin.request('GET', '/api/v1/audit-events?action=alert_routing.update')).json().items;
    expect(update.after.channels).toHaveLength(5);
    expect(JSON.stringify([...creates, update])).not.toContain('SECRET');
  });

  it('reuses identical channels when the same integrations are pasted again, and numbers a changed one', async () => {
    const again = await put(PASTED.replace('repeat_interval: 3h', 'repeat_interval: 2h'), 1);
    expect(again.statusCode, again.body).toBe(200);
    expect((again.json() as AlertRouting).channelImport?.channels.every((c) => c.reused)).toBe(true);
    expect(await channelRows()).toHaveLength(5);

    const changed = await put(PASTED.replace(SLACK_FE, `${SLACK_FE}v2`), 2);
    expect(changed.statusCode, changed.body).toBe(200);
    const imported = (changed.json() as AlertRouting).channelImport?.channels ?? [];
    expect(imported.filter((c) => !c.reused).map((c) => c.name)).toEqual(['frontend-slack/slack/0 (2)']);
    expect((changed.json() as AlertRouting).yaml).toContain('estate_channels: [ frontend-slack/slack/0 (2) ]');
    expect(await channelRows()).toHaveLength(6);
  });
});
