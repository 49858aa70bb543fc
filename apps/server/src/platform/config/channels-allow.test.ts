import { describe, expect, it } from 'vitest';
import { channelsAllowOf } from './channels-allow';
import { ConfigError, loadConfig } from './config';

describe('ESTATE_CHANNELS_ALLOW', () => {
  it('lifts nothing unless set', () => {
    expect(channelsAllowOf(loadConfig({}))).toEqual({ classes: [], ranges: [] });
  });

  it('lifts classes by name and CIDR ranges, any case and spacing', () => {
    expect(channelsAllowOf(loadConfig({ ESTATE_CHANNELS_ALLOW: ' Loopback, private ,10.20.0.0/16,fd00::/8' }))).toEqual({
      classes: ['loopback', 'private'],
      ranges: ['10.20.0.0/16', 'fd00::/8'],
    });
    expect(channelsAllowOf({ channelsAllow: 'link-local,cloud-metadata' }).classes).toEqual(['linkLocal', 'cloudMetadata']);
  });

  it('refuses anything else at startup, naming what it may be', () => {
    expect(() => channelsAllowOf({ channelsAllow: 'loopback,multicast' })).toThrow(ConfigError);
    expect(() => channelsAllowOf({ channelsAllow: '10.0.0.0/33' })).toThrow(
      /may name loopback, private, link-local, cloud-metadata or CIDR ranges/,
    );
  });
});
