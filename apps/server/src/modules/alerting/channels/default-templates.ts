/*
 * The messages every channel sends unless a user writes their own: a title like Alertmanager's
 * (`[FIRING:2] HostDown (prod)`) and a text with the impacted CIs and one block per alert (summary, severity,
 * description, labels, runbook, source), in the markup each channel renders.
 */

/** The markup a channel's text is written in. */
export type TextMarkup = 'plain' | 'markdown' | 'slack' | 'html';

/** The default title: status, firing count and the group's name. Plain text. */
export const DEFAULT_TITLE = '[{{ status | upcase }}{% if status == "firing" %}:{{ firing.size }}{% endif %}] {{ groupName }}';

interface Markup {
  bold(liquid: string): string;
  link(urlVar: string, label: string): string;
  newline: string;
}

const MARKUPS: Record<TextMarkup, Markup> = {
  plain: { bold: (x) => x, link: (url, label) => `${label}: {{ ${url} }}`, newline: '\n' },
  markdown: { bold: (x) => `**${x}**`, link: (url, label) => `[${label}]({{ ${url} }})`, newline: '\n' },
  slack: { bold: (x) => `*${x}*`, link: (url, label) => `<{{ ${url} }}|${label}>`, newline: '\n' },
  html: { bold: (x) => `<b>${x}</b>`, link: (url, label) => `<a href="{{ ${url} }}">${label}</a>`, newline: '\n' },
};

function alertBlock(m: Markup, icon: string, list: 'firing' | 'resolved'): string {
  const n = m.newline;
  return [
    `{% for alert in ${list} %}`,
    `${icon} ${m.bold('{{ alert.summary | default: alert.name }}')}{% if alert.severity != "" %} ({{ alert.severity }}){% endif %}${n}`,
    `{% if alert.description != "" %}{{ alert.description }}${n}{% endif %}`,
    `{% if alert.labelList != "" %}Labels: {{ alert.labelList }}${n}{% endif %}`,
    list === 'firing' ? `Since {{ alert.startsAt }}${n}` : `Resolved {{ alert.endsAt }}${n}`,
    `{% if alert.runbookUrl != "" %}${m.link('alert.runbookUrl', 'Runbook')}${n}{% endif %}`,
    `{% if alert.url != "" %}${m.link('alert.url', 'Source')}${n}{% endif %}`,
    `{% unless forloop.last %}${n}{% endunless %}{% endfor %}`,
  ].join('');
}

/** The default text in `markup`: impacted CIs, firing alerts, resolved alerts, then the group's links. */
export function defaultText(markup: TextMarkup): string {
  const m = MARKUPS[markup];
  const n = m.newline;
  return [
    `{% if impacted.size > 0 %}${m.bold('Impacted:')} {{ impacted | join: ", " }}${n}${n}{% endif %}`,
    `{% if firing.size > 0 %}${m.bold('Firing ({{ firing.size }})')}${n}${alertBlock(m, '🔥', 'firing')}{% endif %}`,
    `{% if firing.size > 0 and resolved.size > 0 %}${n}{% endif %}`,
    `{% if resolved.size > 0 %}${m.bold('Resolved ({{ resolved.size }})')}${n}${alertBlock(m, '✅', 'resolved')}{% endif %}`,
    `{% if truncatedAlerts > 0 %}${n}…and {{ truncatedAlerts }} more alerts${n}{% endif %}`,
    `{% if links.alerts != "" %}${n}${m.link('links.alerts', 'View alerts')}{% endif %}`,
    `{% if links.acknowledge != "" %} · ${m.link('links.acknowledge', 'Acknowledge')}{% endif %}`,
    `{% if links.resolve != "" %} · ${m.link('links.resolve', 'Resolve')}{% endif %}`,
    `{% if links.silence != "" %} · ${m.link('links.silence', 'Silence')}{% endif %}`,
  ].join('');
}
