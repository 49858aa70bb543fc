import { type AgentMethods, createAgentMethods } from './agents';
import { type AlertingMethods, createAlertingMethods } from './alerting';
import { type AuditMethods, createAuditMethods } from './audit';
import { type AuthMethods, createAuthMethods } from './auth';
import { type ChannelMethods, createChannelMethods } from './channels';
import { createDiscoveryIdentityMethods, type DiscoveryIdentityMethods } from './discovery-identity';
import { createDiscoveryScanMethods, type DiscoveryScanMethods } from './discovery-scans';
import { createInventoryMethods, type InventoryMethods } from './inventory';
import { createInventoryImportMethods, type InventoryImportMethods } from './inventory-import';
import { createMonitoringMethods, type MonitoringMethods } from './monitoring';
import { createStatusPageMethods, type StatusPageMethods } from './status-pages';
import { createSuppressionMethods, type SuppressionMethods } from './suppression';
import { createTokenMethods, type TokenMethods } from './tokens';
import { createTransport } from './transport';
import { createUserMethods, type UserMethods } from './users';

/** How to reach the Estate API. */
export interface ClientOptions {
  /**
   * Origin (and optional path prefix) of the server, e.g. `http://127.0.0.1:8420`; without a trailing `/api/v1`.
   * Use `''` in the browser to talk to the page's own origin.
   */
  baseUrl: string;
  /** An API token, sent as `Authorization: Bearer`. Without it the client relies on the session cookie. */
  token?: string | undefined;
  /** The fetch implementation; `globalThis.fetch` by default (browsers and Node ≥ 20). */
  fetch?: typeof fetch | undefined;
}

/**
 * A typed client of the Estate REST API. Every method resolves with the contract type of the answer and rejects
 * with `ApiError` on a problem answer. With cookie auth it keeps the CSRF token of the latest `Me` answer (setup,
 * login, getMe) and sends it on unsafe requests.
 */
export interface EstateClient
  extends AuthMethods,
    UserMethods,
    TokenMethods,
    AuditMethods,
    InventoryMethods,
    InventoryImportMethods,
    AgentMethods,
    DiscoveryScanMethods,
    DiscoveryIdentityMethods,
    MonitoringMethods,
    AlertingMethods,
    SuppressionMethods,
    ChannelMethods,
    StatusPageMethods {
  /** The CSRF token currently sent on unsafe requests, or null. */
  readonly csrfToken: string | null;
  /** Replaces the CSRF token, for callers that learned it elsewhere; null stops sending it. */
  setCsrfToken(token: string | null): void;
}

/** Creates a client. It holds no connection; creating many is cheap, but each keeps its own CSRF token. */
export function createClient(options: ClientOptions): EstateClient {
  const transport = createTransport(options);
  return {
    ...createAuthMethods(transport),
    ...createUserMethods(transport),
    ...createTokenMethods(transport),
    ...createAuditMethods(transport),
    ...createInventoryMethods(transport, options.baseUrl),
    ...createInventoryImportMethods(transport),
    ...createAgentMethods(transport),
    ...createDiscoveryScanMethods(transport),
    ...createDiscoveryIdentityMethods(transport),
    ...createMonitoringMethods(transport, options.baseUrl),
    ...createAlertingMethods(transport, options.baseUrl),
    ...createSuppressionMethods(transport),
    ...createChannelMethods(transport),
    ...createStatusPageMethods(transport),
    get csrfToken() {
      return transport.csrfToken;
    },
    setCsrfToken(token) {
      transport.csrfToken = token;
    },
  };
}
