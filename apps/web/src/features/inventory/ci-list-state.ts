import type { CiFilters } from '@estate/client';
import { CI_SORTS, type Criticality, type Environment } from '@estate/contract';

/** What the inventory list is filtered and sorted by, as the filter bar edits it. */
export interface CiListState {
  types: string[];
  statuses: string[];
  environment: Environment | null;
  criticality: Criticality | null;
  tag: string;
  /** The search box's text; sent debounced. */
  q: string;
  sort: (typeof CI_SORTS)[number];
}

/** The list with no filters, by name. */
export const EMPTY_LIST_STATE: CiListState = {
  types: [],
  statuses: [],
  environment: null,
  criticality: null,
  tag: '',
  q: '',
  sort: 'name',
};

/** The list state as the API's query parameters; empty filters are left out. */
export function toFilters(state: CiListState): CiFilters {
  const filters: CiFilters = { sort: state.sort };
  if (state.types.length > 0) filters.type = state.types.join(',');
  if (state.statuses.length > 0) filters.status = state.statuses.join(',');
  if (state.environment) filters.environment = state.environment;
  if (state.criticality) filters.criticality = state.criticality;
  if (state.tag.trim()) filters.tag = state.tag.trim();
  if (state.q.trim()) filters.q = state.q.trim();
  return filters;
}

/** The list state as a saved view's query: strings only. */
export function toViewQuery(state: CiListState): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(toFilters(state))) if (typeof value === 'string') query[key] = value;
  return query;
}

/** A saved view's query back into list state; unknown values are ignored. */
export function fromViewQuery(query: Record<string, unknown>): CiListState {
  const text = (key: string) => (typeof query[key] === 'string' ? (query[key] as string) : '');
  const sort = CI_SORTS.find((candidate) => candidate === text('sort')) ?? 'name';
  return {
    types: text('type') ? text('type').split(',') : [],
    statuses: text('status') ? text('status').split(',') : [],
    environment: (text('environment') || null) as Environment | null,
    criticality: (text('criticality') || null) as Criticality | null,
    tag: text('tag'),
    q: text('q'),
    sort,
  };
}
