/*
 * The answer to one delivery attempt, in the three outcomes a durable delivery job needs: done, try again (and not
 * before when the provider said), or give up. Follows Alertmanager's notifier: 5xx, 429 and network errors are
 * retried; any other 4xx is a configuration problem that a retry cannot fix.
 */

import { DestinationRefusedError } from '@estate/checks';
import type { OutboundResponse } from './outbound-http';

/** The outcome of one attempt. `reason` and `detail` are safe to show and log: they never contain a secret. */
export type DeliveryVerdict = (
  | { outcome: 'delivered'; providerId?: string; detail?: string }
  | { outcome: 'retry'; reason: string /** Epoch ms before which the provider asked not to be called again. */; notBefore?: number }
  | { outcome: 'failed'; reason: string }
) & {
  /** The HTTP status the provider answered with, when the attempt got an HTTP answer (the delivery log shows it). */
  httpStatus?: number;
};

/** Longest excerpt of a provider's answer quoted in a reason. */
const EXCERPT_CHARS = 300;

/** The first part of a provider's answer, on one line, for a reason. */
export function excerpt(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line;
}

/**
 * When a `Retry-After` value (delay in seconds, or an HTTP date) allows the next attempt, as epoch ms given the
 * current time `now`; undefined when absent or unreadable. A date in the past means now.
 */
export function retryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return now + Math.ceil(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(date, now);
}

/** What a channel reads out of a provider's 2xx answer, or why that answer is a failure after all (Slack's 200 "no"). */
export type SuccessReader = (response: OutboundResponse) => { providerId?: string; detail?: string } | { failed: string };

/**
 * The verdict for an HTTP answer from `target` (an origin, no secrets): 2xx delivered (with what `read` finds),
 * 408/429/5xx retry honouring Retry-After (or `hintNotBefore`, a provider's own hint in the body), any other status
 * failed. `now` is the injected clock's reading.
 */
export function verdictOfResponse(
  response: OutboundResponse,
  target: string,
  now: number,
  read?: SuccessReader,
  hintNotBefore?: (response: OutboundResponse) => number | undefined,
): DeliveryVerdict {
  const { status } = response;
  const said = response.body ? `: ${excerpt(response.body)}` : '';
  if (status >= 200 && status < 300) {
    const found = read ? read(response) : {};
    if ('failed' in found)
      return { outcome: 'failed', reason: `${target} answered ${status} but refused the message: ${found.failed}`, httpStatus: status };
    return { outcome: 'delivered', ...found, httpStatus: status };
  }
  if (status === 408 || status === 429 || status >= 500) {
    const notBefore = retryAfter(response.headers['retry-after'], now) ?? hintNotBefore?.(response);
    return {
      outcome: 'retry',
      reason: `${target} answered ${status}${said}`,
      ...(notBefore !== undefined ? { notBefore } : {}),
      httpStatus: status,
    };
  }
  if (status >= 300 && status < 400) {
    return {
      outcome: 'failed',
      reason: `${target} answered ${status} (a redirect); redirects are not followed: use the final URL`,
      httpStatus: status,
    };
  }
  return { outcome: 'failed', reason: `${target} answered ${status}${said}`, httpStatus: status };
}

/**
 * The verdict for a request that got no answer: refused by the outbound policy → failed (an administrator must
 * allow the destination), anything else (DNS, refused, reset, timeout) → retry.
 */
export function verdictOfError(error: unknown, target: string): DeliveryVerdict {
  if (error instanceof DestinationRefusedError) return { outcome: 'failed', reason: `Not sent to ${target}: ${error.message}` };
  const e = error as NodeJS.ErrnoException;
  const code = e?.code ? ` (${e.code})` : '';
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return { outcome: 'retry', reason: `${target} did not answer in time` };
  return { outcome: 'retry', reason: `Could not reach ${target}: ${e?.message ?? String(error)}${code}` };
}
