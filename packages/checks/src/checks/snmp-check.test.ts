import { describe, expect, it } from 'vitest';
import { CheckConfigError, CheckTypeRegistry } from './check-executor';
import { policyWithNames } from './check-servers.fixtures';
import { snmpCheck } from './snmp-check';
import { snmpInterfacesCheck } from './snmp-interfaces-check';

const credentials = async () => undefined;

/** The field a configuration is refused on with its message, or "accepted". */
function refusal(validate: () => unknown): string {
  try {
    validate();
    return 'accepted';
  } catch (err) {
    if (err instanceof CheckConfigError) return err.message;
    throw err;
  }
}

describe('snmp check: configuration', () => {
  const check = snmpCheck(undefined, credentials);
  const community = { community: 'c0mm' };
  const refused = (config: Record<string, unknown>, secrets: Record<string, string> = community) =>
    refusal(() => check.validate(config, secrets));

  it('takes OIDs to GET with optional names, or one subtree to walk, and fills the defaults', () => {
    expect(
      check.validate({ host: '[::1]', oids: ['.1.3.6.1.2.1.1.3.0', { oid: '1.3.6.1.2.1.1.5.0', name: 'sysName' }] }, community),
    ).toMatchObject({
      target: { host: '::1', port: 161, auth: { version: 'v2c', community: 'c0mm' }, timeoutMs: 2000, retries: 1 },
      get: [{ oid: '1.3.6.1.2.1.1.3.0' }, { oid: '1.3.6.1.2.1.1.5.0', name: 'sysName' }],
      conditionSources: ['[CONNECTED] == true'],
    });
    expect(check.validate({ host: 'sw1', walk: '1.3.6.1.2.1.2.2.1.2', maxValues: 10 }, community)).toMatchObject({
      walk: { oid: '1.3.6.1.2.1.2.2.1.2' },
      maxValues: 10,
    });
    expect(check.target(check.validate({ host: 'sw1', port: 1161, oids: ['1.3.6.1.2.1.1.3.0'] }, community))).toBe('sw1:1161');
  });

  it('names the field of a bad OID, name, list or limit', () => {
    expect(refused({ host: 'sw1', oids: ['1.3.6.1.2.1.1.3.0', 'sysUpTime.0'] })).toBe(
      'oids[1]: must be a numeric OID such as 1.3.6.1.2.1.1.3.0, not "sysUpTime.0"',
    );
    expect(refused({ host: 'sw1', oids: [{ oid: '1.3.6.x' }] })).toMatch(/^oids\[0\]\.oid: must be a numeric OID/);
    expect(refused({ host: 'sw1', oids: ['4.1.2'] })).toMatch(/^oids\[0\]: must be a numeric OID/);
    expect(refused({ host: 'sw1', walk: '1.3.6.1.2.1.1.01' })).toMatch(/^walk: must be a numeric OID/);
    expect(refused({ host: 'sw1', oids: [{ oid: '1.3.6.1.2.1.1.3.0', name: 'up time' }] })).toMatch(/^oids\[0\]\.name: must be a word/);
    expect(refused({ host: 'sw1', oids: ['1.3.6.1.2.1.1.3.0', '1.3.6.1.2.1.1.3.0'] })).toBe('oids[1]: 1.3.6.1.2.1.1.3.0 is asked twice');
    expect(refused({ host: 'sw1', oids: [] })).toBe('oids: must be a list of 1 to 64 OIDs');
    expect(refused({ host: 'sw1' })).toMatch(/^oids: give either oids .* or walk/);
    expect(refused({ host: 'sw1', oids: ['1.3.6.1.2.1.1.3.0'], walk: '1.3.6.1.2.1.1' })).toMatch(/^oids: give either/);
    expect(refused({ host: 'sw1', oids: ['1.3.6.1.2.1.1.3.0'], maxValues: 5 })).toBe('maxValues: applies to a walk only');
    expect(refused({ host: 'sw1', walk: '1.3.6.1.2.1.1', maxValues: 5000 })).toBe('maxValues: must be a whole number from 1 to 1000');
    expect(refused({ oids: ['1.3.6.1.2.1.1.3.0'] })).toBe('host: a host name or address is required');
    expect(refused({ host: 'sw1', port: 0, oids: ['1.3.6.1.2.1.1.3.0'] })).toBe('port: must be a whole number from 1 to 65535');
    expect(refused({ host: 'sw1', oids: ['1.3.6.1.2.1.1.3.0'], timeoutMs: 5 })).toBe('timeoutMs: must be a whole number from 100 to 60000');
    expect(refused({ host: 'sw1', oids: ['1.3.6.1.2.1.1.3.0'], conditions: ['[STATUS] == 200'] })).toMatch(/^conditions\[0\]: .*\[VALUE\]/);
  });

  it('needs a community for v1 and v2c, a user and the keys its level needs for v3, and refuses what a login does not use', () => {
    const oids = ['1.3.6.1.2.1.1.3.0'];
    expect(refused({ host: 'sw1', oids }, {})).toMatch(/^secrets\.community: is required for SNMP v2c, unless credentialId/);
    expect(refused({ host: 'sw1', oids, version: 'v2' })).toBe('version: must be one of v1, v2c, v3');
    expect(refused({ host: 'sw1', oids, version: 'v1', user: 'u' })).toBe('user: is not used by SNMP v1');
    expect(refused({ host: 'sw1', oids, version: 'v3' }, {})).toBe('user: the SNMP v3 user is required');
    expect(refused({ host: 'sw1', oids, version: 'v3', user: 'u' })).toBe(
      'secrets.community: is not used by SNMP v3 (it has users and keys)',
    );
    expect(refused({ host: 'sw1', oids, version: 'v3', user: 'u', securityLevel: 'authPriv' }, { authKey: 'a' })).toBe(
      'secrets.privKey: is required at security level authPriv',
    );
    expect(refused({ host: 'sw1', oids, version: 'v3', user: 'u', authProtocol: 'sha' }, {})).toBe(
      'authProtocol: is not used at security level noAuthNoPriv',
    );
    expect(check.validate({ host: 'sw1', oids, version: 'v3', user: 'u' }, { authKey: 'a', privKey: 'p' }).target.auth).toEqual({
      version: 'v3',
      user: 'u',
      securityLevel: 'authPriv',
      authProtocol: 'sha',
      authKey: 'a',
      privProtocol: 'aes',
      privKey: 'p',
    });
  });

  it('takes a stored credential by id instead of secrets, only where credentials can be looked up', () => {
    const oids = ['1.3.6.1.2.1.1.3.0'];
    expect(check.validate({ host: 'sw1', oids, credentialId: 'cred-1' }, {}).target).toMatchObject({ credentialId: 'cred-1' });
    expect(check.validate({ host: 'sw1', oids, credentialId: 'cred-1' }, {}).target.auth).toBeUndefined();
    expect(refused({ host: 'sw1', oids, credentialId: 'cred-1' })).toBe(
      'secrets.community: is not used with credentialId: the credential holds the secrets',
    );
    expect(refused({ host: 'sw1', oids, credentialId: 'cred-1', version: 'v3' }, {})).toBe(
      'version: is set by the credential named in credentialId',
    );
    expect(refusal(() => snmpCheck().validate({ host: 'sw1', oids, credentialId: 'cred-1' }, {}))).toMatch(
      /^credentialId: SNMP credentials cannot be looked up here/,
    );
  });

  it('is unknown when its stored credential no longer exists, and down when the policy refuses the agent', async () => {
    const registry = new CheckTypeRegistry([snmpCheck(policyWithNames({}), credentials)]);
    const missing = await registry
      .prepare('snmp', { host: '127.0.0.1', oids: ['1.3.6.1.2.1.1.3.0'], credentialId: 'gone' })
      .run(new AbortController().signal);
    expect(missing.status).toBe('unknown');
    expect(missing.message).toBe('The check could not run: the SNMP credential gone no longer exists; choose another one for the check');

    const metadata = await registry
      .prepare('snmp', { host: '169.254.169.254', oids: ['1.3.6.1.2.1.1.3.0'] }, { secrets: community })
      .run(new AbortController().signal);
    expect(metadata.status).toBe('down');
    expect(metadata.message).toMatch(/^The outbound policy refuses 169\.254\.169\.254: link-local/);
    const named = await registry
      .prepare('snmp', { host: 'metadata.test', oids: ['1.3.6.1.2.1.1.3.0'] }, { secrets: community })
      .run(new AbortController().signal);
    expect(named.message).toBe('DNS lookup failed: metadata.test has no address (ENOTFOUND)');
  });
});

