import type {
  CreateNotificationChannelRequest,
  DeliveryVerdictAnswer,
  NotificationChannel,
  NotificationChannelListQuery,
  NotificationChannelType,
  TestNotificationChannelRequest,
  UpdateNotificationChannelRequest,
} from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../../platform/audit/audit-log';
import type { SecretBox } from '../../../platform/crypto/secret-box';
import { readJson } from '../../../platform/db/database';
import { withTransaction } from '../../../platform/db/transaction';
import { decodeCursor, toPage } from '../../../platform/http/pagination';
import { problems } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import { ChannelRepository, type LastDelivery } from './channel.repository';
import { BUILT_IN_CHANNELS, channelType } from './channel-registry';
import { prepareChannelSettings, type SecretValue, sealChannelSecrets, unsealChannelSecrets, withoutEmpty } from './channel-secrets';
import type { AnyChannelType } from './channel-type';
import { sendTest } from './channel-type';
import type { ChannelTables, NotificationChannelsTable } from './channels.tables';
import type { DeliveryVerdict } from './delivery-verdict';
import type { ChannelNetworkPolicy } from './outbound-http';

/** What the channel service is built from. */
export interface ChannelServiceDeps {
  db: Kysely<ChannelTables>;
  audit: AuditLog;
  secretBox: SecretBox;
  /** Where channels may connect (the outbound policy with what the administrator allowed). */
  policy: ChannelNetworkPolicy;
  /** Estate's public URL, for links in test messages; absent: links are relative. */
  publicUrl?: string;
  now?: () => number;
}

const NAME_TAKEN = 'A notification channel with this name already exists; choose another name.';

/**
 * Notification channels: their definitions (validated by their type when saved, so a refused setting is a 400
 * naming the field, never a failing delivery later), their secrets (sealed, write-only), and "send test". Every
 * change is audited without secrets.
 */
export class ChannelService {
  readonly repo: ChannelRepository;
  private readonly now: () => number;

  constructor(private readonly deps: ChannelServiceDeps) {
    this.repo = new ChannelRepository(deps.db);
    this.now = deps.now ?? Date.now;
  }

  /** The channel types with their fields, in the order a form lists them. */
  types(): NotificationChannelType[] {
    return BUILT_IN_CHANNELS.map((channel) => ({
      type: channel.type,
      title: channel.title,
      fields: channel.fields.map((f) => ({
        name: f.name,
        label: f.label,
        kind: f.kind,
        required: f.required === true,
        secret: f.secret === true,
        ...(f.default !== undefined
          ? { default: Array.isArray(f.default) ? [...f.default] : (f.default as string | number | boolean) }
          : {}),
        ...(f.options ? { options: [...f.options] } : {}),
        ...(f.min !== undefined ? { min: f.min } : {}),
        ...(f.max !== undefined ? { max: f.max } : {}),
        ...(f.help ? { help: f.help } : {}),
      })),
    }));
  }

