/*
 * Message templates in Liquid (liquidjs): text users may edit without being able to run code or read files. The
 * engines here have no file system (include, render and layout find nothing), read only an object's own properties,
 * and stop a template that parses or renders too long or too large. Every message channels send starts from the
 * defaults below, so nobody has to write one.
 */
import { Liquid, type Template } from 'liquidjs';
import type { Alert } from '../alert-model';
import { alertFingerprint, allAlerts, commonPairs, type Notification, notificationStatus } from './notification';

/** How output values are escaped: not at all, for HTML (Telegram, Pushover, Matrix, email), or for Slack's mrkdwn. */
export type TemplateEscape = 'none' | 'html' | 'slack';

/** Longest template source accepted, in characters. */
export const MAX_TEMPLATE_CHARS = 16_384;
/** Longest rendered output, in characters: far past any provider's limit, well short of a memory problem. */
export const MAX_OUTPUT_CHARS = 65_536;

/** A template that failed to parse or render, naming the template and, when known, the line and column. */
export class TemplateError extends Error {
  constructor(
    readonly template: string,
    readonly problem: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(
      `Template "${template}"${line !== undefined ? ` line ${line}${column !== undefined ? `, column ${column}` : ''}` : ''}: ${problem}`,
    );
    this.name = 'TemplateError';
  }
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const SLACK: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Escapes text for HTML. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => HTML[c]!);
}

/** Escapes text for Slack's mrkdwn (only &, < and >, as Slack asks). */
export function escapeSlack(value: unknown): string {
  return String(value ?? '').replace(/[&<>]/g, (c) => SLACK[c]!);
}

function engine(escaping: TemplateEscape): Liquid {
  const liquid = new Liquid({
    // An empty in-memory store: include, render and layout find no template, never the disk.
    templates: {},
    ownPropertyOnly: true,
    strictFilters: true,
    parseLimit: MAX_TEMPLATE_CHARS * 4,
    renderLimit: 1_000,
    memoryLimit: 4 * MAX_OUTPUT_CHARS,
    outputEscape: escaping === 'html' ? escapeHtml : escaping === 'slack' ? escapeSlack : undefined,
  });
  const refuse = (tag: string) => ({
    parse() {
      throw new Error(`the ${tag} tag is not available in notification templates`);
    },
    *render() {},
  });
  for (const tag of ['include', 'render', 'layout', 'block']) liquid.registerTag(tag, refuse(tag));
  return liquid;
}

const ENGINES: Record<TemplateEscape, Liquid> = { none: engine('none'), html: engine('html'), slack: engine('slack') };

function asTemplateError(name: string, err: unknown): TemplateError {
  if (err instanceof TemplateError) return err;
  const e = err as { message?: string; token?: { getPosition?: () => number[] }; originalError?: Error };
  const position = e?.token?.getPosition?.();
  const problem = (e?.originalError?.message ?? e?.message ?? String(err)).replace(/, line:\d+, col:\d+$/, '').split('\n')[0]!;
  return new TemplateError(name, problem, position?.[0], position?.[1]);
}

/** Parses `source`; throws a {@link TemplateError} naming `name` and the line when it does not parse. */
export function parseTemplate(name: string, source: string, escaping: TemplateEscape = 'none'): Template[] {
  if (source.length > MAX_TEMPLATE_CHARS) throw new TemplateError(name, `longer than ${MAX_TEMPLATE_CHARS} characters`);
  try {
    return ENGINES[escaping].parse(source);
  } catch (err) {
    throw asTemplateError(name, err);
  }
}

/**
 * Renders `source` over `scope`, escaping output values as `escaping` says. Throws a {@link TemplateError} naming
 * `name` (and the line) when it fails to parse or render, runs too long, or renders more than {@link MAX_OUTPUT_CHARS}.
 */
