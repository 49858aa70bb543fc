import type { ActionLinkView, AlertEpisode } from '@estate/contract';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { newId } from '../../../platform/ids';

const ACTIONS = '/api/v1/alerting/actions';
const HOUR = 3_600_000;

describe.each(testEngines())('signed action links on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let anonymous: Agent;
  // biome-ignore lint/suspicious/noExplicitAny: the test store.
  let db: Kysely<any>;

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    anonymous = t.anonymous();
    db = t.estate.database.db;
  });
  afterAll(() => t?.close());

  /** Alerts sent in under `source`, notified in one incident as the engine's flush records it; their ids. */
  async function incident(key: string, names: string[], source = 'alertmanager'): Promise<string[]> {
    await t.estate.alerting.external.receive(
      names.map((alertname) => ({ labels: { alertname, incident: key }, annotations: { summary: `${alertname} broke` } })),
      source,
    );
    const rows = await db.selectFrom('alerts').select(['id', 'labels']).where('state', '!=', 'resolved').execute();
    const ids = rows.filter((r) => JSON.stringify(r.labels).includes(key)).map((r) => r.id as string);
    const at = Date.now() - 1000;
    for (const id of ids) {
      await db
        .insertInto('alert_events')
        .values({
          id: newId(),
          alert_id: id,
          at,
          kind: 'notified',
          actor: null,
          detail: JSON.stringify({ receiver: 'default', groupKey: key, incidentKey: key }),
        })
        .execute();
    }
    return ids;
  }
  const mint = (action: 'acknowledge' | 'resolve', key: string, issuedAt = Date.now(), ttl = 24 * HOUR) =>
    t.estate.alerting.actionLinks.mint(action, key, issuedAt, ttl);
  const alert = async (id: string) => (await admin.request('GET', `/api/v1/alerting/alerts/${id}`)).json().alert as AlertEpisode;

  it('shows signed-out what an acknowledge link will do without acting, then acknowledges the incident on POST, once', async () => {
    const ids = await incident('inc-ack', ['DiskFull', 'LoadHigh']);
    expect(ids).toHaveLength(2);
    const token = mint('acknowledge', 'inc-ack');
    const shown = await anonymous.request('GET', `${ACTIONS}/${token}`);
    expect(shown.statusCode, shown.body).toBe(200);
    const view = shown.json() as ActionLinkView;
    expect(view).toMatchObject({ action: 'acknowledge', status: 'ready' });
    expect(view.alerts.map((a) => a.name).sort()).toEqual(['DiskFull', 'LoadHigh']);
    // GET twice (a mail scanner, then the person): still nothing acknowledged.
    await anonymous.request('GET', `${ACTIONS}/${token}`);
    for (const id of ids) expect((await alert(id)).acknowledgedAt).toBeNull();

    const used = await anonymous.request('POST', `${ACTIONS}/${token}`, {});
    expect(used.statusCode, used.body).toBe(200);
    expect(used.json()).toMatchObject({ status: 'done' });
    expect((used.json() as ActionLinkView).acted?.sort()).toEqual([...ids].sort());
    for (const id of ids) expect((await alert(id)).acknowledgedAt).not.toBeNull();
    const detail = (await admin.request('GET', `/api/v1/alerting/alerts/${ids[0]}`)).json();
    expect(JSON.stringify(detail.timeline)).toContain('acknowledge link');
    const audit = await admin.request('GET', '/api/v1/audit-events?action=alert.acknowledge');
    expect(JSON.stringify(audit.json().items)).toContain('acknowledge link');

    const again = await anonymous.request('POST', `${ACTIONS}/${token}`, {});
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json().detail).toMatch(/already used/);
    expect((await anonymous.request('GET', `${ACTIONS}/${token}`)).json()).toMatchObject({ status: 'used' });
  });

  it("stops the incident's escalation, though no account acknowledged it", async () => {
    await incident('inc-esc', ['Paging']);
    const policy = await admin.request('POST', '/api/v1/escalation-policies', {
      name: 'Link policy',
      steps: [{ targets: [{ kind: 'user', userId: admin.me?.user.id }], delayMinutes: 5 }],
      repeat: 0,
    });
    expect(policy.statusCode, policy.body).toBe(201);
    await db
      .transaction()
      .execute((trx) => t.estate.alerting.oncall.start(trx, { incidentKey: 'inc-esc', policyId: policy.json().id, alert: {} }));
    const res = await anonymous.request('POST', `${ACTIONS}/${mint('acknowledge', 'inc-esc')}`, {});
    expect(res.json()).toMatchObject({ status: 'done' });
    const escalation = await db.selectFrom('escalations').selectAll().where('incident_key', '=', 'inc-esc').executeTakeFirstOrThrow();
    expect(escalation.acknowledged_at).not.toBeNull();
    expect(escalation.next_at).toBeNull();
  });

  it('answers an expired link clearly (410) and acts on nothing', async () => {
    const [id] = await incident('inc-old', ['Old']);
    const token = mint('acknowledge', 'inc-old', Date.now() - 2 * HOUR + 1000, HOUR);
    expect((await anonymous.request('GET', `${ACTIONS}/${token}`)).json()).toMatchObject({ status: 'expired' });
    const res = await anonymous.request('POST', `${ACTIONS}/${token}`, {});
    expect(res.statusCode).toBe(410);
    expect(res.json().detail).toMatch(/expired/);
    expect((await alert(id as string)).acknowledgedAt).toBeNull();
  });

  it('refuses a tampered token (404) and a link asked to do another action (403)', async () => {
    const [id] = await incident('inc-tamper', ['Tamper']);
    const token = mint('acknowledge', 'inc-tamper');
    const [payload, mac] = token.split('.') as [string, string];
    const other = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), a: 'resolve' })).toString(
      'base64url',
    );
    expect((await anonymous.request('POST', `${ACTIONS}/${other}.${mac}`, {})).statusCode).toBe(404);
    expect((await anonymous.request('GET', `${ACTIONS}/${other}.${mac}`)).statusCode).toBe(404);
    expect((await anonymous.request('POST', `${ACTIONS}/${token}`, { action: 'resolve' })).statusCode).toBe(403);
    expect((await alert(id as string)).state).toBe('firing');
    // The refused attempt did not use the link up.
    expect((await anonymous.request('POST', `${ACTIONS}/${token}`, { action: 'acknowledge' })).statusCode).toBe(200);
  });

  it("resolves alerts sent in from outside, and a rule's alert only says why not", async () => {
    const [outside] = await incident('inc-ext', ['External']);
    const res = await anonymous.request('POST', `${ACTIONS}/${mint('resolve', 'inc-ext')}`, {});
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'done' });
    expect((await alert(outside as string)).state).toBe('resolved');

    const [ruled] = await incident('inc-rule', ['FromRule'], 'rule:some-group');
    const refused = await anonymous.request('POST', `${ACTIONS}/${mint('resolve', 'inc-rule')}`, {});
    expect(refused.statusCode).toBe(200);
    expect(refused.json()).toMatchObject({ status: 'nothing' });
    expect(refused.json().message).toMatch(/comes from a rule/);
    expect((await alert(ruled as string)).state).not.toBe('resolved');
  });

  it('forgets used nonces only once their links have expired', async () => {
    await incident('inc-prune', ['Prune']);
    const token = mint('acknowledge', 'inc-prune');
    expect((await anonymous.request('POST', `${ACTIONS}/${token}`, {})).statusCode).toBe(200);
    const nonces = () => db.selectFrom('alerting_state').select(['key', 'until']).where('key', 'like', 'action-link:%').execute();
    const count = (await nonces()).length;
    expect(await t.estate.alerting.actionLinks.prune()).toBe(0);
    const [first] = await nonces();
    await db
      .updateTable('alerting_state')
      .set({ until: Date.now() - 1 })
      .where('key', '=', first?.key)
      .execute();
    expect(await t.estate.alerting.actionLinks.prune()).toBe(1);
    expect(await nonces()).toHaveLength(count - 1);
  });

  it('does not act on alerts notified in the incident after the link was minted', async () => {
    const token = mint('acknowledge', 'inc-later', Date.now() - 60_000);
    const [later] = await incident('inc-later', ['Later']);
    const res = await anonymous.request('POST', `${ACTIONS}/${token}`, {});
    expect(res.json()).toMatchObject({ status: 'nothing', alerts: [] });
    expect((await alert(later as string)).acknowledgedAt).toBeNull();
  });
});
