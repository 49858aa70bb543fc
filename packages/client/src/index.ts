/**
 * The typed HTTP client of the Estate API, shared by the web UI, the CLI and the agent. It speaks only the types of
 * `@estate/contract` and works wherever a global `fetch` exists (browsers, Node ≥ 20).
 */
export type { AgentMethods } from './agents';
export type { AlertingMethods } from './alerting';
export { ApiError, type FieldError, isApiError } from './api-error';
export type { AuditMethods } from './audit';
export type { AuthMethods } from './auth';
export type { ChannelMethods } from './channels';
export { type ClientOptions, createClient, type EstateClient } from './client';
export type { DiscoveryIdentityMethods } from './discovery-identity';
export type { DiscoveryScanMethods, Versioned } from './discovery-scans';
export type { CiFilters, InventoryMethods, VersionedCi } from './inventory';
export type { InventoryImportMethods } from './inventory-import';
export type { MonitoringMethods } from './monitoring';
export { collectAll, type ListMethod, type PageOf, paginate } from './page';
export type { SuppressionMethods } from './suppression';
export type { TokenMethods } from './tokens';
export { type ApiResponse, createTransport, type QueryValue, queryString, type RequestOptions, type Transport } from './transport';
export type { UserMethods, VersionedUser } from './users';