  async list(query: NotificationChannelListQuery): Promise<{ items: NotificationChannel[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? undefined : (decodeCursor(query.cursor, 2).map(String) as [string, string]);
    const page = toPage(await this.repo.list({ type: query.type }, limit + 1, after), limit, (r) => [r.name, r.id]);
    const last = await this.repo.lastDeliveries(page.items.map((r) => r.id));
    return { items: page.items.map((r) => present(r, last.get(r.id))), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<NotificationChannel> {
    const row = await this.row(id);
    return present(row, (await this.repo.lastDeliveries([id])).get(id));
  }

  /** Creates a channel; 400 naming the field for settings its type refuses, 409 for a name in use. */
  async create(request: CreateNotificationChannelRequest, ctx: ActionContext): Promise<NotificationChannel> {
    const type = this.typeOf(request.type);
    const prepared = prepareChannelSettings(type, request.settings ?? {}, withoutEmpty(request.secrets ?? {}));
    const now = this.now();
    const id = newId(now);
    const row: NotificationChannelsTable = {
      id,
      name: request.name,
      type: type.type,
      settings: JSON.stringify(prepared.settings),
      secret: sealChannelSecrets(this.deps.secretBox, id, prepared.secrets),
      secret_names: JSON.stringify(Object.keys(prepared.secrets).sort()),
      send_resolved: request.sendResolved === false ? 0 : 1,
      enabled: request.enabled === false ? 0 : 1,
      created_by: ctx.actor.type === 'user' || ctx.actor.type === 'token' ? ctx.actor.id : null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    return withTransaction(
      this.deps.db,
      async (trx) => {
        await this.repo.insert(trx, row);
        const created = present(row, undefined);
        await this.deps.audit.append(trx, ctx, {
          action: 'notification_channel.create',
          targetType: 'notification_channel',
          targetId: id,
          after: created,
        });
        return created;
      },
      { conflict: NAME_TAKEN },
    );
  }

  /** Changes a channel when its version is `expected` (412 otherwise); secrets left out keep their stored value. */
  async update(id: string, request: UpdateNotificationChannelRequest, expected: number, ctx: ActionContext): Promise<NotificationChannel> {
    return withTransaction(
      this.deps.db,
      async (trx) => {
        const current = await this.repo.get(id, trx);
        if (!current) throw problems.notFound('The notification channel');
        if (current.version !== expected) throw problems.preconditionFailed();
        const type = this.typeOf(current.type);
        const stored = unsealChannelSecrets(this.deps.secretBox, id, current.secret);
        const secrets = withoutEmpty({ ...stored, ...(request.secrets ?? {}) });
        const settings = request.settings ?? readJson<Record<string, unknown>>(current.settings);
        const prepared = prepareChannelSettings(type, settings, secrets);
        const row: NotificationChannelsTable = {
          ...current,
          name: request.name ?? current.name,
          settings: JSON.stringify(prepared.settings),
          secret: sealChannelSecrets(this.deps.secretBox, id, prepared.secrets),
          secret_names: JSON.stringify(Object.keys(prepared.secrets).sort()),
          send_resolved: request.sendResolved === undefined ? current.send_resolved : request.sendResolved ? 1 : 0,
          enabled: request.enabled === undefined ? current.enabled : request.enabled ? 1 : 0,
          updated_at: Math.max(this.now(), Number(current.updated_at)),
          version: current.version + 1,
        };
        if (!(await this.repo.update(trx, row, expected))) throw problems.preconditionFailed();
        const updated = present(row, undefined);
        await this.deps.audit.append(trx, ctx, {
          action: 'notification_channel.update',
          targetType: 'notification_channel',
          targetId: id,
          before: present(current, undefined),
          after: { ...updated, ...(request.secrets ? { secretsChanged: Object.keys(request.secrets).sort() } : {}) },
        });
        return { ...updated, lastDelivery: (await this.repo.lastDeliveries([id], trx)).get(id) ?? null };
      },
      { conflict: NAME_TAKEN },
    );
  }

  /** Deletes a channel; its deliveries stay in the log, and those still due fail saying the channel was deleted. */
  async delete(id: string, expected: number, ctx: ActionContext): Promise<void> {
    await withTransaction(this.deps.db, async (trx) => {
      const current = await this.repo.get(id, trx);
      if (!current) throw problems.notFound('The notification channel');
      if (current.version !== expected || !(await this.repo.delete(trx, id, expected))) throw problems.preconditionFailed();
      await this.deps.audit.append(trx, ctx, {
        action: 'notification_channel.delete',
        targetType: 'notification_channel',
        targetId: id,
        before: present(current, undefined),
      });
    });
  }

  /** Sends the test notification through a saved channel, once, and answers the verdict (nothing is logged as a delivery). */
  async test(id: string, ctx: ActionContext): Promise<DeliveryVerdictAnswer> {
    const row = await this.row(id);
    const type = this.typeOf(row.type);
    const settings = this.settingsOf(row, type);
    await this.deps.audit.record(ctx, {
      action: 'notification_channel.test',
      targetType: 'notification_channel',
      targetId: id,
      after: { type: row.type },
    });
    return answerOf(await this.sendTestMessage(type, settings, row.name));
  }

  /** Sends the test notification through unsaved settings; with `channelId`, that channel's secrets fill the gaps. */
  async testUnsaved(request: TestNotificationChannelRequest, ctx: ActionContext): Promise<DeliveryVerdictAnswer> {
    const type = this.typeOf(request.type);
    let secrets: Record<string, SecretValue> = request.secrets ?? {};
    let name = request.name;
    if (request.channelId) {
      const saved = await this.row(request.channelId);
      if (saved.type !== type.type)
        throw problems.validation('type: differs from the saved channel’s type.', [
          { path: 'type', message: `the saved channel is a ${saved.type} channel` },
        ]);
      secrets = { ...unsealChannelSecrets(this.deps.secretBox, saved.id, saved.secret), ...secrets };
      name ??= saved.name;
    }
    const prepared = prepareChannelSettings(type, request.settings ?? {}, withoutEmpty(secrets));
    await this.deps.audit.record(ctx, {
      action: 'notification_channel.test',
      targetType: 'notification_channel',
      targetId: request.channelId ?? null,
      after: { type: type.type, unsaved: true },
    });
    return answerOf(await this.sendTestMessage(type, prepared.validated, name ?? 'test'));
  }

  /** A stored channel's settings with its secrets, validated again (only ever in memory). */
  settingsOf(row: NotificationChannelsTable, type: AnyChannelType): unknown {
    const secrets = unsealChannelSecrets(this.deps.secretBox, row.id, row.secret);
    return prepareChannelSettings(type, readJson<Record<string, unknown>>(row.settings), secrets).validated;
  }

  private sendTestMessage(type: AnyChannelType, settings: unknown, receiver: string): Promise<DeliveryVerdict> {
    return sendTest(type, settings, { policy: this.deps.policy, now: this.now, receiver, externalUrl: this.deps.publicUrl ?? '' });
  }

  private typeOf(name: string): AnyChannelType {
    const type = channelType(name);
    if (!type)
      throw problems.validation(`type: there is no channel type "${name}".`, [{ path: 'type', message: `unknown channel type ${name}` }]);
    return type;
  }

  private async row(id: string): Promise<NotificationChannelsTable> {
    const row = await this.repo.get(id);
    if (!row) throw problems.notFound('The notification channel');
    return row;
  }
}

/** A channel row as the API shows it: settings without secrets, secrets by name only. */
export function present(row: NotificationChannelsTable, last: LastDelivery | undefined): NotificationChannel {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    settings: readJson(row.settings),
    secretNames: readJson(row.secret_names),
    sendResolved: Boolean(row.send_resolved),
    enabled: Boolean(row.enabled),
    lastDelivery: last ?? null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    version: row.version,
  };
}

/** A verdict as the API answers it. */
export function answerOf(verdict: DeliveryVerdict): DeliveryVerdictAnswer {
  return { ...verdict };
}
