import { addressRefusal, checkNetworkPolicyAllowing, DEFAULT_CHECK_NETWORK_POLICY } from '@estate/checks/checks/outbound-connection';
import { describe, expect, it } from 'vitest';
import { checksAllowOf } from '../../../platform/config/checks-allow';
import { loadConfig } from '../../../platform/config/config';
import { ConfigError } from '../../../platform/config/config-error';

describe('ESTATE_CHECKS_ALLOW', () => {
  it('lifts link-local and cloud-metadata from what checks are refused, and nothing by default', () => {
    expect(checksAllowOf(loadConfig({}))).toEqual([]);
    expect(checkNetworkPolicyAllowing([])).toBe(DEFAULT_CHECK_NETWORK_POLICY);
    expect(addressRefusal('169.254.10.1', DEFAULT_CHECK_NETWORK_POLICY)?.class).toBe('linkLocal');

    const allowed = checksAllowOf(loadConfig({ ESTATE_CHECKS_ALLOW: ' Link-Local ' }));
    expect(allowed).toEqual(['linkLocal']);
    const policy = checkNetworkPolicyAllowing(allowed);
    expect(addressRefusal('169.254.10.1', policy)).toBeNull();
    expect(addressRefusal('fe80::1', policy)).toBeNull();
    // Only what was named: the metadata addresses inside link-local and multicast stay refused.
    expect(addressRefusal('169.254.169.254', policy)?.class).toBe('cloudMetadata');
    expect(addressRefusal('169.254.170.2', policy)?.class).toBe('cloudMetadata');
    expect(addressRefusal('169.254.169.254', checkNetworkPolicyAllowing(['linkLocal', 'cloudMetadata']))).toBeNull();
    expect(addressRefusal('224.0.0.1', policy)?.class).toBe('multicast');
    expect(checksAllowOf({ checksAllow: 'link-local,cloud-metadata' })).toEqual(['linkLocal', 'cloudMetadata']);
  });

  it('refuses anything else at startup, naming what it may hold', () => {
    expect(() => checksAllowOf({ checksAllow: 'link-local, multicast' })).toThrow(ConfigError);
    expect(() => checksAllowOf({ checksAllow: 'multicast' })).toThrow(/may name link-local and cloud-metadata/);
  });
});
