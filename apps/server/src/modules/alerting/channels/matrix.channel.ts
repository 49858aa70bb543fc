/*
 * Matrix through the client-server API: PUT /_matrix/client/v3/rooms/{room}/send/m.room.message/{txnId}. The
 * transaction id derives from the notification's id, so a retry of the same notification is the same transaction
 * and the homeserver keeps one event, not two.
 */
import { type ChannelType, deliverHttp, jsonOf, validateSettings } from './channel-type';
import { DEFAULT_TITLE, defaultText } from './default-templates';
import { renderTitleText, TEXT_FIELD, TITLE_FIELD, type TitleTextSettings } from './message-parts';
import type { OutboundRequest } from './outbound-http';
import { renderTemplate, templateScope } from './templates';

/** Matrix's settings: the homeserver, a room (id or alias) the bot has joined, and the bot's access token. */
export interface MatrixSettings extends TitleTextSettings {
  homeserverUrl: string;
  roomId: string;
  accessToken: string;
  /** `m.notice` (bots' default: clients do not treat it as a conversation turn) or `m.text`. */
  msgtype: string;
}

/** Matrix (client-server API). */
export const matrixChannel: ChannelType<MatrixSettings, OutboundRequest> = {
  type: 'matrix',
  title: 'Matrix',
  fields: [
    { name: 'homeserverUrl', label: 'Homeserver URL', kind: 'url', required: true, help: 'https://matrix.example.org' },
    { name: 'roomId', label: 'Room ID', kind: 'string', required: true, help: '!abc:example.org' },
    { name: 'accessToken', label: 'Access token', kind: 'string', required: true, secret: true },
    { name: 'msgtype', label: 'Message type', kind: 'enum', options: ['m.notice', 'm.text'], default: 'm.notice' },
    TITLE_FIELD,
    TEXT_FIELD,
  ],
  validate(raw) {
    return validateSettings<MatrixSettings>('matrix', this.fields, raw, (s) =>
      /^[!#][^:]+:.+$/.test(s.roomId) ? [] : [{ field: 'roomId', message: 'must be a room id (!id:server) or alias (#name:server)' }],
    );
  },
  async render(settings, notification) {
    const { title, text } = await renderTitleText(settings, notification, 'html', 'html');
    // The plain body is the fallback for clients without HTML: the same templates, unescaped, in plain markup.
    const scope = templateScope(notification);
    const plainTitle = (await renderTemplate('title', settings.title || DEFAULT_TITLE, scope)).trim();
    const plainText = (await renderTemplate('text', settings.text || defaultText('plain'), scope)).trim();
    const payload = {
      msgtype: settings.msgtype,
      body: `${plainTitle}\n\n${plainText}`,
      format: 'org.matrix.custom.html',
      formatted_body: `<h4>${title}</h4>\n${text.replace(/\n/g, '<br>\n')}`,
    };
    const txnId = `estate-${notification.id}`;
    const room = encodeURIComponent(settings.roomId);
    return {
      method: 'PUT',
      url: `${settings.homeserverUrl.replace(/\/+$/, '')}/_matrix/client/v3/rooms/${room}/send/m.room.message/${encodeURIComponent(txnId)}`,
      headers: { 'content-type': 'application/json', 'user-agent': 'Estate', authorization: `Bearer ${settings.accessToken}` },
      body: JSON.stringify(payload),
    };
  },
  deliver(message, _settings, context) {
    return deliverHttp(message, context, {
      read: (r) => {
        const id = jsonOf(r.body)?.event_id;
        return typeof id === 'string' ? { providerId: id } : {};
      },
      notBefore: (r, now) => {
        const after = jsonOf(r.body)?.retry_after_ms;
        return typeof after === 'number' ? now + after : undefined;
      },
    });
  },
};