describe('snmp-interfaces check: configuration', () => {
  const check = snmpInterfacesCheck(undefined, credentials);

  it('takes interface names or patterns, and refuses an empty list or a bad condition', () => {
    expect(check.validate({ host: 'sw1', interfaces: [' eth0 ', 'Gi0/*'] }, { community: 'c' })).toMatchObject({
      interfaces: ['eth0', 'Gi0/*'],
      conditionSources: ['[CONNECTED] == true', '[INTERFACES_DOWN] == 0'],
    });
    expect(refusal(() => check.validate({ host: 'sw1', interfaces: [] }, { community: 'c' }))).toMatch(
      /^interfaces: must be a list of 1 to 64/,
    );
    expect(refusal(() => check.validate({ host: 'sw1', interfaces: 'eth0' }, { community: 'c' }))).toMatch(/^interfaces: /);
    expect(refusal(() => check.validate({ host: 'sw1', conditions: ['[UTILISATION] < high'] }, { community: 'c' }))).toMatch(
      /^conditions\[0\]: .*expected a number for \[UTILISATION\]/,
    );
    expect(refusal(() => check.validate({ host: 'sw1', conditions: ['[VALUE] == 1'] }, { community: 'c' }))).toMatch(/^conditions\[0\]: /);
  });
});
