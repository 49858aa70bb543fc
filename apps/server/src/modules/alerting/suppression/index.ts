/*
 * The suppression part of alerting: silences, maintenance windows and the routing configuration, stored and
 * served. The pure rules (matchers, silence validity, the route tree) live in ../routing; this folder stores them
 * and answers the dispatcher's three questions through {@link SuppressionService}.
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from '../../../platform/audit/audit-log';
import type { HttpServer } from '../../../platform/http/http-server';
import type { RoutingConfig, Silence } from '../routing';
import { MaintenanceService } from './maintenance.service';
import type { ActiveMaintenance, MaintenanceWindowSpans } from './maintenance-scope';
import type { InlineChannels } from './routing-config.service';
import { RoutingConfigService } from './routing-config.service';
import { SilenceService } from './silence.service';
import { registerMaintenanceRoutes, registerRoutingRoutes, registerSilenceRoutes } from './suppression.routes';
import type { SuppressionTables } from './suppression.tables';
import { readRevision } from './suppression-revision';

export {
  type ActiveMaintenance,
  type ActiveMaintenanceWindow,
  covers,
  type MaintenanceSubject,
  type MaintenanceWindowSpans,
} from './maintenance-scope';
export { DEFAULT_ROUTING_YAML, type InlineChannels } from './routing-config.service';
export type { SuppressionTables } from './suppression.tables';

/**
 * What the dispatcher and other alerting parts ask of suppression. Every read goes to the store, so processes
 * sharing a PostgreSQL agree; {@link revision} is the cheap poll that says when to ask again.
 */
export interface SuppressionService {
  /** The silences active at `now` (epoch ms), as the routing library takes them. */
  activeSilences(now: number): Promise<Silence[]>;
  /** The maintenance windows holding at `now`, with `covers(subject, window)` and `coveringWindows(subject)`. */
  maintenanceAt(now: number): Promise<ActiveMaintenance>;
  /**
   * The windows with an occurrence overlapping `[from, to)` (epoch ms), with those occurrences and their scopes: the
   * same windows {@link maintenanceAt} mutes alerts with, for status pages. Ask {@link covers} of each.
   */
  maintenanceBetween(from: number, to: number): Promise<MaintenanceWindowSpans[]>;
  /** The parsed current routing configuration (the default while none is stored), cached by version. */
  routingConfig(): Promise<RoutingConfig>;
  /** The stored routing configuration's version; 0 while the default is in use. One primary-key read. */
  routingVersion(): Promise<number>;
  /**
   * A number that moves on whenever a silence, a window or the routing configuration changes in any process: one
   * primary-key read to poll. Compare it with the last value seen; reload when it differs.
   */
  revision(): Promise<number>;
  /** Registers a listener told after every change made in this process (others: poll {@link revision}); returns its removal. */
  onChange(listener: () => void): () => void;
}

/** What the suppression part is built from. */
export interface SuppressionPartOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this part's tables.
  db: Kysely<any>;
  audit: AuditLog;
  now?: () => number;
  warn?: (message: string) => void;
  /** Carries pasted receivers' inline integrations over into stored channels on save (the channels part's importer). */
  inlineChannels?: InlineChannels;
}

/** The suppression part: its routes and the service other alerting parts use. */
export interface SuppressionPart {
  readonly service: SuppressionService;
  /** The services behind the routes (tests and the part's own wiring). */
  readonly internals: { silences: SilenceService; maintenance: MaintenanceService; routing: RoutingConfigService };
  routes(http: HttpServer): void;
}

/** Builds the suppression part over the shared store. */
export function createSuppressionPart(options: SuppressionPartOptions): SuppressionPart {
  const db = options.db as Kysely<SuppressionTables>;
  const now = options.now ?? Date.now;
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const listener of listeners) listener();
  };
  const silences = new SilenceService({ db, audit: options.audit, now, changed });
  const maintenance = new MaintenanceService({ db, audit: options.audit, now, changed });
  const routing = new RoutingConfigService({
    db,
    audit: options.audit,
    now,
    changed,
    activeSilences: (at) => silences.active(at),
    warn: options.warn,
    inlineChannels: options.inlineChannels,
  });
  const service: SuppressionService = {
    activeSilences: (at) => silences.active(at),
    maintenanceAt: (at) => maintenance.maintenanceAt(at),
    maintenanceBetween: (from, to) => maintenance.windowsBetween(from, to),
    routingConfig: () => routing.routingConfig(),
    routingVersion: () => routing.version(),
    revision: () => readRevision(db),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    service,
    internals: { silences, maintenance, routing },
    routes(http) {
      registerSilenceRoutes(http, silences);
      registerMaintenanceRoutes(http, maintenance, now);
      registerRoutingRoutes(http, routing);
    },
  };
}
