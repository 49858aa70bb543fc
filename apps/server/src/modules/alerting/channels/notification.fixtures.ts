/*
 * Notifications for channel tests: a fixed group (two firing alerts, one resolved) at a fixed time, with every link,
 * impacted CIs, and text that needs escaping, so golden payloads show every part a message can hold.
 */
import type { Alert } from '../alert-model';
import { labelsFingerprint } from '../alert-model';
import type { Notification } from './notification';

/** 2026-12-04T21:30:00Z: the clock every channel test reads. */
export const FIXED_NOW = Date.UTC(2026, 11, 4, 21, 30, 0);

function hostDown(instance: string, firedAt: number, resolvedAt: number | null): Alert {
  return {
    labels: { alertname: 'HostDown', env: 'prod', instance, severity: 'critical', job: 'node' },
    annotations: {
      summary: `${instance} is down`,
      description: `${instance} has not answered pings for 5 minutes <check cabling & power>.`,
      runbook_url: 'https://runbooks.example.com/host-down',
    },
    state: resolvedAt === null ? 'firing' : 'inactive',
    activeAt: firedAt - 300_000,
    firedAt,
    resolvedAt,
    value: 0,
    source: 'rule:01J0000000000000000000HOST',
  };
}

/** The group: web-1 and web-2 firing, web-3 resolved, grouped by alertname and env. */
export function sampleNotification(overrides: Partial<Notification> = {}): Notification {
  const web1 = hostDown('web-1', FIXED_NOW - 600_000, null);
  return {
    id: '01JEXAMPLENOTIFICATION0001',
    receiver: 'ops-team',
    groupKey: '{}:{alertname="HostDown", env="prod"}',
    groupLabels: { alertname: 'HostDown', env: 'prod' },
    firing: [web1, hostDown('web-2', FIXED_NOW - 540_000, null)],
    resolved: [hostDown('web-3', FIXED_NOW - 3_600_000, FIXED_NOW - 60_000)],
    links: {
      externalUrl: 'https://estate.example.com',
      alerts: 'https://estate.example.com/alerts?group=abc',
      silence: 'https://estate.example.com/alerts/silences/new?group=abc',
      acknowledge: 'https://estate.example.com/a/ack/SIGNED-ACK-TOKEN',
      resolve: 'https://estate.example.com/a/resolve/SIGNED-RESOLVE-TOKEN',
      alertUrls: { [labelsFingerprint(web1.labels)]: 'https://estate.example.com/alerting/rules/01J0000000000000000000HOST' },
    },
    impacted: ['Webshop', 'Payments API'],
    ...overrides,
  };
}

/** The same group once every alert has resolved. */
export function resolvedNotification(): Notification {
  const base = sampleNotification();
  const resolved = [...base.firing, ...base.resolved].map((a) => ({ ...a, state: 'inactive' as const, resolvedAt: FIXED_NOW - 30_000 }));
  return { ...base, id: '01JEXAMPLENOTIFICATION0002', firing: [], resolved };
}
