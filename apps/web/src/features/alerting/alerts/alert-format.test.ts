import type { AlertEpisode } from '@estate/contract';
import { labelsAsMatchers } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { groupByName, shownLabels } from './alert-format';

const alert = (name: string, state: AlertEpisode['state']) => ({ name, state }) as AlertEpisode;

describe('alert formatting', () => {
  it('groups by name with firing groups first', () => {
    const groups = groupByName([alert('B', 'pending'), alert('A', 'pending'), alert('C', 'firing'), alert('A', 'firing')]);
    expect(groups.map((g) => [g.name, g.alerts.length])).toEqual([
      ['A', 2],
      ['C', 1],
      ['B', 1],
    ]);
  });

  it('writes matchers that quote values, and leaves the name and severity out of the shown labels', () => {
    expect(labelsAsMatchers({ b: 'x "y"', alertname: 'Down' })).toBe('{alertname="Down",b="x \\"y\\""}');
    expect(shownLabels({ alertname: 'Down', severity: 'critical', z: '1', a: '2' })).toEqual([
      ['a', '2'],
      ['z', '1'],
    ]);
  });
});
