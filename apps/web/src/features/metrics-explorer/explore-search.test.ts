import { describe, expect, it } from 'vitest';
import {
  exploreState,
  formatDuration,
  formatEndTime,
  parseDuration,
  parseEndTime,
  toExploreSearch,
  validateExploreSearch,
} from './explore-search';

describe('explorer URL state', () => {
  it('reads durations in Prometheus notation and refuses zero, junk and absurd lengths', () => {
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration(' 7d ')).toBe(604_800_000);
    expect(parseDuration('2w')).toBe(1_209_600_000);
    expect(parseDuration('500ms')).toBe(500);
    for (const bad of ['', '0s', '1', 'h', '1.5h', '-1h', '1H', '1h ago', '11y']) expect(parseDuration(bad), bad).toBeUndefined();
  });

  it('writes durations in their shortest form', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(86_400_000)).toBe('1d');
    expect(formatDuration(10_000)).toBe('10s');
    expect(formatDuration(0)).toBe('0s');
    for (const text of ['1h', '90m', '3d12h', '2w'])
      expect(parseDuration(formatDuration(parseDuration(text) as number))).toBe(parseDuration(text));
  });

  it('reads an end time as RFC 3339 or Unix seconds, and nothing else', () => {
    expect(parseEndTime('2026-12-04T10:00:00Z')).toBe(Date.UTC(2026, 11, 4, 10));
    expect(parseEndTime('2026-12-04T11:00:00+01:00')).toBe(Date.UTC(2026, 11, 4, 10));
    expect(parseEndTime('2026-12-04T10:00:00.250Z')).toBe(Date.UTC(2026, 11, 4, 10) + 250);
    expect(parseEndTime(1_796_378_400)).toBe(1_796_378_400_000);
    expect(parseEndTime('1796378400.5')).toBe(1_796_378_400_500);
    for (const bad of ['', 'now', '2026-12-04', '2026-12-04 10:00:00', '2026-13-40T10:00:00Z', -5, Number.NaN, null, {}]) {
      expect(parseEndTime(bad), String(bad)).toBeUndefined();
    }
    expect(formatEndTime(Date.UTC(2026, 11, 4, 10))).toBe('2026-12-04T10:00:00Z');
    expect(formatEndTime(Date.UTC(2026, 11, 4, 10) + 250)).toBe('2026-12-04T10:00:00.250Z');
  });

  it('keeps valid parameters, drops invalid ones and leaves defaults out of the URL', () => {
    expect(validateExploreSearch({})).toEqual({});
    expect(
      validateExploreSearch({ expr: 'sum(rate(x[5m]))', view: 'graph', range: '24h', end: '2026-12-04T10:00:00Z', junk: 'x' }),
    ).toEqual({ expr: 'sum(rate(x[5m]))', view: 'graph', range: '24h', end: '2026-12-04T10:00:00Z' });
    // The table and one hour are the defaults: not written.
    expect(validateExploreSearch({ expr: 'up', view: 'table', range: '1h' })).toEqual({ expr: 'up' });
    expect(validateExploreSearch({ expr: 'up', range: '60m' })).toEqual({ expr: 'up' });
    // Junk falls back to the defaults instead of failing the page.
    expect(validateExploreSearch({ expr: '   ', view: 'pie', range: 'forever', end: 'yesterday' })).toEqual({});
    expect(validateExploreSearch({ expr: ['up'], range: 3 })).toEqual({});
    // The router hands a bare number over JSON-parsed; it is still an expression.
    expect(validateExploreSearch({ expr: 1 })).toEqual({ expr: '1' });
    // Unix seconds in a hand-written link become RFC 3339.
    expect(validateExploreSearch({ end: 1_796_378_400 })).toEqual({ end: '2026-12-04T10:00:00Z' });
  });

  it('fills defaults in, and writes a state back to the same search parameters', () => {
    expect(exploreState({})).toEqual({ expr: '', view: 'table', range: '1h', rangeMs: 3_600_000, endMs: null });
    const search = { expr: 'node_load1{ci_id="c1"}', view: 'graph' as const, range: '7d', end: '2026-12-04T10:00:00Z' };
    const state = exploreState(search);
    expect(state).toEqual({
      expr: 'node_load1{ci_id="c1"}',
      view: 'graph',
      range: '7d',
      rangeMs: 604_800_000,
      endMs: Date.UTC(2026, 11, 4, 10),
    });
    expect(toExploreSearch(state)).toEqual(search);
    expect(toExploreSearch({ ...state, view: 'table', range: '1h', rangeMs: 3_600_000, endMs: null })).toEqual({
      expr: 'node_load1{ci_id="c1"}',
    });
  });
});
