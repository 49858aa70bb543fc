import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';

/*
 * Notification channels (issue 15): the channel types and their settings as data, stored channels (secrets
 * write-only), "send test", and the delivery log (one row per notification and channel, with its attempts). Routes
 * live under `/api/v1/notification-channel-types`, `/api/v1/notification-channels` and `/api/v1/notifications`.
 */

const enumOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** What a settings field holds: `template` is Liquid text, `headers` a name → value map, `list` a list of text. */
export const CHANNEL_FIELD_KINDS = ['string', 'url', 'template', 'enum', 'integer', 'boolean', 'headers', 'list'] as const;
export type ChannelFieldKind = (typeof CHANNEL_FIELD_KINDS)[number];

/** One settings field of a channel type, as a form builds its input from it. */
export const ChannelFieldInfo = Type.Object({
  name: Type.String(),
  label: Type.String(),
  kind: enumOf(CHANNEL_FIELD_KINDS),
  required: Type.Boolean(),
  /** Sealed at rest and write-only: send it in `secrets`; answers only name it. */
  secret: Type.Boolean(),
  default: Type.Optional(Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Array(Type.String())])),
  options: Type.Optional(Type.Array(Type.String())),
  min: Type.Optional(Type.Number()),
  max: Type.Optional(Type.Number()),
  help: Type.Optional(Type.String()),
});
export type ChannelFieldInfo = Static<typeof ChannelFieldInfo>;

/** A channel type: `email`, `webhook`, `slack`, … with its fields. */
export const NotificationChannelType = Type.Object({
  type: Type.String(),
  title: Type.String(),
  fields: Type.Array(ChannelFieldInfo),
});
export type NotificationChannelType = Static<typeof NotificationChannelType>;

export const NotificationChannelTypeList = Type.Object({ items: Type.Array(NotificationChannelType) });
export type NotificationChannelTypeList = Static<typeof NotificationChannelTypeList>;

/** A channel type's name. */
const ChannelTypeName = Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9-]*$' });
/** The type's settings without its secret fields, checked by the type when saved. */
const ChannelSettings = Type.Record(Type.String(), Type.Unknown(), { description: "The channel type's own settings, secrets left out" });
/**
 * The type's secret fields by name (a URL holding a key, a token, a header map): write-only, sealed at rest, never
 * returned, logged or audited. On a change, a secret left out keeps its stored value; one set to "" is removed.
 */
const ChannelSecrets = Type.Record(
  Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,63}$' }),
  Type.Union([Type.String({ maxLength: 16_384 }), Type.Record(Type.String(), Type.String({ maxLength: 4_096 }))]),
);

