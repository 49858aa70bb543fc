import type { NotificationChannelType } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { createRequest, formErrorsOf, initialValues, testRequest, updateRequest } from './channel-form';

const WEBHOOK: NotificationChannelType = {
  type: 'webhook',
  title: 'Webhook',
  fields: [
    { name: 'url', label: 'URL', kind: 'url', required: true, secret: true },
    { name: 'method', label: 'Method', kind: 'enum', required: false, secret: false, default: 'POST', options: ['POST', 'PUT'] },
    { name: 'headers', label: 'Headers', kind: 'headers', required: false, secret: true },
    { name: 'retries', label: 'Retries', kind: 'integer', required: false, secret: false },
    { name: 'tags', label: 'Tags', kind: 'list', required: false, secret: false, default: ['a'] },
  ],
};

describe('channel form', () => {
  it('starts from the type’s defaults and sends secrets apart from the settings', () => {
    const values = initialValues(WEBHOOK);
    expect(values.fields).toMatchObject({ url: '', method: 'POST', tags: 'a' });
    values.name = ' Ops ';
    values.fields.url = 'https://hooks.example.com/x';
    values.fields.headers = 'Authorization: Bearer abc\nX-Team: ops';
    values.fields.retries = '3';
    values.fields.tags = 'a, b\nc';
    expect(createRequest(WEBHOOK, values)).toEqual({
      name: 'Ops',
      type: 'webhook',
      enabled: true,
      sendResolved: true,
      settings: { method: 'POST', retries: 3, tags: ['a', 'b', 'c'] },
      secrets: { url: 'https://hooks.example.com/x', headers: { Authorization: 'Bearer abc', 'X-Team': 'ops' } },
    });
  });

  it('an edit leaves secrets out unless typed again, so the stored ones stay', () => {
    const channel = {
      id: '0190a000-0000-7000-8000-000000000001',
      name: 'Ops',
      type: 'webhook',
      settings: { method: 'PUT', tags: [] },
      secretNames: ['url'],
      sendResolved: false,
      enabled: true,
      lastDelivery: null,
      createdAt: 1,
      updatedAt: 1,
      version: 1,
    };
    const values = initialValues(WEBHOOK, channel);
    expect(values.fields.url).toBe('');
    expect(updateRequest(WEBHOOK, values)).toEqual({ name: 'Ops', enabled: true, sendResolved: false, settings: { method: 'PUT' } });
    expect(testRequest(WEBHOOK, values, channel.id)).toMatchObject({ channelId: channel.id, secrets: {} });
  });

  it('puts the server’s field errors on the form’s fields', () => {
    expect(formErrorsOf({ 'secrets.url': 'is required', 'settings.method': 'bad', name: 'taken' })).toEqual({
      fields: { url: 'is required', method: 'bad' },
      other: { name: 'taken' },
    });
  });
});
