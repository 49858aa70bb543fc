import type { EstateMigration } from './types';

/** Suppression (issue 15): silences, maintenance windows and the routing configuration. */
export const suppression: EstateMigration = () => ({
  async up() {},
});
