/** Alerting: rule groups, alerts (Prometheus shapes and Estate's list), acknowledge and resolve, alerts sent in. */
export const AlertingRoutes = {} as const;
