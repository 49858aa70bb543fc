/** The audit module: the HTTP face of the platform's audit log. */
export { registerAuditRoutes } from './audit.routes';
