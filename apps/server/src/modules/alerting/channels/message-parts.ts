/*
 * Parts chat channels share: the optional title and text template fields, rendering them (defaults when empty), and
 * the colour of a group's status.
 */
import type { ChannelField } from './channel-settings';
import { DEFAULT_TITLE, defaultText, type TextMarkup } from './default-templates';
import type { Notification } from './notification';
import { renderTemplate, type TemplateEscape, type TemplateScope, templateScope } from './templates';

/** The title template field: empty means the default (`[FIRING:2] HostDown (prod)`). */
export const TITLE_FIELD: ChannelField = {
  name: 'title',
  label: 'Title template',
  kind: 'template',
  help: 'Liquid; empty uses the default.',
};
/** The text template field: empty means the default (impacted CIs and one block per alert). */
export const TEXT_FIELD: ChannelField = {
  name: 'text',
  label: 'Message template',
  kind: 'template',
  help: 'Liquid; empty uses the default.',
};

/** Settings that carry the two optional templates. */
export interface TitleTextSettings {
  title?: string;
  text?: string;
}

/** A rendered title and text, with the scope they were rendered over (for channels that place more fields). */
export interface TitleText {
  title: string;
  text: string;
  scope: TemplateScope;
}

/** Renders the title (escaped like the text) and the text in `markup`, each from its setting or the default. */
export async function renderTitleText(
  settings: TitleTextSettings,
  notification: Notification,
  markup: TextMarkup,
  escaping: TemplateEscape = 'none',
): Promise<TitleText> {
  const scope = templateScope(notification);
  const title = (await renderTemplate('title', settings.title || DEFAULT_TITLE, scope, escaping)).trim();
  const text = (await renderTemplate('text', settings.text || defaultText(markup), scope, escaping)).trim();
  return { title, text, scope };
}

/** The status colour as a hex string: red while firing (orange for warnings), green once resolved. */
export function statusColour(scope: TemplateScope): string {
  if (scope.status === 'resolved') return '#2EB67D';
  return scope.firing.every((a) => a.severity === 'warning') ? '#ECB22E' : '#E01E5A';
}

/** The {@link statusColour} as a number (Discord's embed colour). */
export function statusColourNumber(scope: TemplateScope): number {
  return Number.parseInt(statusColour(scope).slice(1), 16);
}

/** The group's links worth a button, in order, with their labels. */
export function actionLinks(scope: TemplateScope): { label: string; url: string }[] {
  const { links } = scope;
  return [
    { label: 'View alerts', url: links.alerts },
    { label: 'Acknowledge', url: links.acknowledge },
    { label: 'Resolve', url: links.resolve },
    { label: 'Silence', url: links.silence },
  ].filter((l) => l.url !== '');
}

/** The JSON headers every JSON-posting channel sends. */
export const JSON_HEADERS = { 'content-type': 'application/json', 'user-agent': 'Estate' } as const;