/** The delivery statuses: `queued` and `retrying` are live, `delivered` and `failed` final. */
export const DELIVERY_STATUSES = ['queued', 'retrying', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** A stored channel as the API shows it. */
export const NotificationChannel = Type.Object({
  id: Id,
  name: Type.String(),
  type: ChannelTypeName,
  settings: ChannelSettings,
  /** The names of the secrets stored for it, never their values. */
  secretNames: Type.Array(Type.String()),
  /** Whether notifications of a resolved group go to it too. */
  sendResolved: Type.Boolean(),
  enabled: Type.Boolean(),
  /** Its newest delivery: where it is and when it last changed; null before the first. */
  lastDelivery: nullable(Type.Object({ id: Id, status: enumOf(DELIVERY_STATUSES), at: EpochMs })),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  version: Type.Integer({ minimum: 1, description: 'The row version, as in the ETag' }),
});
export type NotificationChannel = Static<typeof NotificationChannel>;

const ChannelName = Type.String({ minLength: 1, maxLength: 200 });

/** Creates a channel; its settings and secrets are validated by its type. */
export const CreateNotificationChannelRequest = Type.Object(
  {
    name: ChannelName,
    type: ChannelTypeName,
    settings: Type.Optional(ChannelSettings),
    secrets: Type.Optional(ChannelSecrets),
    sendResolved: Type.Optional(Type.Boolean({ default: true })),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  },
  { additionalProperties: false },
);
export type CreateNotificationChannelRequest = Static<typeof CreateNotificationChannelRequest>;

/** Changes a channel (If-Match required). `settings` replaces the settings; secrets left out keep their stored value. */
export const UpdateNotificationChannelRequest = Type.Object(
  {
    name: Type.Optional(ChannelName),
    settings: Type.Optional(ChannelSettings),
    secrets: Type.Optional(ChannelSecrets),
    sendResolved: Type.Optional(Type.Boolean()),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateNotificationChannelRequest = Static<typeof UpdateNotificationChannelRequest>;

/** Sends a test notification through an unsaved channel; with `channelId`, that channel's stored secrets fill the gaps. */
export const TestNotificationChannelRequest = Type.Object(
  {
    type: ChannelTypeName,
    settings: Type.Optional(ChannelSettings),
    secrets: Type.Optional(ChannelSecrets),
    channelId: Type.Optional(Id),
    /** The receiver name the test message shows (default: the channel's name or "test"). */
    name: Type.Optional(ChannelName),
  },
  { additionalProperties: false },
);
export type TestNotificationChannelRequest = Static<typeof TestNotificationChannelRequest>;

/** The outcome of one delivery attempt: delivered, retry (a later attempt may succeed), or failed for good. */
export const DeliveryVerdictAnswer = Type.Object({
  outcome: enumOf(['delivered', 'retry', 'failed'] as const),
  /** Why it was not delivered; never holds a secret. */
  reason: Type.Optional(Type.String()),
  /** The provider's id of the message (a Message-ID, a ts, a dedup key). */
  providerId: Type.Optional(Type.String()),
  detail: Type.Optional(Type.String()),
  /** Retry: not before this time (the provider's Retry-After). */
  notBefore: Type.Optional(EpochMs),
  httpStatus: Type.Optional(Type.Integer()),
});
export type DeliveryVerdictAnswer = Static<typeof DeliveryVerdictAnswer>;

/** One notification for one channel in the delivery log. */
export const NotificationDelivery = Type.Object({
  id: Id,
  notificationId: Type.String(),
  channelId: Id,
  /** The channel's name now; null when it was deleted. */
  channelName: nullable(Type.String()),
  groupKey: Type.String(),
  receiver: Type.String(),
  /** `firing` or `resolved`: the group's status in this notification. */
  groupStatus: enumOf(['firing', 'resolved'] as const),
  status: enumOf(DELIVERY_STATUSES),
  attempts: Type.Integer({ minimum: 0 }),
  /** When the next attempt is due (queued or retrying); null otherwise. */
  nextAttemptAt: nullable(EpochMs),
  lastError: nullable(Type.String()),
  providerId: nullable(Type.String()),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  finishedAt: nullable(EpochMs),
});
export type NotificationDelivery = Static<typeof NotificationDelivery>;

/** How one attempt ended; `sending` while it runs, `unknown` when the worker stopped before recording an outcome. */
export const ATTEMPT_OUTCOMES = ['sending', 'delivered', 'retry', 'failed', 'unknown'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export const NotificationAttempt = Type.Object({
  number: Type.Integer({ minimum: 1 }),
  startedAt: EpochMs,
  finishedAt: nullable(EpochMs),
  outcome: enumOf(ATTEMPT_OUTCOMES),
  detail: nullable(Type.String()),
  httpStatus: nullable(Type.Integer()),
});
export type NotificationAttempt = Static<typeof NotificationAttempt>;

/** A delivery with the notification it carries and its attempts, oldest first. */
export const NotificationDeliveryDetail = Type.Object({
  ...NotificationDelivery.properties,
  /** The notification as the channel renders it (alerts, labels, links). */
  notification: Type.Record(Type.String(), Type.Unknown()),
  attemptLog: Type.Array(NotificationAttempt),
});
export type NotificationDeliveryDetail = Static<typeof NotificationDeliveryDetail>;

/** Filters of the delivery log (newest first); every filter narrows. */
export const NotificationListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    channelId: Type.Optional(Id),
    status: Type.Optional(enumOf(DELIVERY_STATUSES)),
    groupKey: Type.Optional(Type.String({ minLength: 1, maxLength: 2_000 })),
  },
  { additionalProperties: false },
);
export type NotificationListQuery = Static<typeof NotificationListQuery>;

/** Filters of the channel list (by name). */
export const NotificationChannelListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    type: Type.Optional(ChannelTypeName),
  },
  { additionalProperties: false },
);
export type NotificationChannelListQuery = Static<typeof NotificationChannelListQuery>;
