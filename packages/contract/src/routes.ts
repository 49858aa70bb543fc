import { AgentAdminRoutes, AgentDownloadRoutes, AgentProtocolRoutes } from './agent-routes';
import { AlertIngestRoutes } from './alerting-ingest';
import { AlertingRoutes } from './alerting-routes';
import { AuditRoutes } from './audit-routes';
import { AuthRoutes } from './auth-routes';
import { NotificationChannelRoutes } from './channel-routes';
import { DiscoveryIdentityRoutes, DiscoveryScanRoutes } from './discovery-routes';
import { InventoryRoutes } from './inventory-routes';
import { MonitoringRoutes } from './monitoring-routes';
import { OnCallRoutes } from './oncall-routes';
import { PrometheusApiRoutes } from './prometheus-api-routes';
import { StatusPageRoutes } from './status-routes';
import { SuppressionRoutes } from './suppression-routes';

/** The route tables of the domains, each declaring its operations once; a new domain adds its table here. */
export const ROUTE_TABLES = [
  AuthRoutes,
  AuditRoutes,
  InventoryRoutes,
  AgentAdminRoutes,
  AgentProtocolRoutes,
  AgentDownloadRoutes,
  DiscoveryScanRoutes,
  DiscoveryIdentityRoutes,
  PrometheusApiRoutes,
  MonitoringRoutes,
  AlertingRoutes,
  NotificationChannelRoutes,
  OnCallRoutes,
  SuppressionRoutes,
  AlertIngestRoutes,
  StatusPageRoutes,
] as const;

/**
 * Every operation the clients (web UI, CLI, agent) call, by a name unique across domains. The server's test checks
 * that each one is registered with the same method, path and schemas.
 */
export const API_ROUTES = {
  ...AuthRoutes,
  ...AuditRoutes,
  ...InventoryRoutes,
  ...AgentAdminRoutes,
  ...AgentProtocolRoutes,
  ...AgentDownloadRoutes,
  ...DiscoveryScanRoutes,
  ...DiscoveryIdentityRoutes,
  ...PrometheusApiRoutes,
  ...MonitoringRoutes,
  ...AlertingRoutes,
  ...NotificationChannelRoutes,
  ...OnCallRoutes,
  ...SuppressionRoutes,
  ...AlertIngestRoutes,
  ...StatusPageRoutes,
} as const;

export { AgentAdminRoutes, AgentDownloadRoutes, AgentProtocolRoutes } from './agent-routes';
export { AlertIngestRoutes } from './alerting-ingest';
export { AlertingRoutes } from './alerting-routes';
export { AuditRoutes } from './audit-routes';
export { AuthRoutes } from './auth-routes';
export { NotificationChannelRoutes } from './channel-routes';
export { DiscoveryIdentityRoutes, DiscoveryScanRoutes } from './discovery-routes';
export { InventoryRoutes } from './inventory-routes';
export { MonitoringRoutes } from './monitoring-routes';
export { OnCallRoutes } from './oncall-routes';
export { PrometheusApiRoutes } from './prometheus-api-routes';
export { StatusPageRoutes } from './status-routes';
export { SuppressionRoutes } from './suppression-routes';
