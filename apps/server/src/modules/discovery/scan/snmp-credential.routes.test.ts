import { Writable } from 'node:stream';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { createEstate, createLogger, type Estate } from '../../../app';
import { SecretBox } from '../../../platform/crypto/secret-box';
import type { ScanTables } from './scan.repository';
import { SnmpCredentialService } from './snmp-credential.service';

const COMMUNITY = 'c0mmunity-Secret-71';
const AUTH_KEY = 'auth-Key-Secret-52';
const PRIV_KEY = 'priv-Key-Secret-93';
const SECRETS = [COMMUNITY, AUTH_KEY, PRIV_KEY, 'new-Community-Secret-08'];
const BASE = '/api/v1/discovery/snmp-credentials';

const leaks = (text: string) => SECRETS.filter((s) => text.includes(s));

describe.each(testEngines())('SNMP credentials on $dialect', (engine) => {
  let t: TestEstate;
  let logged: Estate;
  let admin: Agent;
  const lines: string[] = [];

  beforeAll(async () => {
    t = await createTestEstate(engine);
    // The same store behind a second Estate that logs everything, to a buffer, through the production logger.
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    logged = await createEstate(t.config, t.database, { logger: createLogger('trace', sink) });
    admin = await t.setupAdmin();
  });
  afterAll(async () => {
    await logged?.close();
    await t?.close();
  });

  /** Sends a request through the logging Estate as the admin. */
  const send = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
    logged.http.inject({
      method: method as 'GET',
      url,
      headers: { cookie: admin.cookie!, 'x-csrf-token': admin.me!.csrfToken!, ...headers },
      ...(body !== undefined ? { payload: body as object } : {}),
    });

  it('creates v2c and v3 credentials and never answers, audits, stores in clear or logs a secret', async () => {
    const v2 = await send('POST', BASE, { name: 'lan v2c', snmpVersion: 'v2c', community: COMMUNITY });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json()).toMatchObject({ snmpVersion: 'v2c', configured: { community: true, authKey: false, privKey: false }, usedBy: 0 });
    const v3 = await send('POST', BASE, {
      name: 'core v3',
      snmpVersion: 'v3',
      user: 'estate',
      securityLevel: 'authPriv',
      authProtocol: 'sha256',
      authKey: AUTH_KEY,
      privProtocol: 'aes',
      privKey: PRIV_KEY,
    });
    expect(v3.statusCode, v3.body).toBe(201);
    expect(v3.json()).toMatchObject({
      user: 'estate',
      securityLevel: 'authPriv',
      configured: { community: false, authKey: true, privKey: true },
    });
    const id = v3.json().id as string;

    const renamed = await send('PATCH', `${BASE}/${id}`, { name: 'core v3 (renamed)' }, { 'if-match': v3.headers.etag as string });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const rotated = await send('PATCH', `${BASE}/${v2.json().id}`, { community: SECRETS[3] }, { 'if-match': v2.headers.etag as string });
    expect(rotated.statusCode, rotated.body).toBe(200);
    // Invalid input is refused without echoing the secret it carried.
    const refused = await send('POST', BASE, { name: 'bad', snmpVersion: 'v2c', community: COMMUNITY, authKey: AUTH_KEY });
    expect(refused.statusCode).toBe(400);

    const answers = [v2, v3, renamed, rotated, refused, await send('GET', BASE), await send('GET', `${BASE}/${id}`)];
    for (const answer of answers) expect(leaks(answer.body)).toEqual([]);

    const audit = await t.database.db.selectFrom('audit_events').selectAll().where('action', 'like', 'snmp_credential.%').execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      'snmp_credential.create',
      'snmp_credential.create',
      'snmp_credential.update',
      'snmp_credential.update',
    ]);
    expect(leaks(JSON.stringify(audit))).toEqual([]);
    const update = audit.find((a) => a.action === 'snmp_credential.update' && a.target_id === id)!;
    expect(JSON.stringify(update.before)).toContain('core v3');

    const stored = await t.database.db.selectFrom('snmp_credentials').selectAll().execute();
    expect(leaks(JSON.stringify(stored))).toEqual([]);

    expect(lines.length).toBeGreaterThan(5);
    // The redaction paths hold for a body logged whole, as a debugging line would.
    logged.logger.info({ body: { community: COMMUNITY, authKey: AUTH_KEY } }, 'a body');
    logged.logger.info({ req: { body: { privKey: PRIV_KEY } } }, 'a request');
    expect(leaks(lines.join('\n'))).toEqual([]);
    expect(lines.join('\n')).toContain('[redacted]');

    // The secrets are really there, sealed: the run service unseals them in memory.
    const service = new SnmpCredentialService(
      t.database.db as Kysely<ScanTables>,
      t.database.dialect,
      t.estate.audit,
      SecretBox.fromKeyFile(t.config.secretKeyFile),
    );
    const unsealed = await service.unseal([id, v2.json().id]);
    expect(unsealed).toEqual([
      {
        id,
        name: 'core v3 (renamed)',
        version: 'v3',
        user: 'estate',
        securityLevel: 'authPriv',
        authProtocol: 'sha256',
        authKey: AUTH_KEY,
        privProtocol: 'aes',
        privKey: PRIV_KEY,
      },
      { id: v2.json().id, name: 'lan v2c', version: 'v2c', community: SECRETS[3] },
    ]);
  });

  it('refuses incomplete or inconsistent credentials with the field at fault, and writes nothing', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'a', snmpVersion: 'v2c' }, 'body/community'],
      [{ name: 'b', snmpVersion: 'v3', user: 'u', securityLevel: 'authPriv', authProtocol: 'sha', authKey: AUTH_KEY }, 'body/privKey'],
      [{ name: 'c', snmpVersion: 'v3', securityLevel: 'noAuthNoPriv' }, 'body/user'],
      [{ name: 'd', snmpVersion: 'v3', user: 'u', securityLevel: 'noAuthNoPriv', authKey: AUTH_KEY }, 'body/authKey'],
      [{ name: 'e', snmpVersion: 'v3', user: 'u', securityLevel: 'authNoPriv', authProtocol: 'md5', authKey: 'short' }, 'body/authKey'],
    ];
    const before = await t.database.db.selectFrom('snmp_credentials').select('id').execute();
    for (const [body, path] of cases) {
      const res = await admin.request('POST', BASE, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(JSON.stringify(res.json().errors ?? []) + res.json().detail, JSON.stringify(body)).toContain(path.replace('body/', ''));
    }
    expect(await t.database.db.selectFrom('snmp_credentials').select('id').execute()).toHaveLength(before.length);
  });

  it('needs If-Match to change, drops secrets a lower level no longer uses, and refuses a taken name', async () => {
    const created = await admin.request('POST', BASE, {
      name: 'level change',
      snmpVersion: 'v3',
      user: 'ops',
      securityLevel: 'authPriv',
      authProtocol: 'sha',
      authKey: AUTH_KEY,
      privProtocol: 'des',
      privKey: PRIV_KEY,
    });
    const id = created.json().id;
    expect((await admin.request('PATCH', `${BASE}/${id}`, { name: 'x' })).statusCode).toBe(428);
    expect((await admin.request('PATCH', `${BASE}/${id}`, { name: 'x' }, { 'if-match': `"${id}.9"` })).statusCode).toBe(412);
    const lowered = await admin.request(
      'PATCH',
      `${BASE}/${id}`,
      { securityLevel: 'authNoPriv' },
      { 'if-match': created.headers.etag as string },
    );
    expect(lowered.statusCode, lowered.body).toBe(200);
    expect(lowered.json()).toMatchObject({
      securityLevel: 'authNoPriv',
      privProtocol: null,
      configured: { authKey: true, privKey: false },
      version: 2,
    });
    const taken = await admin.request('PATCH', `${BASE}/${id}`, { name: 'lan v2c' }, { 'if-match': lowered.headers.etag as string });
    expect(taken.statusCode).toBe(409);
  });

  it('refuses to delete a credential a scan uses, naming the scan, and deletes it once unused', async () => {
    const cred = await admin.request('POST', BASE, { name: 'in use', snmpVersion: 'v2c', community: COMMUNITY });
    const scan = await admin.request('POST', '/api/v1/discovery/scans', {
      name: 'uses it',
      targets: ['192.0.2.1'],
      credentialIds: [cred.json().id],
    });
    expect(scan.statusCode, scan.body).toBe(201);
    expect((await admin.request('GET', `${BASE}/${cred.json().id}`)).json().usedBy).toBe(1);
    const refused = await admin.request('DELETE', `${BASE}/${cred.json().id}`, undefined, { 'if-match': cred.headers.etag as string });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().detail).toContain('uses it');
    const freed = await admin.request(
      'PATCH',
      `/api/v1/discovery/scans/${scan.json().id}`,
      { credentialIds: [] },
      { 'if-match': scan.headers.etag as string },
    );
    expect(freed.statusCode, freed.body).toBe(200);
    const deleted = await admin.request('DELETE', `${BASE}/${cred.json().id}`, undefined, { 'if-match': cred.headers.etag as string });
    expect(deleted.statusCode).toBe(204);
    expect((await admin.request('GET', `${BASE}/${cred.json().id}`)).statusCode).toBe(404);
  });

  it('lets a viewer list credentials but not create them', async () => {
    const viewer = await t.userWithRole('viewer');
    expect((await viewer.request('GET', BASE)).statusCode).toBe(200);
    expect((await viewer.request('POST', BASE, { name: 'v', snmpVersion: 'v2c', community: COMMUNITY })).statusCode).toBe(403);
  });
});
