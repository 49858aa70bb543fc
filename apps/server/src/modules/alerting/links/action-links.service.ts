/*
 * Using a signed action link: what it will do (shown on GET, nothing changes: mail scanners prefetch links) and
 * doing it (POST). A link is used once: its nonce is stored (in `alerting_state`, key `action-link:<nonce>`, kept
 * until the link's expiry) before it acts, so of two concurrent uses exactly one acts and the other answers "used".
 */
import type { ActionLinkAlert, ActionLinkView } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext } from '../../../platform/audit/audit-log';
import { readJson } from '../../../platform/db/database';
import { HttpProblem, problems } from '../../../platform/http/problem';
import type { AlertsService } from '../alerts/alerts.service';
import type { AlertTables } from '../alerts/alerts.tables';
import { type ActionTokens, LINK_ACTIONS, type LinkAction, type LinkClaims } from './action-token';

/** How far back from a link's minting the incident's notifications are looked for. */
const LOOKBACK_MS = 30 * 86_400_000;

export class ActionLinksService {
  constructor(
    private readonly db: Kysely<AlertTables>,
    private readonly tokens: ActionTokens,
    private readonly alerts: AlertsService,
    private readonly now: () => number = Date.now,
  ) {}

  /** A link's token for `action` on an incident, minted at `issuedAt`, valid for `ttlMs`. */
  mint(action: LinkAction, incidentKey: string, issuedAt: number, ttlMs: number): string {
    return this.tokens.mint(action, incidentKey, issuedAt, ttlMs);
  }

  /** What the link will do; changes nothing. */
  async describe(token: string): Promise<ActionLinkView> {
    const claims = this.claims(token, undefined);
    const view = await this.view(claims);
    if (this.now() >= claims.expiresAt) return { ...view, status: 'expired', message: 'This link has expired.' };
    if (await this.used(claims.nonce)) return { ...view, status: 'used', message: 'This link was already used.' };
    return view;
  }

  /** Does what the link says, once. `expected`: the action the caller asks for (a link does only its own). */
  async act(token: string, expected: LinkAction | undefined, ctx: Omit<ActionContext, 'actor'>): Promise<ActionLinkView> {
    const claims = this.claims(token, expected);
    if (this.now() >= claims.expiresAt) throw expired(claims);
    if (!(await this.consume(claims))) throw problems.conflict('This link was already used; it does nothing a second time.');
    const before = await this.view(claims);
    const label = `${claims.action} link (signed, sent in a notification)`;
    const context: ActionContext = { ...ctx, actor: { type: 'anonymous', id: null, label } };
    const acted: string[] = [];
    const errors: string[] = [];
    for (const alert of before.alerts) {
      if (alert.state === 'resolved') continue;
      if (claims.action === 'acknowledge' && alert.acknowledged) continue;
      try {
        const comment = 'by a signed link';
        if (claims.action === 'acknowledge') await this.alerts.acknowledge(alert.id, comment, context);
        else await this.alerts.resolve(alert.id, comment, context);
        acted.push(alert.id);
      } catch (err) {
        if (!(err instanceof HttpProblem)) throw err;
        errors.push(err.detail ?? err.title);
      }
    }
    const after = await this.view(claims);
    const verb = claims.action === 'acknowledge' ? 'Acknowledged' : 'Resolved';
    const message =
      acted.length > 0
        ? `${verb} ${acted.length} alert${acted.length === 1 ? '' : 's'}.`
        : (errors[0] ??
          `Nothing to ${claims.action}: the alerts are already ${claims.action === 'acknowledge' ? 'acknowledged or resolved' : 'resolved'}.`);
    return { ...after, status: acted.length > 0 ? 'done' : 'nothing', acted, message };
  }

  private claims(token: string, expected: LinkAction | undefined): LinkClaims {
    const verdict = this.tokens.verify(token, this.now(), expected);
    if (verdict.ok) return verdict.claims;
    if (verdict.reason === 'expired' && expected === undefined) return verdict.claims;
    if (verdict.reason === 'expired') throw expired(verdict.claims);
    if (verdict.reason === 'wrong-action') {
      throw problems.forbidden(`This link may only ${verdict.claims.action} alerts, not ${expected ?? 'do anything else'}.`);
    }
    // A forged, altered or truncated token says nothing about which.
    throw problems.notFound('The link');
  }

  private async view(claims: LinkClaims): Promise<ActionLinkView> {
    const alerts = await this.incidentAlerts(claims);
    const open = alerts.filter((a) => a.state !== 'resolved' && (claims.action === 'resolve' || !a.acknowledged));
    return {
      action: claims.action,
      status: open.length > 0 ? 'ready' : 'nothing',
      expiresAt: claims.expiresAt,
      alerts,
      message:
        open.length > 0
          ? `This will ${claims.action} ${open.length} alert${open.length === 1 ? '' : 's'}.`
          : `Nothing to ${claims.action}: the alerts are already ${claims.action === 'acknowledge' ? 'acknowledged or resolved' : 'resolved'}.`,
    };
  }

  /** The episodes notified in the link's incident up to its minting. */
  private async incidentAlerts(claims: LinkClaims): Promise<ActionLinkAlert[]> {
    const events = await this.db
      .selectFrom('alert_events')
      .select(['alert_id', 'detail'])
      .where('kind', '=', 'notified')
      .where('at', '<=', claims.issuedAt)
      .where('at', '>=', claims.issuedAt - LOOKBACK_MS)
      .execute();
    const ids = [
      ...new Set(
        events.filter((e) => readJson<{ incidentKey?: string }>(e.detail)?.incidentKey === claims.incidentKey).map((e) => e.alert_id),
      ),
    ];
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('alerts').selectAll().where('id', 'in', ids).orderBy('active_at').orderBy('id').execute();
    return rows.map((row) => {
      const labels = readJson<Record<string, string>>(row.labels) ?? {};
      const annotations = readJson<Record<string, string>>(row.annotations) ?? {};
      return {
        id: row.id,
        name: labels.alertname || row.rule_name,
        severity: row.severity,
        state: row.state,
        summary: annotations.summary ?? null,
        acknowledged: row.acknowledged_at !== null,
      };
    });
  }

  private async used(nonce: string): Promise<boolean> {
    const row = await this.db.selectFrom('alerting_state').select('key').where('key', '=', nonceKey(nonce)).executeTakeFirst();
    return row !== undefined;
  }

  /** Stores the nonce; false when it was stored before (the link was used). */
  private async consume(claims: LinkClaims): Promise<boolean> {
    const now = this.now();
    const result = await this.db
      .insertInto('alerting_state')
      .values({
        key: nonceKey(claims.nonce),
        value: JSON.stringify({ action: claims.action, usedAt: now }),
        holder: null,
        until: claims.expiresAt,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** Forgets the nonces of links that have expired (they are refused as expired anyway). */
  async prune(): Promise<number> {
    const result = await this.db
      .deleteFrom('alerting_state')
      .where('key', 'like', 'action-link:%')
      .where('until', '<', this.now())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

function nonceKey(nonce: string): string {
  return `action-link:${nonce}`;
}

function expired(claims: LinkClaims): HttpProblem {
  return new HttpProblem(
    410,
    'urn:estate:problem:link-expired',
    'Link expired',
    `This link expired at ${new Date(claims.expiresAt).toISOString()}. Open the alert in Estate to ${claims.action} it.`,
  );
}

export function isLinkAction(value: string): value is LinkAction {
  return (LINK_ACTIONS as readonly string[]).includes(value);
}
