/*
 * Where notifications go. A receiver of the routing configuration names Estate's stored channels
 * (`estate_channels: [name or id, …]`) and may name an escalation policy (`estate_escalation_policy: name`); a
 * receiver naming neither, like the default configuration's `default`, goes to every enabled channel. Escalation
 * pages and on-call handoff notices reach a person at their own email address through the first enabled email
 * channel, or a channel a policy step names. Everything is enqueued in the caller's transaction.
 */

import { labelsAsMatchers } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { NotificationQueue } from '../channels/delivery.service';
import type { Notification as ChannelNotification } from '../channels/notification';
import type { EscalationService, OnCallNotice } from '../oncall/oncall-part';
import type { Notification, RoutingConfig } from '../routing';

// biome-ignore lint/suspicious/noExplicitAny: the caller's transaction on the shared store.
type Trx = Kysely<any>;

export interface NotifierDeps {
  queue: NotificationQueue;
  escalations: EscalationService;
  /** Estate's public URL, for links in messages; empty: links are relative. */
  publicUrl: string;
  /** The business services the alerts' CIs impact (from the inventory graph); absent: none named. */
  impacted?: (labelSets: Iterable<Readonly<Record<string, string>>>) => string[];
  /**
   * Mints signed action links (links/): a message for firing alerts carries an acknowledge link for its incident,
   * and a resolve link when every firing alert was sent in from outside (a rule's alert resolves only by its rule).
   * Absent: messages carry no action links.
   */
  mintLink?: (action: 'acknowledge' | 'resolve', incidentKey: string, issuedAt: number) => string;
  /** Told when a receiver names something that does not exist (once per cycle is fine). */
  warn?: (message: string) => void;
}

/** The names (or ids) a receiver's `estate_channels` lists, or undefined when it names none. */
function namedChannels(integrations: Readonly<Record<string, unknown>>): string[] | undefined {
  const value = integrations.estate_channels;
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map(String);
}

export class Notifier {
  constructor(private readonly deps: NotifierDeps) {}

  /** A dispatcher notification: to the receiver's channels, and its escalation started or resolved. */
  async route(trx: Trx, n: Notification, config: RoutingConfig): Promise<void> {
    const receiver = config.receivers.get(n.receiver);
    const integrations = receiver?.integrations ?? {};
    const message = this.message(n);
    const named = namedChannels(integrations);
    const policyName = typeof integrations.estate_escalation_policy === 'string' ? integrations.estate_escalation_policy : undefined;
    let channelIds: string[];
    if (named) channelIds = await this.channelIds(trx, named);
    else if (policyName || Object.keys(integrations).length > 0) channelIds = [];
    else channelIds = await this.enabledChannels(trx);
    await this.deps.queue.enqueueWithin(trx, channelIds, message);
    if (!policyName) return;
    const policy = await trx.selectFrom('escalation_policies').select('id').where('name', '=', policyName).executeTakeFirst();
    if (!policy) {
      this.deps.warn?.(`receiver ${n.receiver}: no escalation policy named "${policyName}"`);
      return;
    }
    if (n.firing.length > 0)
      await this.deps.escalations.start(trx, { incidentKey: n.incidentKey, policyId: policy.id, alert: { notification: message } });
    else await this.deps.escalations.resolve(trx, n.incidentKey);
  }

  /** An on-call notice: an escalation step's page, or a handoff. */
  async onCall(trx: Trx, notice: OnCallNotice): Promise<void> {
    if (notice.kind === 'escalation') {
      const base = (notice.alert.notification as ChannelNotification | undefined) ?? this.empty(`escalation ${notice.incidentKey}`);
      const id = `${notice.incidentKey}:${notice.pass}:${notice.step}`;
      const reason = `Escalation step ${notice.step + 1}${notice.pass > 0 ? ` (repeat ${notice.pass})` : ''}`;
      if (notice.recipient.kind === 'channel') {
        await this.deps.queue.enqueueWithin(trx, [notice.recipient.channelId], {
          ...base,
          id: `${id}:${notice.recipient.channelId}`,
          reason,
        });
        return;
      }
      await this.toPerson(trx, notice.recipient.userId, { ...base, id: `${id}:${notice.recipient.userId}`, reason });
      return;
    }
    const message = this.empty(`on-call handoff ${notice.scheduleName}`);
    const reason = `On-call handoff for ${notice.scheduleName}`;
    for (const userId of handoffPeople(notice)) {
      await this.toPerson(trx, userId, { ...message, id: `handoff:${notice.scheduleId}:${notice.at}:${userId}`, reason });
    }
  }

