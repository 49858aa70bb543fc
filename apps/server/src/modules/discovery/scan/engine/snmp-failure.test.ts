import snmp from 'net-snmp';
import { describe, expect, it } from 'vitest';
import { snmpFailureOf } from './snmp-failure';

const named = (name: string, message = name, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { name, ...extra });
const usm = (message: string) => new snmp.ResponseInvalidError(message, snmp.ResponseInvalidCode.EAuthFailure);

describe('why an SNMP request got nothing', () => {
  it.each([
    ['a timeout', named('RequestTimedOutError', 'Request timed out'), 'no-answer', 'no answer (timeout)'],
    ['an unknown v3 user', usm('Unknown User Name'), 'authentication', 'the agent does not know the v3 user'],
    [
      'a wrong authentication key',
      usm('Wrong Digest (incorrect password, community or key)'),
      'authentication',
      'the agent refused the v3 authentication key',
    ],
    [
      'a digest that does not match',
      usm('Authentication digest 00aa received in message does not match digest 11bb calculated for message'),
      'authentication',
      'the agent refused the v3 authentication key',
    ],
    [
      'a wrong privacy key',
      new snmp.ResponseInvalidError('Failed to decrypt PDU: bad decrypt', snmp.ResponseInvalidCode.ECouldNotDecrypt),
      'authentication',
      'the agent refused the v3 privacy key',
    ],
    [
      'an unsupported security level',
      usm('Unsupported Security Level'),
      'unsupported',
      'the agent does not support the credential’s security level',
    ],
    [
      'a host the network cannot reach',
      named('Error', 'send EHOSTUNREACH 10.0.0.1:161', { code: 'EHOSTUNREACH' }),
      'unreachable',
      'unreachable (EHOSTUNREACH)',
    ],
    [
      'an answer with another community',
      new snmp.ResponseInvalidError(
        "Community 'secret-a' in request does not match community 'secret-b'",
        snmp.ResponseInvalidCode.ECommunityNoMatch,
      ),
      'error',
      'an answer that could not be used (ECommunityNoMatch)',
    ],
    [
      'an error status',
      named('RequestFailedError', 'genErr: 1.3.6.1.2.1.1.1.0'),
      'error',
      'the agent answered with an error (genErr: 1.3.6.1.2.1.1.1.0)',
    ],
  ])('reads %s', (_, error, reason, text) => {
    expect(snmpFailureOf(error)).toEqual({ reason, text });
  });
});
