/*
 * Email over SMTP (nodemailer): STARTTLS (required, not opportunistic) or implicit TLS, or plain for a relay on a
 * trusted network; password or OAuth2 (XOAUTH2 with an access token, as Exchange Online and Google Workspace need
 * now that basic auth is going). The server's address goes through the outbound policy before connecting, and the
 * TLS certificate is checked against its name. Messages have a Message-ID derived from the notification, so a
 * retried message is recognisably the same one, and a References header per group, so a group's mails thread.
 */
import { createHash } from 'node:crypto';
import { DestinationRefusedError, resolveAllowedAddress } from '@estate/checks';
import nodemailer from 'nodemailer';
import { type ChannelType, DEFAULT_SEND_TIMEOUT_MS, type SendContext, validateSettings } from './channel-type';
import { DEFAULT_TITLE, defaultText } from './default-templates';
import type { DeliveryVerdict } from './delivery-verdict';
import { TEXT_FIELD, TITLE_FIELD } from './message-parts';
import { renderTemplate, templateScope } from './templates';

/** The email channel's settings. */
export interface EmailSettings {
  host: string;
  port: number;
  /** `starttls`: upgrade required; `tls`: TLS from the first byte (port 465); `none`: never encrypt. */
  security: 'starttls' | 'tls' | 'none';
  auth: 'none' | 'password' | 'oauth2';
  username?: string;
  password?: string;
  /** An OAuth2 access token for XOAUTH2; whoever stores the channel refreshes it before it expires. */
  accessToken?: string;
  from: string;
  to: string[];
  /** PEM of a private CA the server's certificate chains to. */
  caCertificate?: string;
  verifyTls: boolean;
  /** The subject template (defaults to the standard title) and plain-text body template. */
  title?: string;
  text?: string;
  /** The HTML body template; empty: the default text in HTML. */
  html?: string;
}

