import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseRoutingConfig } from '../../routing';
import { planInlineChannels } from './inline-channels';

/** A whole configuration around one receiver `r` holding `integrations`, with an optional `global`. */
function configWith(integrations: Record<string, unknown>, global?: Record<string, unknown>): string {
  return stringify({ ...(global ? { global } : {}), route: { receiver: 'r' }, receivers: [{ name: 'r', ...integrations }] });
}

interface MappingCase {
  name: string;
  integrations: Record<string, unknown>;
  global?: Record<string, unknown>;
  type: string;
  settings: Record<string, unknown>;
  secrets: Record<string, unknown>;
  sendResolved: boolean;
}

const cases: MappingCase[] = [
  {
    name: 'webhook: url, max_alerts; resolved by default',
    integrations: { webhook_configs: [{ url: 'https://hooks.example.com/am', max_alerts: 5 }] },
    type: 'alertmanager-webhook',
    settings: { maxAlerts: 5 },
    secrets: { url: 'https://hooks.example.com/am' },
    sendResolved: true,
  },
  {
    name: 'webhook: credentials in the URL become basic auth',
    integrations: { webhook_configs: [{ url: 'https://ops:s3cr%40t@hooks.example.com/am', send_resolved: false }] },
    type: 'alertmanager-webhook',
    settings: { username: 'ops', maxAlerts: 0 },
    secrets: { url: 'https://hooks.example.com/am', password: 's3cr@t' },
    sendResolved: false,
  },
  {
    name: 'webhook: http_config bearer credentials',
    integrations: {
      webhook_configs: [
        { url: 'https://hooks.example.com/', http_config: { authorization: { credentials: 'tok' }, follow_redirects: true } },
      ],
    },
    type: 'alertmanager-webhook',
    settings: { maxAlerts: 0 },
    secrets: { url: 'https://hooks.example.com/', bearerToken: 'tok' },
    sendResolved: true,
  },
  {
    name: 'email: global smtp_* defaults; not resolved by default',
    integrations: { email_configs: [{ to: 'ops@example.com, db@example.com' }] },
    global: {
      smtp_smarthost: 'smtp.example.com:587',
      smtp_from: 'am@example.com',
      smtp_auth_username: 'am',
      smtp_auth_password: 'pw',
    },
    type: 'email',
    settings: {
      host: 'smtp.example.com',
      port: 587,
      security: 'starttls',
      auth: 'password',
      username: 'am',
      from: 'am@example.com',
      to: ['ops@example.com', 'db@example.com'],
      verifyTls: true,
    },
    secrets: { password: 'pw' },
    sendResolved: false,
  },
  {
    name: 'email: port 465 is implicit TLS; no auth, require_tls false on 25 is plain',
    integrations: {
      email_configs: [
        { to: 'a@example.com', from: 'b@example.com', smarthost: 'relay.local:465', tls_config: { insecure_skip_verify: true } },
      ],
    },
    type: 'email',
    settings: {
      host: 'relay.local',
      port: 465,
      security: 'tls',
      auth: 'none',
      from: 'b@example.com',
      to: ['a@example.com'],
      verifyTls: false,
    },
    secrets: {},
    sendResolved: false,
  },
  {
    name: 'slack: global slack_api_url, channel and username',
    integrations: { slack_configs: [{ channel: '#ops', username: 'am', title: '{{ .CommonLabels.alertname }}' }] },
    global: { slack_api_url: 'https://hooks.slack.com/services/T/B/X' },
    type: 'slack',
    settings: { channel: '#ops', username: 'am' },
    secrets: { url: 'https://hooks.slack.com/services/T/B/X' },
    sendResolved: false,
  },
  {
    name: 'pagerduty: routing_key, global pagerduty_url, literal severity',
    integrations: {
      pagerduty_configs: [{ routing_key: 'RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR', severity: 'warning', description: '{{ .X }}' }],
    },
    global: { pagerduty_url: 'https://events.eu.pagerduty.com/v2/enqueue' },
    type: 'pagerduty',
    settings: { severity: 'warning', apiUrl: 'https://events.eu.pagerduty.com/v2/enqueue' },
    secrets: { routingKey: 'RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR' },
    sendResolved: true,
  },
  {
    name: 'pagerduty: service_key; template severity left to the alerts',
    integrations: { pagerduty_configs: [{ service_key: 'SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS', severity: '{{ .CommonLabels.severity }}' }] },
    type: 'pagerduty',
    settings: { apiUrl: 'https://events.pagerduty.com/v2/enqueue' },
    secrets: { routingKey: 'SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS' },
    sendResolved: true,
  },
  {
    name: 'opsgenie: global api key and url, priority, tags, team responders',
    integrations: { opsgenie_configs: [{ priority: 'P2', tags: 'db, prod', responders: [{ type: 'team', name: 'dba' }] }] },
    global: { opsgenie_api_key: 'ok', opsgenie_api_url: 'https://api.eu.opsgenie.com/' },
    type: 'opsgenie',
    settings: { apiUrl: 'https://api.eu.opsgenie.com/', priority: 'P2', tags: ['db', 'prod'], teams: ['dba'] },
    secrets: { apiKey: 'ok' },
    sendResolved: true,
  },
  {
    name: 'telegram: bot token, numeric chat id, thread, silent',
    integrations: { telegram_configs: [{ bot_token: '1:AB', chat_id: -100123, message_thread_id: 7, disable_notifications: true }] },
    type: 'telegram',
    settings: { chatId: '-100123', messageThreadId: 7, disableNotification: true, apiUrl: 'https://api.telegram.org' },
    secrets: { botToken: '1:AB' },
    sendResolved: true,
  },
  {
    name: 'msteams and msteamsv2: webhook_url',
    integrations: { msteamsv2_configs: [{ webhook_url: 'https://prod.westeurope.logic.azure.com/workflows/x?sig=y', title: 'T' }] },
    type: 'msteams',
    settings: {},
    secrets: { url: 'https://prod.westeurope.logic.azure.com/workflows/x?sig=y' },
    sendResolved: true,
  },
  {
    name: 'discord: webhook_url and username',
    integrations: { discord_configs: [{ webhook_url: 'https://discord.com/api/webhooks/1/t', username: 'am', send_resolved: false }] },
    type: 'discord',
    settings: { username: 'am' },
    secrets: { url: 'https://discord.com/api/webhooks/1/t' },
    sendResolved: false,
  },
  {
    name: 'pushover: keys, priority, retry and expire as seconds',
    integrations: {
      pushover_configs: [
        {
          user_key: 'uuuuuuuuuuuuuuuuuuuuuuuuuuuuuu',
          token: 'tttttttttttttttttttttttttttttt',
          priority: '1',
          retry: '2m',
          expire: '2h',
          sound: 'siren',
        },
      ],
    },
    type: 'pushover',
    settings: { sound: 'siren', priority: 1, retry: 120, expire: 7200, apiUrl: 'https://api.pushover.net/1/messages.json' },
    secrets: { userKey: 'uuuuuuuuuuuuuuuuuuuuuuuuuuuuuu', apiToken: 'tttttttttttttttttttttttttttttt' },
    sendResolved: true,
  },
];

