import { describe, expect, it } from 'vitest';
import { parseMatchers } from './matchers';
import { Inhibitor, type Silence, silenceMutes, silenceProblems, silenceState } from './suppression';

const silence: Silence = {
  id: 's',
  matchers: parseMatchers('{alertname="Disk", instance=~"db-.*"}'),
  startsAt: 1_000,
  endsAt: 2_000,
  createdBy: 'ana',
  comment: 'disk swap',
};

describe('silences', () => {
  it('are pending, active from startsAt and expired at endsAt', () => {
    expect(silenceState(silence, 999)).toBe('pending');
    expect(silenceState(silence, 1_000)).toBe('active');
    expect(silenceState(silence, 2_000)).toBe('expired');
  });

  it('mute only alerts every matcher accepts, only while active', () => {
    expect(silenceMutes(silence, { alertname: 'Disk', instance: 'db-1' }, 1_500)).toBe(true);
    expect(silenceMutes(silence, { alertname: 'Disk', instance: 'web-1' }, 1_500)).toBe(false);
    expect(silenceMutes(silence, { alertname: 'Disk', instance: 'db-1' }, 2_000)).toBe(false);
  });

  it('are refused when they would mute everything or lack an author', () => {
    expect(silenceProblems(silence)).toEqual([]);
    expect(silenceProblems({ ...silence, matchers: parseMatchers('team=~".*"') })).toEqual([
      'at least one matcher must not match an empty label set, or the silence would mute every alert',
    ]);
    expect(silenceProblems({ ...silence, matchers: [], endsAt: 1_000, createdBy: ' ', comment: '' })).toHaveLength(4);
  });
});

describe('Inhibitor', () => {
  const inhibitor = new Inhibitor([
    {
      sourceMatchers: parseMatchers('severity="critical"'),
      targetMatchers: parseMatchers('severity=~"warning|critical"'),
      equal: ['cluster'],
    },
  ]);

  it('lets a firing source mute targets with equal labels, until it resolves', () => {
    inhibitor.observe('src', { severity: 'critical', cluster: 'eu', alertname: 'Down' }, true);
    expect(inhibitor.inhibitedBy('t', { severity: 'warning', cluster: 'eu' })).toMatchObject({ sourceFingerprint: 'src' });
    expect(inhibitor.inhibitedBy('t', { severity: 'warning', cluster: 'us' })).toBeNull();
    // Matching both sides: a critical alert is not muted by another critical one.
    expect(inhibitor.inhibitedBy('t2', { severity: 'critical', cluster: 'eu' })).toBeNull();
    inhibitor.observe('src', { severity: 'critical', cluster: 'eu', alertname: 'Down' }, false);
    expect(inhibitor.inhibitedBy('t', { severity: 'warning', cluster: 'eu' })).toBeNull();
  });
});
