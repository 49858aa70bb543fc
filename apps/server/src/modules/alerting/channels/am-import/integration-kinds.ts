/*
 * Alertmanager's inline integrations that Estate can deliver, as data: for each `<kind>_configs` list, the Estate
 * channel type it becomes, Alertmanager's `send_resolved` default for it, and how its fields (with `global`
 * defaults, as Alertmanager applies them) fill the channel's settings. Presentation fields written as Go templates
 * are noted and left to the channel's own templates; anything else unknown refuses the configuration.
 */
import { type IntegrationReader, isTemplate } from './integration-reader';

/** One inline integration kind Estate delivers through one of its channel types. */
export interface IntegrationKind {
  /** The receiver key, `slack_configs`. */
  key: string;
  /** The short name used in channel names, `slack` (`team-a/slack/0`). */
  short: string;
  /** The Estate channel type it becomes. */
  channelType: string;
  /** Alertmanager's default for `send_resolved`. */
  sendResolved: boolean;
  /** Whether `http_config` credentials (basic auth, bearer) become the channel's own credentials. */
  httpAuth?: boolean;
  /** The channel's settings (public and secret together) read from the integration. */
  map(r: IntegrationReader): Record<string, unknown>;
}

const WEBHOOK: IntegrationKind = {
  key: 'webhook_configs',
  short: 'webhook',
  channelType: 'alertmanager-webhook',
  sendResolved: true,
  httpAuth: true,
  map(r) {
    const text = r.text('url', { estate: 'url', required: true });
    r.ignore('timeout', 'Estate applies its own delivery timeout and retries');
    const out: Record<string, unknown> = { maxAlerts: r.integer('max_alerts', 'maxAlerts') };
    if (text === undefined) return out;
    // Credentials written into the URL become the channel's basic-auth fields, so the URL itself holds none.
    try {
      const url = new URL(text);
      if (url.username || url.password) {
        out.username = decodeURIComponent(url.username);
        out.password = decodeURIComponent(url.password);
        r.sources.username = r.at('url');
        r.sources.password = r.at('url');
        url.username = '';
        url.password = '';
      }
      out.url = url.toString();
    } catch {
      out.url = text;
    }
    return out;
  },
};

const EMAIL: IntegrationKind = {
  key: 'email_configs',
  short: 'email',
  channelType: 'email',
  sendResolved: false,
  map(r) {
    const smarthost = r.text('smarthost', { estate: 'host', globalKey: 'smtp_smarthost', required: true });
    const username = r.text('auth_username', { estate: 'username', globalKey: 'smtp_auth_username' });
    const password = r.text('auth_password', { estate: 'password', globalKey: 'smtp_auth_password' });
    const secret = r.text('auth_secret', { globalKey: 'smtp_auth_secret' });
    if (secret !== undefined)
      r.error('auth_secret', "CRAM-MD5 is not supported by Estate's email channel; use auth_username and auth_password");
    r.text('auth_identity', { globalKey: 'smtp_auth_identity' });
    r.text('hello', { globalKey: 'smtp_hello' });
    const requireTls = r.bool('require_tls', { globalKey: 'smtp_require_tls' }) ?? true;
    const out: Record<string, unknown> = {
      from: r.text('from', { estate: 'from', globalKey: 'smtp_from', required: true }),
      to: r.text('to', { estate: 'to', required: true }),
      username,
      password,
      auth: username !== undefined || password !== undefined ? 'password' : 'none',
    };
    if (smarthost !== undefined) {
      const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(smarthost);
      if (!match?.[2]) r.error('smarthost', 'must be host:port, e.g. smtp.example.org:587');
      else {
        out.host = match[1];
        out.port = Number(match[2]);
        r.sources.port = r.sources.host ?? r.at('smarthost');
        // Alertmanager speaks implicit TLS on 465; elsewhere STARTTLS, required unless require_tls is false.
        // Estate never sends credentials unencrypted, so those keep STARTTLS even then.
        out.security = out.port === 465 ? 'tls' : requireTls || out.auth !== 'none' ? 'starttls' : 'none';
      }
    }
    const tls = r.take('tls_config');
    if (tls !== undefined && tls !== null) {
      if (typeof tls !== 'object' || Array.isArray(tls)) r.error('tls_config', 'must be a mapping');
      else
        for (const [key, value] of Object.entries(tls)) {
          if (key === 'insecure_skip_verify') {
            out.verifyTls = value !== true;
            r.sources.verifyTls = `${r.at('tls_config')}.${key}`;
          } else if (key === 'ca') {
            out.caCertificate = value;
            r.sources.caCertificate = `${r.at('tls_config')}.${key}`;
          } else if (key === 'server_name' || key === 'min_version') {
            r.ignored.push({ path: `${r.at('tls_config')}.${key}`, message: 'Estate checks the certificate against the host name' });
          } else
            r.errors.push({
              path: `${r.at('tls_config')}.${key}`,
              message: key.endsWith('_file') ? 'points at a file: Estate does not read files on its server' : 'is not supported by Estate',
            });
        }
    }
    r.presentation(['html', 'text', 'headers', 'threading']);
    return out;
  },
};

