import { describe, expect, it } from 'vitest';
import { SecretBox } from '../../../platform/crypto/secret-box';
import type { Alert } from '../alert-model';
import { Notifier } from '../alerts/notifier';
import type { NotificationQueue } from '../channels/delivery.service';
import type { EscalationService } from '../oncall/oncall-part';
import type { Notification } from '../routing';
import { ActionTokens, LINK_KEY_PURPOSE } from './action-token';

const tokens = new ActionTokens(SecretBox.fromKey(Buffer.alloc(32, 3)).deriveKey(LINK_KEY_PURPOSE));
const AT = Date.UTC(2026, 11, 5);
const notifier = new Notifier({
  queue: {} as NotificationQueue,
  escalations: {} as EscalationService,
  publicUrl: 'https://estate.example.org/',
  mintLink: (action, key, at) => tokens.mint(action, key, at, 86_400_000),
});

function alert(source: string): Alert {
  return { labels: { alertname: 'A' }, annotations: {}, state: 'firing', activeAt: AT, firedAt: AT, resolvedAt: null, value: 1, source };
}
function notification(firing: Alert[], resolved: Alert[] = []): Notification {
  return {
    receiver: 'default',
    routePath: 'route',
    groupKey: '{}:{}',
    groupLabels: {},
    firing: firing.map((a) => ({ fingerprint: 'f', alert: a })),
    resolved: resolved.map((a) => ({ fingerprint: 'f', alert: a })),
    at: AT,
    dedupKey: 'd',
    incidentKey: 'incident-9',
  };
}
const tokenOf = (url: string | undefined) => {
  expect(url).toMatch(/^https:\/\/estate\.example\.org\/alerting\/actions\/[\w-]+\.[\w-]+$/);
  return (url as string).split('/').pop() as string;
};

describe('action links in messages', () => {
  it("puts an acknowledge link for the notification's incident, valid for a day from the flush, and no resolve link for rule alerts", () => {
    const links = notifier.message(notification([alert('rule:g1')])).links;
    const verdict = tokens.verify(tokenOf(links.acknowledge), AT, 'acknowledge');
    expect(verdict).toMatchObject({ ok: true, claims: { incidentKey: 'incident-9', issuedAt: AT, expiresAt: AT + 86_400_000 } });
    expect(links.resolve).toBeUndefined();
  });

  it('adds a resolve link when every firing alert was sent in from outside', () => {
    const links = notifier.message(notification([alert('alertmanager'), alert('events')])).links;
    expect(tokens.verify(tokenOf(links.resolve), AT, 'resolve').ok).toBe(true);
    expect(tokens.verify(tokenOf(links.resolve), AT, 'acknowledge')).toMatchObject({ ok: false, reason: 'wrong-action' });
  });

  it('carries no action links in a recovery message', () => {
    const links = notifier.message(notification([], [alert('alertmanager')])).links;
    expect(links.acknowledge).toBeUndefined();
    expect(links.resolve).toBeUndefined();
  });
});
