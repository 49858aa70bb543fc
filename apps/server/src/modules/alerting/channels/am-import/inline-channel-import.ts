/*
 * Storing what a routing configuration's inline integrations become, inside the configuration's own transaction:
 * a channel per integration (secrets sealed), or an identical stored channel reused, and the configuration text
 * rewritten to name them. A refused integration refuses the whole configuration before anything is written.
 */
import type { RoutingChannelImport } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../../../platform/audit/audit-log';
import type { SecretBox } from '../../../../platform/crypto/secret-box';
import { readJson } from '../../../../platform/db/database';
import { problems } from '../../../../platform/http/problem';
import { newId } from '../../../../platform/ids';
import { present } from '../channel.service';
import { sealChannelSecrets, unsealChannelSecrets } from '../channel-secrets';
import type { ChannelTables, NotificationChannelsTable } from '../channels.tables';
import { type ChannelDraft, planInlineChannels } from './inline-channels';

/** A configuration text with its inline integrations carried over into channels, and what they became. */
export interface InlineChannelsResult {
  /** The text to store: receivers name channels in `estate_channels`; no inline integration or secret remains. */
  yaml: string;
  channelImport: RoutingChannelImport;
}

/**
 * Carries a configuration's inline integrations over into channels within `trx`. With `dryRun` nothing is written
 * (the answer says what a save would create or reuse). Throws a 400 listing every refused field by YAML path.
 */
export type InlineChannelImport = (
  // biome-ignore lint/suspicious/noExplicitAny: the caller's transaction on the shared store.
  trx: Kysely<any>,
  yaml: string,
  ctx: ActionContext,
  dryRun: boolean,
) => Promise<InlineChannelsResult>;

/** How many numbered variants of a draft's name are tried (`team-a/slack/0 (2)` …) before the save is refused. */
const NAME_VARIANTS = 20;

/** Builds the importer over the secret box and audit log the channels use. */
export function createInlineChannelImport(deps: { secretBox: SecretBox; audit: AuditLog; now: () => number }): InlineChannelImport {
  return async (trx, yaml, ctx, dryRun) => {
    const plan = planInlineChannels(yaml);
    if (plan.errors.length > 0) {
      const count = plan.errors.length;
      throw problems.validation(
        `${count === 1 ? 'An inline integration' : `${count} inline integration fields`} cannot become an Estate channel: ${plan.errors
          .map((e) => `${e.path}: ${e.message}`)
          .join('; ')}`,
        plan.errors,
      );
    }
    const db = trx as Kysely<ChannelTables>;
    const candidates = plan.drafts.flatMap((draft) => variants(draft.name));
    // One statement for every name any draft could take (bounded: NAME_VARIANTS per integration).
    const taken = new Map<string, NotificationChannelsTable>();
    if (candidates.length > 0) {
      for (const row of await db.selectFrom('notification_channels').selectAll().where('name', 'in', candidates).execute()) {
        taken.set(row.name, row);
      }
    }
    const now = deps.now();
    const claimed = new Set<string>();
    const channels: RoutingChannelImport['channels'] = [];
    for (const draft of plan.drafts) {
      const found = variants(draft.name).find((name) => !claimed.has(name) && (!taken.has(name) || identical(taken.get(name)!, draft)));
      if (!found) {
        throw problems.conflict(
          `Channels named ${draft.name} and ${NAME_VARIANTS - 1} numbered variants exist and differ from ${draft.path}.`,
          [{ path: draft.path, message: 'no free channel name; rename the receiver or delete unused channels' }],
        );
      }
      claimed.add(found);
      const existing = taken.get(found);
      const base = { name: found, type: draft.type, receiver: draft.receiver, path: draft.path };
      if (existing) {
        channels.push({ ...base, id: existing.id, reused: true });
        continue;
      }
      if (dryRun) {
        channels.push({ ...base, id: null, reused: false });
        continue;
      }
      const id = newId(now);
      const row: NotificationChannelsTable = {
        id,
        name: found,
        type: draft.type,
        settings: JSON.stringify(draft.settings),
        secret: sealChannelSecrets(deps.secretBox, id, draft.secrets),
        secret_names: JSON.stringify(Object.keys(draft.secrets).sort()),
        send_resolved: draft.sendResolved ? 1 : 0,
        enabled: 1,
        created_by: ctx.actor.type === 'user' || ctx.actor.type === 'token' ? ctx.actor.id : null,
        created_at: now,
        updated_at: now,
        version: 1,
      };
      await db.insertInto('notification_channels').values(row).execute();
      await deps.audit.append(trx, ctx, {
        action: 'notification_channel.create',
        targetType: 'notification_channel',
        targetId: id,
        after: { ...present(row, undefined), from: { alertRouting: draft.path } },
      });
      channels.push({ ...base, id, reused: false });
    }
    return {
      yaml: plan.rewrite(channels.map((c) => c.name)),
      channelImport: { channels, ignored: plan.ignored, removedGlobals: plan.removedGlobals },
    };
  };

  /** Whether a stored channel is the one a draft would create: same type, settings, secrets and resolved switch. */
  function identical(row: NotificationChannelsTable, draft: ChannelDraft): boolean {
    if (row.type !== draft.type || Boolean(row.send_resolved) !== draft.sendResolved || !row.enabled) return false;
    if (canonical(readJson(row.settings)) !== canonical(draft.settings)) return false;
    return canonical(unsealChannelSecrets(deps.secretBox, row.id, row.secret)) === canonical(draft.secrets);
  }
}

function variants(name: string): string[] {
  return [name, ...Array.from({ length: NAME_VARIANTS - 1 }, (_, i) => `${name} (${i + 2})`)];
}

/** JSON with object keys sorted, so equal values compare equal whatever order they were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