const SLACK: IntegrationKind = {
  key: 'slack_configs',
  short: 'slack',
  channelType: 'slack',
  sendResolved: false,
  map(r) {
    if (r.raw.app_token !== undefined || r.raw.app_token_file !== undefined) {
      r.take('app_token');
      r.take('app_url');
      r.error('app_token', "Estate's Slack channel posts through an incoming webhook: set api_url instead");
    }
    return {
      url: r.text('api_url', { estate: 'url', globalKey: 'slack_api_url', required: true }),
      channel: r.literal('channel', 'channel', 'is a Go template; set a fixed channel'),
      username: r.literal('username', 'username', 'is a Go template; set a fixed name'),
    };
  },
};
SLACK.map = withPresentation(SLACK.map, [
  'title',
  'title_link',
  'pretext',
  'text',
  'fields',
  'short_fields',
  'footer',
  'fallback',
  'callback_id',
  'color',
  'icon_emoji',
  'icon_url',
  'image_url',
  'thumb_url',
  'link_names',
  'mrkdwn_in',
  'actions',
  'update_message',
  'timeout',
]);

const SEVERITIES = ['critical', 'error', 'warning', 'info'];

const PAGERDUTY: IntegrationKind = {
  key: 'pagerduty_configs',
  short: 'pagerduty',
  channelType: 'pagerduty',
  sendResolved: true,
  map(r) {
    const routingKey = r.text('routing_key', { estate: 'routingKey' });
    const serviceKey = r.text('service_key', { estate: 'routingKey' });
    if (routingKey !== undefined && serviceKey !== undefined) r.error('service_key', 'set routing_key or service_key, not both');
    if (routingKey === undefined && serviceKey === undefined) r.error('routing_key', 'is required (or service_key)');
    const severity = r.literal('severity', 'severity', 'is a Go template; Estate takes the severity from the alerts');
    if (severity !== undefined && !SEVERITIES.includes(severity)) r.error('severity', `must be one of ${SEVERITIES.join(', ')}`);
    return {
      routingKey: routingKey ?? serviceKey,
      apiUrl: r.text('url', { estate: 'apiUrl', globalKey: 'pagerduty_url' }),
      severity,
      source: r.literal('source', 'source', 'is a Go template; Estate takes the source from the alerts'),
    };
  },
};
PAGERDUTY.map = withPresentation(PAGERDUTY.map, [
  'client',
  'client_url',
  'description',
  'details',
  'images',
  'links',
  'class',
  'component',
  'group',
  'timeout',
]);

const OPSGENIE: IntegrationKind = {
  key: 'opsgenie_configs',
  short: 'opsgenie',
  channelType: 'opsgenie',
  sendResolved: true,
  map(r) {
    const priority = r.literal('priority', 'priority', 'is a Go template; Estate takes the priority from the alerts');
    const tags = r.literal('tags', 'tags', 'is a Go template; Estate tags alerts with their severity');
    const teams: string[] = [];
    const responders = r.take('responders');
    if (Array.isArray(responders)) {
      responders.forEach((responder, index) => {
        const at = `${r.at('responders')}[${index}]`;
        const record = typeof responder === 'object' && responder !== null ? (responder as Record<string, unknown>) : {};
        if (record.type === 'team' && typeof record.name === 'string' && !isTemplate(record.name)) teams.push(record.name);
        else r.errors.push({ path: at, message: "Estate's Opsgenie channel pages teams by name: use type: team with a name" });
      });
      r.sources.teams = r.at('responders');
    } else if (responders !== undefined && responders !== null) r.error('responders', 'must be a list');
    return {
      apiKey: r.text('api_key', { estate: 'apiKey', globalKey: 'opsgenie_api_key', required: true }),
      apiUrl: r.text('api_url', { estate: 'apiUrl', globalKey: 'opsgenie_api_url' }),
      priority,
      tags: tags?.split(',').map((tag) => tag.trim()),
      ...(teams.length > 0 ? { teams } : {}),
    };
  },
};
OPSGENIE.map = withPresentation(OPSGENIE.map, [
  'message',
  'description',
  'source',
  'details',
  'entity',
  'actions',
  'note',
  'update_alerts',
  'visible_to',
]);

