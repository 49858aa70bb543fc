/** Row shapes of the notification channel tables (migration 0032). Times are epoch ms; JSON columns are jsonb/text. */

/** A stored channel. */
export interface NotificationChannelsTable {
  id: string;
  name: string;
  type: string;
  /** The type's validated settings without the secret fields. */
  settings: unknown;
  /** The secret fields as JSON, sealed with the secret box and bound to the channel's id; null when none is set. */
  secret: string | null;
  /** The names of the secret fields stored (JSON array). */
  secret_names: unknown;
  /** 1 or 0: whether notifications of resolved groups go to this channel. */
  send_resolved: number;
  /** 1 or 0. */
  enabled: number;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

/** Where a delivery is: `queued` and `retrying` are live; `delivered` and `failed` are final. */
export type DeliveryStatus = 'queued' | 'retrying' | 'delivered' | 'failed';

/** One notification for one channel. */
export interface NotificationDeliveriesTable {
  id: string;
  /** `<notification id>:<channel id>`: a second enqueue of the same pair writes nothing. */
  dedup_key: string;
  notification_id: string;
  channel_id: string;
  group_key: string;
  receiver: string;
  /** The channels' `Notification`, as JSON. */
  notification: unknown;
  status: DeliveryStatus;
  /** Attempts started so far. */
  attempts: number;
  /** The job generation that carries the delivery now (1 for the first job); older jobs are stale. */
  round: number;
  next_attempt_at: number | null;
  last_error: string | null;
  provider_id: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}

/** How one attempt ended; `sending` until its outcome is recorded, `unknown` when it never was. */
export type AttemptOutcome = 'sending' | 'delivered' | 'retry' | 'failed' | 'unknown';

/** One attempt of a delivery. */
export interface NotificationAttemptsTable {
  delivery_id: string;
  /** From 1. */
  number: number;
  started_at: number;
  finished_at: number | null;
  outcome: AttemptOutcome;
  detail: string | null;
  http_status: number | null;
}

/** The tables of this part. */
export interface ChannelTables {
  notification_channels: NotificationChannelsTable;
  notification_deliveries: NotificationDeliveriesTable;
  notification_attempts: NotificationAttemptsTable;
}
