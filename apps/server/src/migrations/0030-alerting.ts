import type { EstateMigration } from './types';

/** Alert rules and alerts (issue 15): rule groups, alert state, their timelines, the dispatcher's state. */
export const alerting: EstateMigration = () => ({
  async up() {},
});
