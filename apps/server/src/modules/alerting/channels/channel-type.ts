/*
 * The one interface every notification channel implements (one file per channel, as check types are): validate
 * settings, render a notification into the provider's message, deliver it in one attempt. Channels do no storage
 * and no retrying; the delivery job that calls them keeps the log and schedules the next attempt from the verdict.
 */
import { type ChannelField, ChannelSettingsError, type SettingsIssue, validateFields } from './channel-settings';
import { type DeliveryVerdict, type SuccessReader, verdictOfError, verdictOfResponse } from './delivery-verdict';
import { type Notification, testNotification } from './notification';
import { type ChannelNetworkPolicy, describeTarget, type OutboundRequest, type OutboundResponse, sendOutbound } from './outbound-http';
import { parseTemplate, TemplateError } from './templates';

/** What a delivery attempt may use: the outbound policy, the clock, and how long to wait. */
export interface SendContext {
  policy: ChannelNetworkPolicy;
  /** Epoch ms; injected so tests and Retry-After arithmetic do not depend on the wall clock. */
  now(): number;
  /** Longest an attempt may take, in ms (default {@link DEFAULT_SEND_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Aborts the attempt (shutdown); the verdict is then `retry`. */
  signal?: AbortSignal;
}

/** Longest one delivery attempt waits by default. */
export const DEFAULT_SEND_TIMEOUT_MS = 15_000;

/**
 * A channel type. `S` is its validated settings, `M` the message it renders (an HTTP request for all but email).
 * `render` is pure given its inputs (so a preview shows exactly what is sent, and a retry sends the same message);
 * `deliver` makes one attempt and never throws: every outcome is a {@link DeliveryVerdict}.
 */
export interface ChannelType<S = unknown, M = unknown> {
  /** Stable identifier stored with a channel: `slack`, `pagerduty`, … */
  readonly type: string;
  /** The name people use: `Slack`, `PagerDuty Events v2`, … */
  readonly title: string;
  /** The settings, as data: the form, the validator and the secrets storage seals all read this. */
  readonly fields: readonly ChannelField[];
  /** Checks raw settings (from a form or API) and fills defaults; throws a {@link ChannelSettingsError} naming each bad field. */
  validate(raw: unknown): S;
  /** The provider message for `notification`; rejects with a {@link TemplateError} when a template fails. `now` is epoch ms. */
  render(settings: S, notification: Notification, now: number): Promise<M>;
  /** One delivery attempt of a rendered message. */
  deliver(message: M, settings: S, context: SendContext): Promise<DeliveryVerdict>;
}

/** A channel type whatever its settings and message: what registries and callers hold. */
// biome-ignore lint/suspicious/noExplicitAny: the registry erases each channel's own settings and message types.
export type AnyChannelType = ChannelType<any, any>;

/**
 * Validates `raw` against `fields`, then parses every template field so a template that cannot parse is refused
 * when it is saved (the issue names the field, and the message the line), and runs `extra` for cross-field rules.
 */