  private async toPerson(trx: Trx, userId: string, message: ChannelNotification): Promise<void> {
    const user = await trx.selectFrom('users').select(['email', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
    if (!user || user.disabled_at !== null) return;
    const email = await trx
      .selectFrom('notification_channels')
      .select('id')
      .where('type', '=', 'email')
      .where('enabled', '=', 1)
      .orderBy('name')
      .executeTakeFirst();
    if (!email) {
      this.deps.warn?.(`no enabled email channel to page ${user.email} through`);
      return;
    }
    await this.deps.queue.enqueueWithin(trx, [email.id], { ...message, recipients: [user.email] });
  }

  private async channelIds(trx: Trx, names: readonly string[]): Promise<string[]> {
    if (names.length === 0) return [];
    const rows = await trx
      .selectFrom('notification_channels')
      .select(['id', 'name'])
      .where((eb) => eb.or([eb('name', 'in', names), eb('id', 'in', names)]))
      .execute();
    const found = new Set(rows.flatMap((r) => [r.id, r.name]));
    for (const name of names) if (!found.has(name)) this.deps.warn?.(`estate_channels names "${name}", which does not exist`);
    return rows.map((r) => r.id);
  }

  private async enabledChannels(trx: Trx): Promise<string[]> {
    const rows = await trx.selectFrom('notification_channels').select('id').where('enabled', '=', 1).execute();
    return rows.map((r) => r.id);
  }

  /** The channels' message of a dispatcher notification, with links back to Estate. */
  message(n: Notification): ChannelNotification {
    const base = this.deps.publicUrl.replace(/\/+$/, '');
    const firing = n.firing.map((f) => f.alert);
    const resolved = n.resolved.map((f) => f.alert);
    const impacted = this.deps.impacted?.(firing.map((a) => a.labels)) ?? [];
    return {
      ...(impacted.length > 0 ? { impacted } : {}),
      id: n.dedupKey,
      receiver: n.receiver,
      groupKey: n.groupKey,
      groupLabels: n.groupLabels,
      firing,
      resolved,
      links: {
        externalUrl: base,
        alerts: `${base}/alerts`,
        silence: `${base}/alerting/silences?matchers=${encodeURIComponent(labelsAsMatchers(n.groupLabels))}`,
        ...this.actionLinks(n, base),
      },
    };
  }

  /** Acknowledge (and, for alerts sent in, resolve) links for the notification's incident, while it fires. */
  private actionLinks(n: Notification, base: string): { acknowledge?: string; resolve?: string } {
    const mint = this.deps.mintLink;
    if (!mint || n.firing.length === 0) return {};
    const link = (action: 'acknowledge' | 'resolve') => `${base}/alerting/actions/${mint(action, n.incidentKey, n.at)}`;
    const external = n.firing.every((f) => !f.alert.source.startsWith('rule:'));
    return { acknowledge: link('acknowledge'), ...(external ? { resolve: link('resolve') } : {}) };
  }

  private empty(receiver: string): ChannelNotification {
    const base = this.deps.publicUrl.replace(/\/+$/, '');
    return { id: receiver, receiver, groupKey: receiver, groupLabels: {}, firing: [], resolved: [], links: { externalUrl: base } };
  }
}

/** The people a handoff concerns: who comes on call and who goes off. */
function handoffPeople(notice: Extract<OnCallNotice, { kind: 'handoff' }>): string[] {
  return [...new Set([notice.to, notice.from].filter((p): p is string => p !== null))];
}
