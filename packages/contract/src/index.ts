/**
 * The Estate API contract: TypeBox schemas for every request, response and event. The server validates against
 * them and generates its OpenAPI document from them; the web UI, CLI and agent share only these types.
 */

export * from './agent-checks';
export * from './agent-protocol';
export * from './agents';
export * from './alerting';
export * from './alerting-ingest';
export * from './alerting-links';
export * from './audit';
export * from './auth';
export * from './canonical-json';
export * from './channels';
export * from './common';
export * from './discovery-identity';
export * from './discovery-observed';
export * from './discovery-scans';
export * from './events';
export * from './inventory';
export * from './inventory-history';
export * from './inventory-import';
export * from './inventory-lifecycle';
export * from './inventory-views';
export * from './monitoring';
export * from './monitoring-bulk';
export * from './oncall';
export * from './prometheus-api';
export * from './route';
export * from './routes';
export * from './status';
export * from './suppression';
export * from './system';
