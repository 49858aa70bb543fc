/*
 * Microsoft Teams through a Workflows (Power Automate) webhook: a message with one Adaptive Card attachment, the
 * shape the "Post to a channel when a webhook request is received" template expects. The Office 365 connectors and
 * their MessageCard are retired, so this is the only Teams format Estate sends.
 */
import { type ChannelType, deliverHttp, validateSettings } from './channel-type';
import { actionLinks, JSON_HEADERS, renderTitleText, TEXT_FIELD, TITLE_FIELD, type TitleTextSettings } from './message-parts';
import type { OutboundRequest } from './outbound-http';

/** Teams' settings: the workflow's URL (its `sig` parameter is the credential) and the optional templates. */
export interface TeamsSettings extends TitleTextSettings {
  url: string;
}

/** Microsoft Teams (Workflows, Adaptive Card 1.4). */
export const teamsChannel: ChannelType<TeamsSettings, OutboundRequest> = {
  type: 'msteams',
  title: 'Microsoft Teams',
  fields: [
    {
      name: 'url',
      label: 'Workflow webhook URL',
      kind: 'url',
      required: true,
      secret: true,
      help: 'From a Teams Workflow "When a webhook request is received".',
    },
    TITLE_FIELD,
    TEXT_FIELD,
  ],
  validate(raw) {
    return validateSettings('msteams', this.fields, raw);
  },
  async render(settings, notification) {
    const { title, text, scope } = await renderTitleText(settings, notification, 'markdown');
    const facts = Object.entries(scope.commonLabels)
      .filter(([name]) => name !== 'alertname')
      .map(([name, value]) => ({ title: name, value }));
    const body: unknown[] = [
      {
        type: 'TextBlock',
        text: title,
        size: 'Large',
        weight: 'Bolder',
        wrap: true,
        color: scope.status === 'firing' ? 'Attention' : 'Good',
        style: 'heading',
      },
      // Teams' TextBlock Markdown breaks lines only at paragraph breaks.
      { type: 'TextBlock', text: text.replace(/\n+/g, '\n\n'), wrap: true },
    ];
    if (facts.length > 0) body.push({ type: 'FactSet', facts });
    const card = {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
      body,
      actions: actionLinks(scope).map((link) => ({ type: 'Action.OpenUrl', title: link.label, url: link.url })),
      msteams: { width: 'Full' },
    };
    const payload = {
      type: 'message',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }],
    };
    return { method: 'POST', url: settings.url, headers: { ...JSON_HEADERS }, body: JSON.stringify(payload) };
  },
  deliver(message, _settings, context) {
    // Workflows accept with 202 and no body; a failed flow run is not reported back to the caller.
    return deliverHttp(message, context);
  },
};
