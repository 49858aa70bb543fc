import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { peersTier, SNMPD, startSnmpd, type TestSnmpd } from './checks/snmp.peers.test-support';

const CHECKS = '/api/v1/checks';
const SYS_SERVICES = '1.3.6.1.2.1.1.7.0';

describe.runIf(peersTier(['snmpd']))('SNMP checks through the API, with a discovery credential, against Debian snmpd', () => {
  let snmpd: TestSnmpd | undefined;
  beforeAll(async () => {
    snmpd = await startSnmpd();
  });
  afterAll(() => snmpd?.stop());

  describe.each(testEngines())('on $dialect', (engine) => {
    let t: TestEstate;
    let admin: Agent;
    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
    });
    afterAll(async () => {
      await t?.close();
    });

    it('offers both SNMP types with their secrets', async () => {
      const items = (await admin.request('GET', '/api/v1/check-types')).json().items as {
        type: string;
        secretNames: string[];
        placeholders: string[];
      }[];
      expect(items.find((i) => i.type === 'snmp')).toMatchObject({ secretNames: ['community', 'authKey', 'privKey'] });
      expect(items.find((i) => i.type === 'snmp-interfaces')?.placeholders).toEqual(
        expect.arrayContaining(['[INTERFACES_DOWN]', '[UTILISATION]', '[ERRORS_PER_SECOND]']),
      );
    });

    it('runs a check that names a stored credential, records its values as series, and refuses a community in the config', async () => {
      const credential = await admin.request('POST', '/api/v1/discovery/snmp-credentials', {
        name: `check peer ${engine.dialect}`,
        snmpVersion: 'v3',
        user: SNMPD.v3User,
        securityLevel: 'authPriv',
        authProtocol: 'sha',
        authKey: SNMPD.v3AuthKey,
        privProtocol: 'aes',
        privKey: SNMPD.v3PrivKey,
      });
      expect(credential.statusCode, credential.body).toBe(201);
      const config = {
        host: '127.0.0.1',
        port: snmpd!.port,
        credentialId: credential.json().id,
        oids: [{ oid: SYS_SERVICES, name: 'services' }],
      };
      const created = await admin.request('POST', CHECKS, { name: 'peer services', type: 'snmp', config, conditions: ['[VALUE] == 72'] });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().target).toBe(`127.0.0.1:${snmpd!.port}`);

      const run = await admin.request('POST', `${CHECKS}/${created.json().id}/run`);
      expect(run.statusCode, run.body).toBe(200);
      expect(run.json().result).toMatchObject({ status: 'up', conditions: [{ condition: '[VALUE] == 72', passed: true }] });
      const series = await t.estate.metrics.store.select(
        [{ name: '__name__', op: '=', value: 'estate_snmp_value' }],
        0,
        Date.now() + 60_000,
      );
      expect(series.map((s) => ({ ...s.labels, v: s.samples.at(-1)?.[1] }))).toContainEqual(
        expect.objectContaining({ check_id: created.json().id, oid: SYS_SERVICES, name: 'services', v: 72 }),
      );
      expect(run.body).not.toContain(SNMPD.v3AuthKey);

      const inline = await admin.request('POST', CHECKS, {
        name: 'community in config',
        type: 'snmp',
        config: { host: '127.0.0.1', oids: [SYS_SERVICES], community: SNMPD.community },
      });
      expect(inline.statusCode).toBe(400);
      expect(inline.body).toContain('config.community');
    });
  });
});