export function validateSettings<S>(
  type: string,
  fields: readonly ChannelField[],
  raw: unknown,
  extra?: (settings: S) => SettingsIssue[],
): S {
  const settings = validateFields(type, fields, raw);
  const issues: SettingsIssue[] = [];
  for (const field of fields) {
    const value = settings[field.name];
    if (field.kind !== 'template' || typeof value !== 'string') continue;
    try {
      parseTemplate(field.name, value);
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      issues.push({ field: field.name, message: err.message.replace(/^Template "[^"]*" ?/, '').replace(/^: /, '') });
    }
  }
  issues.push(...(extra?.(settings as S) ?? []));
  if (issues.length > 0) throw new ChannelSettingsError(type, issues);
  return settings as S;
}

/**
 * Renders and delivers `notification` through `channel` in one attempt: the entry point delivery jobs call. A
 * template that fails is `failed` (the reason names the template and line); a provider quoting a secret back (an
 * echoing endpoint, a URL in an error) has it replaced by `***` in the verdict; nothing here throws.
 */
export async function sendNotification<S, M>(
  channel: ChannelType<S, M>,
  settings: S,
  notification: Notification,
  context: SendContext,
): Promise<DeliveryVerdict> {
  let message: M;
  try {
    message = await channel.render(settings, notification, context.now());
  } catch (err) {
    const reason = err instanceof TemplateError ? err.message : `Could not render the message: ${(err as Error)?.message ?? err}`;
    return { outcome: 'failed', reason };
  }
  return redactVerdict(await channel.deliver(message, settings, context), secretValues(channel.fields, settings));
}

/** Shortest piece of a secret URL (a path segment, a query value) that is treated as a secret on its own. */
const SECRET_PIECE_CHARS = 8;

/**
 * The secret strings of `settings`: each secret field's value, each header value of a secret header map, and for a
 * secret URL its longer path segments and query values (a provider quoting the path back quotes the key).
 */
export function secretValues(fields: readonly ChannelField[], settings: unknown): string[] {
  const out: string[] = [];
  const values = settings as Record<string, unknown>;
  for (const field of fields) {
    const value = values?.[field.name];
    if (!field.secret || value === undefined || value === null) continue;
    if (typeof value === 'object') out.push(...Object.values(value as Record<string, unknown>).map(String));
    else out.push(String(value));
    if (field.kind === 'url' && typeof value === 'string') {
      try {
        const url = new URL(value);
        out.push(...url.pathname.split('/').map(decodeURIComponent), ...url.searchParams.values());
      } catch {
        // Validated settings always parse; nothing more to hide otherwise.
      }
    }
  }
  return [...new Set(out.filter((s) => s.length >= SECRET_PIECE_CHARS))].sort((a, b) => b.length - a.length);
}

/** `verdict` with every secret string in its reason or detail replaced by `***`. */
export function redactVerdict(verdict: DeliveryVerdict, secrets: readonly string[]): DeliveryVerdict {
  if (secrets.length === 0) return verdict;
  const hide = (text: string) => secrets.reduce((acc, secret) => acc.split(secret).join('***'), text);
  if (verdict.outcome === 'delivered') return verdict.detail === undefined ? verdict : { ...verdict, detail: hide(verdict.detail) };
  return { ...verdict, reason: hide(verdict.reason) };
}

/** Sends `channel`'s test message (see {@link testNotification}) to `settings` as receiver `receiver`. */
export function sendTest<S, M>(
  channel: ChannelType<S, M>,
  settings: S,
  context: SendContext & { receiver: string; externalUrl: string },
): Promise<DeliveryVerdict> {
  return sendNotification(channel, settings, testNotification(context.receiver, context.externalUrl, context.now()), context);
}

/** What an HTTP channel adds to the generic delivery: reading a provider's answer. */
export interface HttpAnswerReading {
  /** Reads a provider id (or a refusal hidden in a 2xx) from a 2xx answer. */
  read?: SuccessReader;
  /** A provider's own retry hint in the body (Telegram's `retry_after`, Matrix's `retry_after_ms`), as epoch ms. */
  notBefore?: (response: OutboundResponse, now: number) => number | undefined;
}

/** Delivers one HTTP request through the outbound policy and turns the answer into a verdict. */
export async function deliverHttp(
  request: OutboundRequest,
  context: SendContext,
  reading: HttpAnswerReading = {},
): Promise<DeliveryVerdict> {
  const target = describeTarget(request.url);
  const timeout = AbortSignal.timeout(context.timeoutMs ?? DEFAULT_SEND_TIMEOUT_MS);
  const signal = context.signal ? AbortSignal.any([context.signal, timeout]) : timeout;
  let response: OutboundResponse;
  try {
    response = await sendOutbound(request, context.policy, signal);
  } catch (err) {
    return verdictOfError(err, target);
  }
  const now = context.now();
  return verdictOfResponse(response, target, now, reading.read, reading.notBefore && ((r) => reading.notBefore!(r, now)));
}

/** Parses a JSON answer, or undefined when it is not JSON. */
export function jsonOf(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Cuts `text` to `max` characters, marking the cut with an ellipsis (providers refuse over-long fields). */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Cuts markup text to `max` characters at a line end (so no tag or entity is cut in two: the default templates
 * close every tag on the line that opens it), marking the cut.
 */
export function truncateLines(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 2).join('');
  const cut = head.lastIndexOf('\n');
  return `${cut > 0 ? head.slice(0, cut) : head.replace(/<[^>]*$/, '').replace(/&[#\w]*$/, '')}\n…`;
}
