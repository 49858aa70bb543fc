import Type, { type Static } from 'typebox';
import { route } from './route';

/*
 * Alerts sent into Estate from outside (issue 15, "integrations in"), each for an API token with the
 * `alerting:ingest` scope: Alertmanager's API v2 `POST /api/v2/alerts` (what Prometheus sends to its
 * Alertmanagers), Alertmanager's webhook payload (what an Alertmanager's `webhook_configs` forwards), and events
 * shaped like PagerDuty Events v2. Bodies keep the senders' own field names. Every field the senders send is named
 * (those Estate does not use too), and an unknown one is refused, as everywhere in the API.
 */

const enumOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });

/** Label or annotation names to values, as Alertmanager carries them. */
const LabelSet = Type.Record(Type.String({ maxLength: 1_024 }), Type.String({ maxLength: 16_384 }), {
  maxProperties: 256,
});
/** An RFC 3339 time; Go's zero time (`0001-01-01T00:00:00Z`) means none. */
const Rfc3339 = Type.String({ maxLength: 64, description: 'RFC 3339 time' });

/** One alert of Alertmanager's API v2 (`postableAlert`). */
export const PostableAlert = Type.Object(
  {
    labels: LabelSet,
    annotations: Type.Optional(LabelSet),
    startsAt: Type.Optional(Rfc3339),
    endsAt: Type.Optional(Rfc3339),
    generatorURL: Type.Optional(Type.String({ maxLength: 4_096 })),
  },
  { additionalProperties: false },
);
export type PostableAlert = Static<typeof PostableAlert>;

/** The most alerts one request may carry (Prometheus sends at most 64 at a time). */
export const INGEST_MAX_ALERTS = 10_000;

export const PostableAlerts = Type.Array(PostableAlert, { maxItems: INGEST_MAX_ALERTS });
export type PostableAlerts = Static<typeof PostableAlerts>;

/** One alert of Alertmanager's webhook payload. */
export const WebhookAlert = Type.Object(
  {
    status: enumOf(['firing', 'resolved'] as const),
    labels: LabelSet,
    annotations: Type.Optional(LabelSet),
    startsAt: Type.Optional(Rfc3339),
    endsAt: Type.Optional(Rfc3339),
    generatorURL: Type.Optional(Type.String({ maxLength: 4_096 })),
    fingerprint: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

/** Alertmanager's webhook payload, version 4. */
export const AlertmanagerWebhook = Type.Object(
  {
    version: Type.Optional(Type.String({ maxLength: 16 })),
    groupKey: Type.Optional(Type.String({ maxLength: 65_536 })),
    truncatedAlerts: Type.Optional(Type.Integer({ minimum: 0 })),
    receiver: Type.Optional(Type.String({ maxLength: 1_024 })),
    status: Type.Optional(enumOf(['firing', 'resolved'] as const)),
    alerts: Type.Array(WebhookAlert, { maxItems: INGEST_MAX_ALERTS }),
    groupLabels: Type.Optional(LabelSet),
    commonLabels: Type.Optional(LabelSet),
    commonAnnotations: Type.Optional(LabelSet),
    externalURL: Type.Optional(Type.String({ maxLength: 4_096 })),
  },
  { additionalProperties: false },
);
export type AlertmanagerWebhook = Static<typeof AlertmanagerWebhook>;

/** How many alerts a webhook delivery carried. */
export const AlertmanagerWebhookAnswer = Type.Object({ received: Type.Integer() });
export type AlertmanagerWebhookAnswer = Static<typeof AlertmanagerWebhookAnswer>;

export const EVENT_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;

/** An event shaped like PagerDuty Events v2. */
export const IngestEvent = Type.Object(
  {
    routing_key: Type.Optional(Type.String({ maxLength: 256 })),
    event_action: enumOf(['trigger', 'acknowledge', 'resolve'] as const),
    dedup_key: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    payload: Type.Optional(
      Type.Object(
        {
          summary: Type.String({ minLength: 1, maxLength: 1_024 }),
          source: Type.String({ minLength: 1, maxLength: 1_024 }),
          severity: enumOf(EVENT_SEVERITIES),
          timestamp: Type.Optional(Rfc3339),
          component: Type.Optional(Type.String({ maxLength: 1_024 })),
          group: Type.Optional(Type.String({ maxLength: 1_024 })),
          class: Type.Optional(Type.String({ maxLength: 1_024 })),
          custom_details: Type.Optional(Type.Unknown()),
        },
        { additionalProperties: false },
      ),
    ),
    // Sent by PagerDuty's clients; taken and not used.
    client: Type.Optional(Type.String({ maxLength: 1_024 })),
    client_url: Type.Optional(Type.String({ maxLength: 4_096 })),
    links: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 50 })),
    images: Type.Optional(Type.Array(Type.Unknown(), { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type IngestEvent = Static<typeof IngestEvent>;

/** PagerDuty's answer to an accepted event. */
export const IngestEventAnswer = Type.Object({
  status: Type.Literal('success'),
  message: Type.String(),
  dedup_key: Type.String(),
});
export type IngestEventAnswer = Static<typeof IngestEventAnswer>;

/** Alerts in: Alertmanager's API and webhook, PagerDuty-style events. */
export const AlertIngestRoutes = {
  /** Alertmanager API v2: answers 200 with an empty body, as Alertmanager does. */
  postAlertmanagerAlerts: route('POST', '/api/v2/alerts', { body: PostableAlerts }),
  alertmanagerWebhook: route('POST', '/api/v1/alerting/alertmanager-webhook', {
    body: AlertmanagerWebhook,
    response: AlertmanagerWebhookAnswer,
  }),
  postAlertEvent: route('POST', '/api/v1/alerting/events', { body: IngestEvent, status: 202, response: IngestEventAnswer }),
} as const;
