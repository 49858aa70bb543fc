/** Suppression: silences, maintenance windows, the routing configuration. */
export const SuppressionRoutes = {} as const;
