/**
 * Why an SNMP request got nothing, from the error net-snmp (or the socket under it) gave: a reason to count, and a
 * sentence for the host's note that never quotes what the error might carry of a secret (net-snmp's messages can
 * quote a community or a digest).
 */
import type { SnmpFailureReason } from '@estate/contract';
import snmp from 'net-snmp';

/** A failure's reason and what the note says of it. */
export interface SnmpFailureText {
  reason: SnmpFailureReason;
  text: string;
}

/** The USM report net-snmp names in an authentication failure, and what it means. */
const USM_REPORTS: Array<[RegExp, SnmpFailureReason, string]> = [
  [/unknown user name/i, 'authentication', 'the agent does not know the v3 user'],
  [/wrong digest|authentication digest/i, 'authentication', 'the agent refused the v3 authentication key'],
  [/decryption error|decrypt/i, 'authentication', 'the agent refused the v3 privacy key'],
  [/unsupported security level/i, 'unsupported', 'the agent does not support the credential’s security level'],
  [/not in time window/i, 'authentication', 'the agent’s clock window refused the request'],
  [/unknown engine id/i, 'authentication', 'the agent did not accept the engine id'],
];

/** Socket errors by which the network says a host cannot be reached. */
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'ECONNREFUSED', 'EADDRNOTAVAIL']);

/** net-snmp's codes of an answer the credential's keys did not fit: a USM report, a digest or a PDU that did not check. */
const KEY_FAILURES: ReadonlySet<unknown> = new Set([snmp.ResponseInvalidCode.EAuthFailure, snmp.ResponseInvalidCode.ECouldNotDecrypt]);

/** The reason and note text of an error of an SNMP request. */
export function snmpFailureOf(error: unknown): SnmpFailureText {
  const e = (error ?? {}) as { name?: string; code?: unknown; message?: string };
  if (e.name === 'RequestTimedOutError') {
    return { reason: 'no-answer', text: 'no answer (timeout)' };
  }
  if (typeof e.code === 'string' && UNREACHABLE.has(e.code)) return { reason: 'unreachable', text: `unreachable (${e.code})` };
  if (e.name === 'ResponseInvalidError') {
    if (KEY_FAILURES.has(e.code)) {
      const [, reason, text] = USM_REPORTS.find(([pattern]) => pattern.test(e.message ?? '')) ?? [
        null,
        'authentication' as const,
        'the agent refused the v3 credential',
      ];
      return { reason, text };
    }
    // Other invalid answers (another community, an unexpected PDU) are named by their code: the message may quote a secret.
    const code = typeof e.code === 'number' ? snmp.ResponseInvalidCode[e.code] : undefined;
    return { reason: 'error', text: `an answer that could not be used (${code ?? 'invalid'})` };
  }
  if (e.name === 'RequestFailedError')
    return { reason: 'error', text: `the agent answered with an error (${(e.message ?? '').slice(0, 100)})` };
  return { reason: 'error', text: error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200) };
}