describe('inline Alertmanager integrations as Estate channels', () => {
  it.each(cases)('$name', (c) => {
    const yaml = configWith(c.integrations, c.global);
    parseRoutingConfig(yaml);
    const plan = planInlineChannels(yaml);
    expect(plan.errors).toEqual([]);
    expect(plan.drafts).toHaveLength(1);
    const [draft] = plan.drafts;
    expect(draft?.type).toBe(c.type);
    expect(draft?.secrets).toEqual(c.secrets);
    expect(draft?.sendResolved).toBe(c.sendResolved);
    // Defaults the channel type fills (method, templates) are not the mapping's business: compare what was mapped.
    expect(draft?.settings).toMatchObject(c.settings);
    expect(draft?.name).toBe(`r/${Object.keys(c.integrations)[0]?.replace('_configs', '')}/0`);
  });

  it('names channels by receiver, kind and index, and rewrites receivers to name them with no secret left', () => {
    const yaml = `# our routing
global:
  resolve_timeout: 5m
  slack_api_url: https://hooks.slack.com/services/T/B/SECRET1
route:
  receiver: team-a
receivers:
  - name: team-a
    estate_channels: [oncall-mail]
    slack_configs:
      - channel: '#a'
      - channel: '#b'
        api_url: https://hooks.slack.com/services/T/B/SECRET2
  - name: team-b
    webhook_configs:
      - url: http://u:SECRET3@127.0.0.1:9/hook
`;
    const plan = planInlineChannels(yaml);
    expect(plan.errors).toEqual([]);
    expect(plan.drafts.map((d) => d.name)).toEqual(['team-a/slack/0', 'team-a/slack/1', 'team-b/webhook/0']);
    expect(plan.removedGlobals).toEqual(['slack_api_url']);
    const rewritten = plan.rewrite(['team-a/slack/0', 'team-a/slack/1 (2)', 'team-b/webhook/0']);
    expect(rewritten).not.toMatch(/SECRET|slack_configs|webhook_configs/);
    expect(rewritten).toContain('# our routing');
    const config = parseRoutingConfig(rewritten);
    expect(config.receivers.get('team-a')?.integrations.estate_channels).toEqual(['oncall-mail', 'team-a/slack/0', 'team-a/slack/1 (2)']);
    expect(config.receivers.get('team-b')?.integrations.estate_channels).toEqual(['team-b/webhook/0']);
    expect(config.global).toEqual({ resolve_timeout: '5m' });
  });

  it('notes only the fields written, not those a kind could have', () => {
    expect(planInlineChannels(configWith({ webhook_configs: [{ url: 'https://x.example/' }] })).ignored).toEqual([]);
    expect(planInlineChannels(configWith({ webhook_configs: [{ url: 'https://x.example/', timeout: '5s' }] })).ignored).toEqual([
      { path: 'receivers[0].webhook_configs[0].timeout', message: expect.stringContaining('timeout') },
    ]);
  });

  it('leaves a configuration without inline integrations as written', () => {
    const yaml = 'route: {receiver: a}\nreceivers:\n  - name: a\n    estate_channels: [x]\n';
    expect(planInlineChannels(yaml).rewrite([])).toBe(yaml);
  });

  it('notes Go-template presentation fields as ignored', () => {
    const plan = planInlineChannels(configWith({ slack_configs: [{ api_url: 'https://hooks.slack.com/x', text: '{{ .X }}' }] }));
    expect(plan.ignored).toEqual([{ path: 'receivers[0].slack_configs[0].text', message: expect.stringContaining('templates') }]);
  });

  const refusals: {
    name: string;
    integrations: Record<string, unknown>;
    global?: Record<string, unknown>;
    path: string;
    message: RegExp;
  }[] = [
    {
      name: 'unknown kind',
      integrations: { carrier_pigeon_configs: [{}] },
      path: 'receivers[0].carrier_pigeon_configs',
      message: /not an integration/,
    },
    { name: 'kind Estate cannot deliver', integrations: { sns_configs: [{}] }, path: 'receivers[0].sns_configs', message: /no channel/ },
    {
      name: 'missing slack api_url',
      integrations: { slack_configs: [{ channel: '#a' }] },
      path: 'receivers[0].slack_configs[0].api_url',
      message: /required/,
    },
    {
      name: 'missing email smarthost',
      integrations: { email_configs: [{ to: 'a@example.com', from: 'b@example.com' }] },
      path: 'receivers[0].email_configs[0].smarthost',
      message: /required/,
    },
    {
      name: 'a *_file field',
      integrations: { pagerduty_configs: [{ routing_key_file: '/etc/am/pd' }] },
      path: 'receivers[0].pagerduty_configs[0].routing_key_file',
      message: /does not read files/,
    },
    {
      name: 'a global *_file default in use',
      integrations: { slack_configs: [{}] },
      global: { slack_api_url_file: '/etc/am/slack' },
      path: 'global.slack_api_url_file',
      message: /does not read files/,
    },
    {
      name: 'an unknown field',
      integrations: { webhook_configs: [{ url: 'https://x.example/', urll: 'y' }] },
      path: 'receivers[0].webhook_configs[0].urll',
      message: /not a setting/,
    },
    {
      name: 'a value the channel type refuses, named by its YAML path',
      integrations: { telegram_configs: [{ bot_token: 't', chat_id: 1, api_url: 'not a url' }] },
      path: 'receivers[0].telegram_configs[0].api_url',
      message: /absolute URL/,
    },
    {
      name: 'http_config a channel cannot honour',
      integrations: { slack_configs: [{ api_url: 'https://hooks.slack.com/x', http_config: { proxy_url: 'http://proxy:3128' } }] },
      path: 'receivers[0].slack_configs[0].http_config.proxy_url',
      message: /not supported/,
    },
  ];

  it.each(refusals)('refuses $name at its path', (c) => {
    const plan = planInlineChannels(configWith(c.integrations, c.global));
    expect(plan.drafts).toEqual([]);
    expect(plan.errors).toContainEqual({ path: c.path, message: expect.stringMatching(c.message) });
  });
});
