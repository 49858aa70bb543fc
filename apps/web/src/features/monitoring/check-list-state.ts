import type { CheckState } from '@estate/contract';
import type { CheckFilters } from './monitoring-queries';

/** What the checks list is filtered by, as the filter bar and the summary bar edit it. */
export interface CheckListState {
  state: CheckState | null;
  /** True for the disabled checks only (the summary's "Disabled"). */
  disabledOnly: boolean;
  type: string | null;
  /** The search box's text; sent debounced. */
  q: string;
}

/** The list with no filters. */
export const EMPTY_CHECK_LIST_STATE: CheckListState = { state: null, disabledOnly: false, type: null, q: '' };

/** What the summary bar can filter by: a state, or the disabled checks. */
export type SummaryFilter = CheckState | 'disabled';

/** The list state as the API's query parameters; empty filters are left out. A state filter shows enabled checks only. */
export function toCheckFilters(state: CheckListState): CheckFilters {
  const filters: CheckFilters = {};
  if (state.disabledOnly) filters.enabled = false;
  else if (state.state) {
    filters.state = state.state;
    // The summary counts disabled checks apart from the states; the list filtered by a state must agree with it.
    filters.enabled = true;
  }
  if (state.type) filters.type = state.type;
  const q = state.q.trim();
  if (q) filters.q = q;
  return filters;
}

/** Which summary count the list state matches, to highlight it; null when none does. */
export function summaryFilterOf(state: CheckListState): SummaryFilter | null {
  return state.disabledOnly ? 'disabled' : state.state;
}

/** The list state after a click on a summary count (null: the active count clicked again, clearing it). */
export function withSummaryFilter(state: CheckListState, filter: SummaryFilter | null): CheckListState {
  if (filter === 'disabled') return { ...state, state: null, disabledOnly: true };
  return { ...state, state: filter, disabledOnly: false };
}
