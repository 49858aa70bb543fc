import type { Outcome } from '@estate/contract';

/** Badge colour of each audit outcome. */
export const OUTCOME_COLORS: Record<Outcome, string> = { success: 'teal', denied: 'orange', failure: 'red' };