const TELEGRAM: IntegrationKind = {
  key: 'telegram_configs',
  short: 'telegram',
  channelType: 'telegram',
  sendResolved: true,
  map(r) {
    return {
      botToken: r.text('bot_token', { estate: 'botToken', required: true }),
      chatId: r.text('chat_id', { estate: 'chatId', required: true }),
      messageThreadId: r.integer('message_thread_id', 'messageThreadId'),
      disableNotification: r.bool('disable_notifications', { estate: 'disableNotification' }),
      apiUrl: r.text('api_url', { estate: 'apiUrl', globalKey: 'telegram_api_url' }),
    };
  },
};
TELEGRAM.map = withPresentation(TELEGRAM.map, ['message', 'parse_mode']);

/** Teams: the legacy connector and the Workflows webhook both become Estate's Teams (Workflows) channel. */
function teams(key: string, short: string): IntegrationKind {
  return {
    key,
    short,
    channelType: 'msteams',
    sendResolved: true,
    map: withPresentation((r) => ({ url: r.text('webhook_url', { estate: 'url', required: true }) }), ['title', 'summary', 'text']),
  };
}

const DISCORD: IntegrationKind = {
  key: 'discord_configs',
  short: 'discord',
  channelType: 'discord',
  sendResolved: true,
  map: withPresentation(
    (r) => ({
      url: r.text('webhook_url', { estate: 'url', required: true }),
      username: r.literal('username', 'username', 'is a Go template; set a fixed name'),
    }),
    ['title', 'message', 'content', 'avatar_url'],
  ),
};

const PUSHOVER: IntegrationKind = {
  key: 'pushover_configs',
  short: 'pushover',
  channelType: 'pushover',
  sendResolved: true,
  map: withPresentation(
    (r) => ({
      userKey: r.text('user_key', { estate: 'userKey', required: true }),
      apiToken: r.text('token', { estate: 'apiToken', required: true }),
      device: r.literal('device', 'device', 'is a Go template; set a fixed device'),
      sound: r.literal('sound', 'sound', 'is a Go template; set a fixed sound'),
      priority: r.integer('priority', 'priority'),
      retry: r.seconds('retry', 'retry'),
      expire: r.seconds('expire', 'expire'),
    }),
    ['title', 'message', 'url', 'url_title', 'html', 'monospace', 'ttl'],
  ),
};

/** Adds presentation fields (Go templates Estate replaces with the channel's own) to a mapper. */
function withPresentation(map: IntegrationKind['map'], keys: readonly string[]): IntegrationKind['map'] {
  return (r) => {
    r.presentation(keys);
    return map(r);
  };
}

/** The inline integration kinds Estate delivers, by receiver key. */
export const INTEGRATION_KINDS: ReadonlyMap<string, IntegrationKind> = new Map(
  [
    WEBHOOK,
    EMAIL,
    SLACK,
    PAGERDUTY,
    OPSGENIE,
    TELEGRAM,
    teams('msteams_configs', 'msteams'),
    teams('msteamsv2_configs', 'msteamsv2'),
    DISCORD,
    PUSHOVER,
  ].map((kind) => [kind.key, kind]),
);

/** Alertmanager's other integrations: known, but without an Estate channel to deliver them. */
export const UNSUPPORTED_KINDS = new Set([
  'sns_configs',
  'victorops_configs',
  'wechat_configs',
  'webex_configs',
  'jira_configs',
  'rocketchat_configs',
  'incidentio_configs',
]);

/**
 * `global` keys that only set integration defaults (and may hold secrets). Once the integrations are channels they
 * have no effect, so a saved configuration drops them.
 */
export function isIntegrationDefault(key: string): boolean {
  return key !== 'resolve_timeout';
}