export async function renderTemplate(name: string, source: string, scope: object, escaping: TemplateEscape = 'none'): Promise<string> {
  const parsed = parseTemplate(name, source, escaping);
  let out: string;
  try {
    out = String(await ENGINES[escaping].render(parsed, scope));
  } catch (err) {
    throw asTemplateError(name, err);
  }
  if (out.length > MAX_OUTPUT_CHARS) throw new TemplateError(name, `renders more than ${MAX_OUTPUT_CHARS} characters`);
  return out;
}

/** An alert as templates see it: its labels and annotations, plus the values messages use most, ready to print. */
export interface AlertView {
  status: 'firing' | 'resolved';
  name: string;
  severity: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** `name=value` pairs, sorted, comma-separated (alertname left out). */
  labelList: string;
  summary: string;
  description: string;
  runbookUrl: string;
  /** RFC 3339 in UTC, without fractional seconds when whole. */
  startsAt: string;
  endsAt: string;
  fingerprint: string;
  /** Where the alert came from (the rule), or empty. */
  url: string;
  value: string;
}

/** What every template gets: the notification's fields, its derived values and an `AlertView` per alert. */
export interface TemplateScope {
  receiver: string;
  status: 'firing' | 'resolved';
  /** `HostDown (web-1, prod)`: the group's alert name and the values of its other group labels. */
  groupName: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  alerts: AlertView[];
  firing: AlertView[];
  resolved: AlertView[];
  truncatedAlerts: number;
  impacted: string[];
  links: { externalUrl: string; alerts: string; silence: string; acknowledge: string; resolve: string };
}

function iso(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

function alertView(alert: Alert, notification: Notification): AlertView {
  const fingerprint = alertFingerprint(alert);
  const resolved = alert.state === 'inactive' || alert.resolvedAt !== null;
  return {
    status: resolved ? 'resolved' : 'firing',
    name: alert.labels.alertname ?? '',
    severity: alert.labels.severity ?? '',
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
    labelList: Object.keys(alert.labels)
      .filter((n) => n !== 'alertname')
      .sort()
      .map((n) => `${n}=${alert.labels[n]}`)
      .join(', '),
    summary: alert.annotations.summary ?? '',
    description: alert.annotations.description ?? '',
    runbookUrl: alert.annotations.runbook_url ?? alert.annotations.runbook ?? '',
    startsAt: iso(alert.firedAt ?? alert.activeAt),
    endsAt: iso(alert.resolvedAt),
    fingerprint,
    url: notification.links.alertUrls?.[fingerprint] ?? '',
    value: Number.isNaN(alert.value) ? '' : String(alert.value),
  };
}

/** The scope templates render over, derived from `notification` (a pure function: the same input, the same scope). */
export function templateScope(notification: Notification): TemplateScope {
  const alerts = allAlerts(notification);
  const views = alerts.map((a) => alertView(a, notification));
  const commonLabels = commonPairs(alerts.map((a) => a.labels));
  const name = notification.groupLabels.alertname ?? commonLabels.alertname ?? 'Alerts';
  const others = Object.keys(notification.groupLabels)
    .filter((n) => n !== 'alertname')
    .sort()
    .map((n) => notification.groupLabels[n]);
  const links = notification.links;
  return {
    receiver: notification.receiver,
    status: notificationStatus(notification),
    groupName: others.length > 0 ? `${name} (${others.join(', ')})` : name,
    groupLabels: { ...notification.groupLabels },
    commonLabels,
    commonAnnotations: commonPairs(alerts.map((a) => a.annotations)),
    alerts: views,
    firing: views.slice(0, notification.firing.length),
    resolved: views.slice(notification.firing.length),
    truncatedAlerts: notification.truncatedAlerts ?? 0,
    impacted: [...(notification.impacted ?? [])],
    links: {
      externalUrl: links.externalUrl,
      alerts: links.alerts ?? '',
      silence: links.silence ?? '',
      acknowledge: links.acknowledge ?? '',
      resolve: links.resolve ?? '',
    },
  };
}
