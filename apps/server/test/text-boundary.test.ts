import { generateKeyPairSync } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../src/platform/audit/audit-log';
import { type Agent, createTestEstate, type TestEstate, testEngines } from './harness';

/**
 * Text the stores cannot keep as sent never gets past the JSON boundary: a lone UTF-16 surrogate (`\ud800` in JSON)
 * is refused with a 400 naming the field, on every route and both engines, before anything is audited or stored;
 * and JSON declared in another charset than UTF-8 is refused with a 415 instead of being read as UTF-8.
 */

const PROBLEM = /^application\/problem\+json/;

function expectRefusedAt(res: LightMyRequestResponse, path: string, unit: string): void {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.headers['content-type']).toMatch(PROBLEM);
  const body = res.json() as { type: string; errors: { path: string; message: string }[] };
  expect(body.type).toBe('urn:estate:problem:validation');
  expect(body.errors).toEqual([{ path, message: expect.stringContaining(`lone surrogate \\${unit}`) }]);
}

for (const engine of testEngines()) {
  describe(`the text boundary on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let seqBefore: number;
    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      seqBefore = (await new AuditLog(t.database).list({ limit: 1 })).items[0]!.seq;
    });
    afterAll(() => t?.close());

    const post = (url: string, json: string, headers: Record<string, string> = {}, as?: Agent) =>
      as
        ? as.request('POST', url, json, { 'content-type': 'application/json', ...headers })
        : t.estate.http.inject({ method: 'POST', url, payload: json, headers: { 'content-type': 'application/json', ...headers } });

    it('refuses a lone surrogate in an anonymous sign-in before it is audited', async () => {
      expectRefusedAt(
        await post('/api/v1/auth/login', '{"email":"\\ud800@example.com","password":"not the password"}'),
        'body/email',
        'ud800',
      );
      expectRefusedAt(await post('/api/v1/auth/login', '{"email":"a@example.com","password":"x\\udfffy"}'), 'body/password', 'udfff');
    });

    it('refuses lone surrogates on public and signed-in write routes alike, in values and keys', async () => {
      // Valid but for the hostname: the token is wrong, so before this boundary PostgreSQL failed auditing the refusal.
      const publicKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const enroll = `{"token":"not-a-token","publicKey":${JSON.stringify(publicKey)},"hostname":"host-\\ud800","version":"1"}`;
      expectRefusedAt(await post('/api/v1/agent/enroll', enroll), 'body/hostname', 'ud800');
      expectRefusedAt(await post('/api/v1/tokens', '{"name":"ci \\udc00","scopes":["self"]}', {}, admin), 'body/name', 'udc00');
      expectRefusedAt(await post('/api/v1/saved-views', '{"name":"\\udbff view","query":{}}', {}, admin), 'body/name', 'udbff');
      const ci = '{"type":"server","name":"web","attributes":{"ok":["x","\\ud83d"]}}';
      expectRefusedAt(await post('/api/v1/cis', ci, {}, admin), 'body/attributes/ok/1', 'ud83d');
      const key = await post('/api/v1/cis', '{"type":"server","name":"web","attributes":{"\\ud800k":1}}', {}, admin);
      expectRefusedAt(key, 'body/attributes/\ufffdk', 'ud800');
      expect(key.json().errors[0].message).toMatch(/^key /);
    });

    it('accepts surrogate pairs, escaped or raw', async () => {
      const escaped = await post('/api/v1/tokens', '{"name":"rocket \\ud83d\\ude80","scopes":["self"]}', {}, admin);
      expect(escaped.statusCode, escaped.body).toBe(201);
      expect(escaped.json().apiToken.name).toBe('rocket 🚀');
      const raw = await post('/api/v1/tokens', '{"name":"rocket 🚀","scopes":["self"]}', {}, admin);
      expect(raw.statusCode, raw.body).toBe(201);
    });

    it('refuses JSON declared in a charset other than UTF-8 with 415, and takes UTF-8 however it is spelt', async () => {
      for (const charset of ['utf-16', 'UTF-16LE', 'iso-8859-1', '"utf-32"', 'x']) {
        const res = await post('/api/v1/auth/login', '{"email":"a@example.com","password":"not the password"}', {
          'content-type': `application/json; charset=${charset}`,
        });
        expect(res.statusCode, `${charset}: ${res.body}`).toBe(415);
        expect(res.headers['content-type']).toMatch(PROBLEM);
        expect(res.json().type).toBe('urn:estate:problem:unsupported-media-type');
      }
      for (const charset of ['utf-8', 'UTF-8', '"utf-8"', 'utf8']) {
        const res = await post(
          '/api/v1/saved-views',
          '{"name":"v","query":{}}',
          { 'content-type': `application/json;charset=${charset}` },
          admin,
        );
        expect(res.statusCode, `${charset}: ${res.body}`).toBe(201);
      }
    });

    it('audited nothing it refused, and the chain verifies', async () => {
      const audit = new AuditLog(t.database);
      const actions = (await audit.list({ limit: 100 })).items.filter((e) => e.seq > seqBefore).map((e) => e.action);
      expect(actions.every((a) => a === 'token.create' || a === 'saved_view.create')).toBe(true);
      expect(await audit.verify()).toMatchObject({ ok: true, breakCount: 0 });
    });
  });
}
