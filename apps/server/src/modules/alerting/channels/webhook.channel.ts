/*
 * A generic webhook: any method, extra headers, a Liquid body (default: Estate's notification as JSON), and an
 * optional HMAC-SHA256 signature over the timestamp and body, so a receiver can prove the message came from Estate
 * and refuse a replayed one (the signed timestamp is too old).
 */
import { createHmac } from 'node:crypto';
import { type ChannelType, deliverHttp, validateSettings } from './channel-type';
import type { Notification } from './notification';
import type { OutboundRequest } from './outbound-http';
import { renderTemplate, templateScope } from './templates';

/** The generic webhook's settings. */
export interface WebhookSettings {
  url: string;
  method: 'POST' | 'PUT' | 'PATCH';
  headers: Record<string, string>;
  contentType: string;
  /** Liquid; empty sends {@link webhookDefaultBody}. The scope is the templates' (see TemplateScope) plus `json`. */
  body?: string;
  /** When set, each request carries `X-Estate-Timestamp` and the signature header. */
  signingSecret?: string;
  signatureHeader: string;
}

/**
 * The signature header's value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. A receiver recomputes it
 * with the shared secret, compares in constant time, and refuses timestamps older than a few minutes.
 */
export function webhookSignature(secret: string, unixSeconds: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

/** The body sent when no template is set: Estate's own JSON of the group (scope without derived duplicates). */
export function webhookDefaultBody(notification: Notification): string {
  const scope = templateScope(notification);
  return JSON.stringify({
    version: '1',
    id: notification.id,
    receiver: scope.receiver,
    status: scope.status,
    groupKey: notification.groupKey,
    groupName: scope.groupName,
    groupLabels: scope.groupLabels,
    commonLabels: scope.commonLabels,
    commonAnnotations: scope.commonAnnotations,
    impacted: scope.impacted,
    alerts: scope.alerts.map(({ labelList: _l, name: _n, severity: _s, summary: _su, description: _d, runbookUrl: _r, ...rest }) => rest),
    truncatedAlerts: scope.truncatedAlerts,
    links: scope.links,
  });
}

/** Headers Estate sets itself; a configured header may not replace them. */
const RESERVED = new Set(['content-type', 'content-length', 'host', 'transfer-encoding', 'connection', 'x-estate-timestamp']);

/** Generic webhooks. */
export const webhookChannel: ChannelType<WebhookSettings, OutboundRequest> = {
  type: 'webhook',
  title: 'Webhook',
  fields: [
    { name: 'url', label: 'URL', kind: 'url', required: true, secret: true, help: 'Kept secret: URLs often carry a key.' },
    { name: 'method', label: 'Method', kind: 'enum', options: ['POST', 'PUT', 'PATCH'], default: 'POST' },
    { name: 'headers', label: 'Headers', kind: 'headers', secret: true, help: 'Kept secret: they often carry credentials.' },
    { name: 'contentType', label: 'Content type', kind: 'string', default: 'application/json' },
    {
      name: 'body',
      label: 'Body template',
      kind: 'template',
      help: 'Liquid; empty sends Estate’s notification JSON. Use | json for values.',
    },
    { name: 'signingSecret', label: 'Signing secret (HMAC-SHA256)', kind: 'string', secret: true },
    { name: 'signatureHeader', label: 'Signature header', kind: 'string', default: 'X-Estate-Signature' },
  ],
  validate(raw) {
    const settings = validateSettings<WebhookSettings>('webhook', this.fields, raw, (s) => [
      ...Object.keys(s.headers ?? {})
        .filter((name) => RESERVED.has(name.toLowerCase()))
        .map((name) => ({ field: 'headers', message: `${name} is set by Estate (Content-Type: use the content type field)` })),
      ...(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s.signatureHeader)
        ? []
        : [{ field: 'signatureHeader', message: 'is not a valid header name' }]),
      ...(s.signingSecret !== undefined && s.signingSecret.length < 16
        ? [{ field: 'signingSecret', message: 'must be at least 16 characters' }]
        : []),
    ]);
    return { ...settings, headers: settings.headers ?? {} };
  },
  async render(settings, notification, now) {
    const body = settings.body
      ? await renderTemplate('body', settings.body, {
          ...templateScope(notification),
          id: notification.id,
          groupKey: notification.groupKey,
        })
      : webhookDefaultBody(notification);
    const headers: Record<string, string> = { 'user-agent': 'Estate', ...settings.headers, 'content-type': settings.contentType };
    if (settings.signingSecret) {
      const seconds = Math.floor(now / 1000);
      headers['x-estate-timestamp'] = String(seconds);
      headers[settings.signatureHeader.toLowerCase()] = webhookSignature(settings.signingSecret, seconds, body);
    }
    return { method: settings.method, url: settings.url, headers, body };
  },
  deliver(message, _settings, context) {
    return deliverHttp(message, context);
  },
};
