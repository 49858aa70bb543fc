import type { EstateMigration } from './types';

/** On-call (issue 15): schedules and escalation policies. */
export const oncall: EstateMigration = () => ({
  async up() {},
});
