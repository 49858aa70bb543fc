import { describe, expect, it } from 'vitest';
import { EMPTY_CHECK_LIST_STATE, summaryFilterOf, toCheckFilters, withSummaryFilter } from './check-list-state';

describe('checks list state', () => {
  it('asks for nothing without filters, and trims the search', () => {
    expect(toCheckFilters(EMPTY_CHECK_LIST_STATE)).toEqual({});
    expect(toCheckFilters({ ...EMPTY_CHECK_LIST_STATE, q: '  api ', type: 'http' })).toEqual({ q: 'api', type: 'http' });
  });

  it('filters by a state among enabled checks, as the summary counts them', () => {
    const down = withSummaryFilter(EMPTY_CHECK_LIST_STATE, 'down');
    expect(toCheckFilters(down)).toEqual({ state: 'down', enabled: true });
    expect(summaryFilterOf(down)).toBe('down');
  });

  it('switches between a state and the disabled checks, and clears', () => {
    const disabled = withSummaryFilter(withSummaryFilter(EMPTY_CHECK_LIST_STATE, 'up'), 'disabled');
    expect(toCheckFilters(disabled)).toEqual({ enabled: false });
    expect(summaryFilterOf(disabled)).toBe('disabled');
    const cleared = withSummaryFilter(disabled, null);
    expect(toCheckFilters(cleared)).toEqual({});
    expect(summaryFilterOf(cleared)).toBeNull();
  });
});