/** A rendered email. */
export interface EmailMessage {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  messageId: string;
  references: string;
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;
/** `Name <a@b>` or `a@b`. */
const MAILBOX = /^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/;

function wrapHtml(title: string, body: string): string {
  return `<!doctype html><html><body style="font-family:sans-serif"><h2>${title}</h2><div>${body.replace(/\n/g, '<br>\n')}</div><p style="color:#888">Sent by Estate</p></body></html>`;
}

/** How an SMTP failure counts: 4xx replies and network trouble are retried; 5xx replies, auth and TLS problems are not. */
function emailVerdict(err: unknown, target: string): DeliveryVerdict {
  const e = err as NodeJS.ErrnoException & { responseCode?: number; response?: string };
  if (err instanceof DestinationRefusedError) return { outcome: 'failed', reason: `Not sent to ${target}: ${err.message}` };
  const said = `${target}: ${e?.message ?? String(err)}${e?.code ? ` (${e.code})` : ''}`;
  if (typeof e?.responseCode === 'number') {
    return e.responseCode >= 500 ? { outcome: 'failed', reason: said } : { outcome: 'retry', reason: said };
  }
  if (e?.code === 'EAUTH' || e?.code === 'ETLS' || /certificate|self.signed|TLS/i.test(e?.message ?? ''))
    return { outcome: 'failed', reason: said };
  return { outcome: 'retry', reason: said };
}

/** Email (SMTP). */
export const emailChannel: ChannelType<EmailSettings, EmailMessage> = {
  type: 'email',
  title: 'Email',
  fields: [
    { name: 'host', label: 'SMTP server', kind: 'string', required: true },
    { name: 'port', label: 'Port', kind: 'integer', min: 1, max: 65_535, default: 587 },
    { name: 'security', label: 'Encryption', kind: 'enum', options: ['starttls', 'tls', 'none'], default: 'starttls' },
    { name: 'auth', label: 'Authentication', kind: 'enum', options: ['none', 'password', 'oauth2'], default: 'none' },
    { name: 'username', label: 'User name', kind: 'string' },
    { name: 'password', label: 'Password', kind: 'string', secret: true },
    { name: 'accessToken', label: 'OAuth2 access token', kind: 'string', secret: true },
    { name: 'from', label: 'From', kind: 'string', required: true },
    { name: 'to', label: 'To', kind: 'list', required: true },
    { name: 'caCertificate', label: 'CA certificate (PEM)', kind: 'string' },
    { name: 'verifyTls', label: 'Verify the server certificate', kind: 'boolean', default: true },
    { ...TITLE_FIELD, label: 'Subject template' },
    { ...TEXT_FIELD, label: 'Plain-text body template' },
    { name: 'html', label: 'HTML body template', kind: 'template', help: 'Liquid; values are HTML-escaped. Empty uses the default.' },
  ],
  validate(raw) {
    return validateSettings<EmailSettings>('email', this.fields, raw, (s) => [
      ...(/^[A-Za-z0-9.-]+$|^\[?[0-9a-fA-F:.]+\]?$/.test(s.host) ? [] : [{ field: 'host', message: 'must be a host name or address' }]),
      ...(MAILBOX.test(s.from) ? [] : [{ field: 'from', message: 'must be an address (ops@example.com or Estate <ops@example.com>)' }]),
      ...s.to.filter((a) => !ADDRESS.test(a)).map((a) => ({ field: 'to', message: `"${a}" is not an email address` })),
      ...(s.auth !== 'none' && !s.username ? [{ field: 'username', message: 'is required for this authentication' }] : []),
      ...(s.auth === 'password' && !s.password ? [{ field: 'password', message: 'is required for password authentication' }] : []),
      ...(s.auth === 'oauth2' && !s.accessToken ? [{ field: 'accessToken', message: 'is required for OAuth2' }] : []),
      ...(s.auth !== 'none' && s.security === 'none'
        ? [{ field: 'security', message: 'credentials are never sent unencrypted: choose starttls or tls' }]
        : []),
    ]);
  },
  async render(settings, notification) {
    const scope = templateScope(notification);
    const subject = (await renderTemplate('subject', settings.title || DEFAULT_TITLE, scope)).replace(/\s+/g, ' ').trim();
    const text = (await renderTemplate('text', settings.text || defaultText('plain'), scope)).trim();
    const html = settings.html
      ? await renderTemplate('html', settings.html, scope, 'html')
      : wrapHtml(
          (await renderTemplate('subject', settings.title || DEFAULT_TITLE, scope, 'html')).trim(),
          (await renderTemplate('html', defaultText('html'), scope, 'html')).trim(),
        );
    const group = createHash('sha256').update(`${notification.receiver}\n${notification.groupKey}`).digest('hex').slice(0, 32);
    return {
      from: settings.from,
      // A person paged by an escalation is written to at their own address, through this channel's server.
      to: notification.recipients && notification.recipients.length > 0 ? [...notification.recipients] : settings.to,
      subject,
      text,
      html,
      messageId: `<${notification.id}.${group.slice(0, 8)}@estate.invalid>`,
      references: `<group-${group}@estate.invalid>`,
    };
  },
  async deliver(message, settings, context: SendContext) {
    const target = `smtp://${settings.host}:${settings.port}`;
    let address: string;
    try {
      address = await resolveAllowedAddress(settings.host.replace(/^\[(.*)\]$/, '$1'), context.policy);
    } catch (err) {
      return emailVerdict(err, target);
    }
    const timeout = context.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
    const transport = nodemailer.createTransport({
      // Connect to the address the policy allowed; name the host for SNI and the certificate check.
      host: address,
      port: settings.port,
      secure: settings.security === 'tls',
      requireTLS: settings.security === 'starttls',
      ignoreTLS: settings.security === 'none',
      servername: settings.host,
      tls: {
        servername: settings.host,
        rejectUnauthorized: settings.verifyTls,
        ...(settings.caCertificate ? { ca: settings.caCertificate } : {}),
      },
      auth:
        settings.auth === 'password'
          ? { user: settings.username, pass: settings.password }
          : settings.auth === 'oauth2'
            ? { type: 'OAuth2', user: settings.username, accessToken: settings.accessToken }
            : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      logger: false,
      debug: false,
    });
    try {
      const info = await transport.sendMail({
        from: message.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: message.messageId,
        references: message.references,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
      const accepted = info.accepted?.length ?? 0;
      return {
        outcome: 'delivered',
        providerId: info.messageId,
        detail: `${accepted} recipient(s) accepted: ${String(info.response ?? '').slice(0, 200)}`,
      };
    } catch (err) {
      return emailVerdict(err, target);
    } finally {
      transport.close();
    }
  },
};
