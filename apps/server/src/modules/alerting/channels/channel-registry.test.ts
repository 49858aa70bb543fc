import { describe, expect, it } from 'vitest';
import { BUILT_IN_CHANNELS, channelSecrets, channelType } from './channel-registry';
import { ChannelSettingsError } from './channel-settings';

function issuesOf(type: string, raw: unknown) {
  try {
    channelType(type)!.validate(raw);
  } catch (err) {
    if (err instanceof ChannelSettingsError) return err.issues;
    throw err;
  }
  return [];
}

describe('channel registry', () => {
  it('holds every channel of the issue once', () => {
    expect(BUILT_IN_CHANNELS.map((c) => c.type).sort()).toEqual(
      [
        'alertmanager-webhook',
        'discord',
        'email',
        'googlechat',
        'gotify',
        'matrix',
        'mattermost',
        'msteams',
        'ntfy',
        'opsgenie',
        'pagerduty',
        'pushover',
        'slack',
        'telegram',
        'webhook',
      ].sort(),
    );
  });

  it('declares every credential as a secret, so storage seals it', () => {
    expect(channelSecrets('email').sort()).toEqual(['accessToken', 'password']);
    expect(channelSecrets('webhook').sort()).toEqual(['headers', 'signingSecret', 'url']);
    expect(channelSecrets('alertmanager-webhook').sort()).toEqual(['bearerToken', 'password', 'url']);
    for (const type of ['slack', 'msteams', 'discord', 'mattermost', 'googlechat']) expect(channelSecrets(type)).toEqual(['url']);
    expect(channelSecrets('telegram')).toEqual(['botToken']);
    expect(channelSecrets('ntfy').sort()).toEqual(['accessToken', 'password']);
    expect(channelSecrets('pushover').sort()).toEqual(['apiToken', 'userKey']);
    expect(channelSecrets('gotify')).toEqual(['appToken']);
    expect(channelSecrets('matrix')).toEqual(['accessToken']);
    expect(channelSecrets('pagerduty')).toEqual(['routingKey']);
    expect(channelSecrets('opsgenie')).toEqual(['apiKey']);
    expect(channelSecrets('nope')).toEqual([]);
  });

  it('names each bad field, without repeating a secret value', () => {
    expect(issuesOf('slack', {})).toEqual([{ field: 'url', message: 'is required' }]);
    const bad = issuesOf('slack', { url: 'hooks.slack.com/services/SECRET', colour: 'red' });
    expect(bad).toEqual([
      { field: 'colour', message: 'is not a setting of this channel' },
      { field: 'url', message: 'must be an absolute URL' },
    ]);
    expect(JSON.stringify(bad)).not.toContain('SECRET');
    expect(issuesOf('slack', { url: 'ftp://x.example/' })).toEqual([{ field: 'url', message: 'must be a http or https URL' }]);
    expect(issuesOf('pagerduty', { routingKey: 'short', severity: 'urgent' }).map((i) => i.field)).toEqual(['severity']);
    expect(issuesOf('pagerduty', { routingKey: 'short' })).toEqual([
      { field: 'routingKey', message: 'must be the 32-character integration key' },
    ]);
    expect(issuesOf('telegram', { botToken: 'x', chatId: 'general' }).map((i) => i.field)).toEqual(['botToken', 'chatId']);
    expect(issuesOf('ntfy', { topic: 'a b', priority: 9 }).map((i) => i.field)).toEqual(['priority']);
    expect(issuesOf('webhook', { url: 'https://x.example', headers: { 'Content-Length': '1', 'Bad Name': 'x' } })).toEqual([
      { field: 'headers', message: '"Bad Name" is not a valid header name' },
    ]);
  });

  it('refuses a template that does not parse, naming the field and line', () => {
    expect(issuesOf('slack', { url: 'https://hooks.slack.com/x', text: 'ok\n{% if %}' })).toEqual([
      { field: 'text', message: expect.stringMatching(/^line 2, column \d+: /) },
    ]);
    expect(issuesOf('webhook', { url: 'https://x.example', body: "{% include 'secrets' %}" })).toEqual([
      { field: 'body', message: expect.stringContaining('not available in notification templates') },
    ]);
  });

  it('every channel renders the default message without any template set', async () => {
    const { sampleNotification, FIXED_NOW } = await import('./notification.fixtures');
    const minimal: Record<string, Record<string, unknown>> = {
      email: { host: 'smtp.example.com', from: 'a@example.com', to: ['b@example.com'] },
      webhook: { url: 'https://x.example' },
      'alertmanager-webhook': { url: 'https://x.example' },
      slack: { url: 'https://x.example' },
      msteams: { url: 'https://x.example' },
      discord: { url: 'https://x.example' },
      mattermost: { url: 'https://x.example' },
      googlechat: { url: 'https://x.example' },
      telegram: { botToken: '1:a', chatId: '1' },
      ntfy: { topic: 't' },
      pushover: { apiToken: 'a'.repeat(30), userKey: 'u'.repeat(30) },
      gotify: { serverUrl: 'https://g.example', appToken: 't' },
      matrix: { homeserverUrl: 'https://m.example', roomId: '!r:m.example', accessToken: 't' },
      pagerduty: { routingKey: 'k'.repeat(32) },
      opsgenie: { apiKey: 'k' },
    };
    for (const channel of BUILT_IN_CHANNELS) {
      const message = await channel.render(channel.validate(minimal[channel.type]), sampleNotification(), FIXED_NOW);
      expect(JSON.stringify(message), channel.type).toContain('web-1');
    }
  });
});
