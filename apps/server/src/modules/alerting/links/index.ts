/*
 * Signed acknowledge/resolve links in messages: minted by the notifier, used through a public page and route.
 */
import type { Kysely } from 'kysely';
import type { SecretBox } from '../../../platform/crypto/secret-box';
import type { HttpServer } from '../../../platform/http/http-server';
import type { ScheduleRegistry } from '../../../platform/scheduler/scheduler';
import type { AlertsService } from '../alerts/alerts.service';
import type { AlertTables } from '../alerts/alerts.tables';
import { registerActionLinkRoutes } from './action-links.routes';
import { ActionLinksService } from './action-links.service';
import { ActionTokens, LINK_KEY_PURPOSE, type LinkAction } from './action-token';

export { ActionLinksService } from './action-links.service';
export { ActionTokens, LINK_KEY_PURPOSE, type LinkAction, type LinkVerdict } from './action-token';

/** How long a link in a message works. */
export const LINK_TTL_MS = 24 * 3_600_000;

export interface ActionLinksPartOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to the alerting tables.
  db: Kysely<any>;
  secretBox: SecretBox;
  alerts: AlertsService;
  now?: () => number;
}

/** Mints a link's token; the notifier calls it while it builds a message. */
export type LinkMinter = (action: LinkAction, incidentKey: string, issuedAt: number) => string;

export function createActionLinksPart(options: ActionLinksPartOptions) {
  const tokens = new ActionTokens(options.secretBox.deriveKey(LINK_KEY_PURPOSE));
  const service = new ActionLinksService(options.db as Kysely<AlertTables>, tokens, options.alerts, options.now);
  const mint: LinkMinter = (action, incidentKey, issuedAt) => service.mint(action, incidentKey, issuedAt, LINK_TTL_MS);
  return {
    service,
    mint,
    routes(http: HttpServer) {
      registerActionLinkRoutes(http, service);
    },
    /** Forgets the nonces of used links once the links have expired (they are refused as expired from then on). */
    schedules(scheduler: ScheduleRegistry) {
      scheduler.every('alerting.action-link-prune', 3_600_000, async () => {
        await service.prune();
      });
    },
  };
}
