/*
 * Alerts in (issue 15): routes over ExternalAlerts for an API token (or a person) with `alerting:ingest`.
 * - `POST /api/v2/alerts`: Alertmanager's API v2, so a Prometheus can name Estate among its `alertmanagers`; 200
 *   with an empty body, as Alertmanager answers. Source `prometheus`.
 * - `POST /api/v1/alerting/alertmanager-webhook`: an Alertmanager's `webhook_configs` payload (version 4); a
 *   firing alert stays firing until its resolution arrives, a resolved one resolves. Source `alertmanager`.
 * - `POST /api/v1/alerting/events`: events shaped like PagerDuty Events v2; 202 with PagerDuty's answer.
 * Alerts sent in are telemetry, like remote_write samples: each episode's timeline records its source (and an
 * event's sender), and they are not written to the audit log, which a Prometheus resending every minute would flood.
 * An event's acknowledge and resolve are a person's actions by another way in: they go through AlertsService, audited.
 */
import { Problem, AlertIngestRoutes as R } from '@estate/contract';
import type { HttpServer } from '../../../platform/http/http-server';
import { actionContext } from '../../../platform/http/principal';
import { type FieldError, problems } from '../../../platform/http/problem';
import type { AlertsService } from '../alerts/alerts.service';
import type { ExternalAlerts, IncomingAlert } from '../alerts/external-alerts';

/** The largest body taken: thousands of alerts with their annotations. */
export const INGEST_BODY_LIMIT = 8 * 1024 * 1024;

const tags = ['alerting'];
const ingest = { permission: 'alerting:ingest' } as const;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 time as epoch ms; undefined when absent or Go's zero time (what Alertmanager sends for "no end").
 * A malformed one is added to `errors`.
 */
function timeOf(text: string | undefined, path: string, errors: FieldError[]): number | undefined {
  if (text === undefined || text === '') return undefined;
  const ms = RFC3339.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    errors.push({ path, message: 'must be an RFC 3339 time' });
    return undefined;
  }
  return ms <= 0 ? undefined : ms;
}

interface SentAlert {
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt?: string;
  endsAt?: string;
  generatorURL?: string;
}

/** Alerts as ExternalAlerts takes them; throws a validation problem naming `${at}[i].field` for a bad time. */
function incoming(alerts: readonly SentAlert[], at: string, now: number, resolvedOf?: (i: number) => boolean): IncomingAlert[] {
  const errors: FieldError[] = [];
  const out = alerts.map((a, i): IncomingAlert => {
    const startsAt = timeOf(a.startsAt, `${at}[${i}].startsAt`, errors);
    let endsAt: number | null | undefined = timeOf(a.endsAt, `${at}[${i}].endsAt`, errors);
    if (resolvedOf) {
      // A webhook's firing alert lasts until Alertmanager sends its resolution; a resolved one has ended, whatever
      // the two clocks say.
      endsAt = resolvedOf(i) ? Math.min(endsAt ?? now, now) : null;
    }
    return {
      labels: a.labels,
      ...(a.annotations ? { annotations: a.annotations } : {}),
      ...(startsAt !== undefined ? { startsAt } : {}),
      ...(endsAt !== undefined ? { endsAt } : {}),
      ...(a.generatorURL ? { generatorURL: a.generatorURL } : {}),
    };
  });
  if (errors.length > 0) throw problems.validation('Some alerts have invalid times; none was taken.', errors.slice(0, 20));
  return out;
}

export function registerIngestRoutes(app: HttpServer, external: ExternalAlerts, alerts: AlertsService, now: () => number = Date.now): void {
  app.post(
    R.postAlertmanagerAlerts.path,
    {
      config: ingest,
      bodyLimit: INGEST_BODY_LIMIT,
      schema: {
        tags,
        summary: "Alerts in Alertmanager's API v2 shape (what Prometheus sends its Alertmanagers); 200, empty body",
        body: R.postAlertmanagerAlerts.body,
      },
    },
    async (request, reply) => {
      await external.receive(incoming(request.body, '', now()), 'prometheus', '');
      return reply.code(200).send();
    },
  );

  app.post(
    R.alertmanagerWebhook.path,
    {
      config: ingest,
      bodyLimit: INGEST_BODY_LIMIT,
      schema: {
        tags,
        summary: 'An Alertmanager webhook_configs delivery (payload version 4): firing alerts open, resolved ones resolve',
        body: R.alertmanagerWebhook.body,
        response: { 200: R.alertmanagerWebhook.response, 400: Problem, 403: Problem },
      },
    },
    async (request) => {
      const body = request.body;
      if (body.version !== undefined && body.version !== '4') {
        throw problems.validation(`Webhook payload version ${body.version} is not taken; Alertmanager sends version 4.`, [
          { path: 'version', message: 'must be "4"' },
        ]);
      }
      const alerts = incoming(body.alerts, 'alerts', now(), (i) => body.alerts[i]?.status === 'resolved');
      return { received: await external.receive(alerts, 'alertmanager', 'alerts') };
    },
  );

  app.post(
    R.postAlertEvent.path,
    {
      config: ingest,
      bodyLimit: INGEST_BODY_LIMIT,
      schema: {
        tags,
        summary: 'An event shaped like PagerDuty Events v2 (trigger, acknowledge, resolve by dedup_key); 202',
        body: R.postAlertEvent.body,
        response: { 202: R.postAlertEvent.response, 400: Problem, 403: Problem },
      },
    },
    async (request, reply) => {
      const { event_action: action, dedup_key: dedupKey, payload } = request.body;
      if (action === 'trigger' && !payload) {
        throw problems.validation('A trigger needs a payload.', [{ path: 'payload', message: 'required for trigger' }]);
      }
      if (action !== 'trigger') {
        if (!dedupKey) {
          throw problems.validation(`An ${action} event needs the dedup_key of its trigger.`, [{ path: 'dedup_key', message: 'required' }]);
        }
        // As a person's acknowledgement or resolution: audited, and escalations and the engine are told.
        const id = await external.openEvent(dedupKey);
        if (id && action === 'acknowledge') await alerts.acknowledge(id, undefined, actionContext(request));
        if (id && action === 'resolve') await alerts.resolve(id, undefined, actionContext(request));
        return reply.code(202).send({ status: 'success' as const, message: 'Event processed', dedup_key: dedupKey });
      }
      const errors: FieldError[] = [];
      const timestamp = timeOf(payload?.timestamp, 'payload.timestamp', errors);
      if (errors.length > 0) throw problems.validation('The event has an invalid timestamp.', errors);
      const details = payload?.custom_details;
      const answer = await external.event(
        {
          action,
          ...(dedupKey !== undefined ? { dedupKey } : {}),
          ...(payload
            ? {
                summary: payload.summary,
                source: payload.source,
                severity: payload.severity,
                ...(payload.component ? { component: payload.component } : {}),
                ...(payload.group ? { group: payload.group } : {}),
                ...(payload.class ? { class: payload.class } : {}),
              }
            : {}),
          ...(details !== undefined && details !== null
            ? { details: typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : { details } }
            : {}),
          ...(timestamp !== undefined ? { timestamp } : {}),
        },
        actionContext(request),
      );
      return reply.code(202).send({ status: 'success' as const, message: 'Event processed', dedup_key: answer.dedupKey });
    },
  );
}
