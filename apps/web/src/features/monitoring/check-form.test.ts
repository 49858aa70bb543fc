import type { Check, CheckTypeInfo } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import {
  checkFormValues,
  configOf,
  createRequest,
  exampleJson,
  formErrorsOf,
  parseHeaders,
  testRequest,
  updateRequest,
} from './check-form';

const HTTP: CheckTypeInfo = {
  type: 'http',
  placeholders: ['[STATUS]', '[BODY]'],
  defaultConditions: ['[STATUS] < 400'],
  secretNames: ['password', 'token'],
  example: { url: 'https://example.org/health' },
};
const DNS: CheckTypeInfo = {
  type: 'dns',
  placeholders: ['[DNS_RCODE]'],
  defaultConditions: ['[DNS_RCODE] == NOERROR'],
  secretNames: [],
  example: { name: 'example.org', recordType: 'A' },
};

/** A type newer than the form, which has no fields for it. */
const LDAP: CheckTypeInfo = {
  type: 'ldap',
  placeholders: ['[CONNECTED]'],
  defaultConditions: ['[CONNECTED] == true'],
  secretNames: [],
  example: { host: 'ldap.example.org', port: 389, starttls: true },
};

const saved: Check = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'API',
  type: 'http',
  enabled: true,
  target: 'https://api.example.org/health',
  intervalSeconds: 30,
  timeoutSeconds: 5,
  retries: 2,
  config: {
    url: 'https://api.example.org/health',
    method: 'GET',
    headers: { Accept: 'application/json' },
    auth: { type: 'basic', username: 'probe' },
  },
  conditions: ['[STATUS] == 200'],
  warningConditions: [],
  secretNames: ['password'],
  ciIds: [],
  pushToken: null,
  agentId: null,
  status: { state: 'up', since: 1, lastRunAt: 1, lastDurationMs: 3, lastMessage: 'ok', consecutiveFailures: 0, flapping: false },
  createdAt: 1,
  updatedAt: 1,
  version: 3,
};

describe('check form', () => {
  it('starts a new check with the type’s default conditions and the CI it was opened for', () => {
    const values = checkFormValues({ type: HTTP, ciIds: ['ci-1'] });
    expect(values).toMatchObject({ type: 'http', intervalSeconds: 60, enabled: true, conditions: ['[STATUS] < 400'], ciIds: ['ci-1'] });
  });

  it('builds an HTTP request from the fields, the password only with basic auth', () => {
    const values = checkFormValues({ type: HTTP });
    values.name = ' Health ';
    values.http = {
      ...values.http,
      url: 'http://127.0.0.1:9/health',
      headers: 'Accept: application/json\n\n',
      auth: 'basic',
      username: 'probe',
    };
    values.conditions = ['[STATUS] == 200', '  ', '[BODY].ok == true'];
    values.secrets = { password: 's3cret', token: 'left over' };
    const built = createRequest(values, HTTP);
    expect('request' in built && built.request).toEqual({
      name: 'Health',
      type: 'http',
      enabled: true,
      intervalSeconds: 60,
      timeoutSeconds: 10,
      retries: 0,
      config: {
        url: 'http://127.0.0.1:9/health',
        method: 'GET',
        headers: { Accept: 'application/json' },
        auth: { type: 'basic', username: 'probe' },
        followRedirects: true,
        maxRedirects: 10,
        verifyTls: true,
      },
      conditions: ['[STATUS] == 200', '[BODY].ok == true'],
      warningConditions: [],
      secrets: { password: 's3cret' },
      ciIds: [],
    });
  });

  it('reads a saved HTTP check back into the fields, secrets blank', () => {
    const values = checkFormValues({ check: saved });
    expect(values.http).toMatchObject({
      url: 'https://api.example.org/health',
      headers: 'Accept: application/json',
      auth: 'basic',
      username: 'probe',
    });
    expect(values.secrets).toEqual({});
    expect(values.conditions).toEqual(['[STATUS] == 200']);
  });

  it('keeps a stored secret left blank, and removes one the settings no longer use', () => {
    const kept = updateRequest(checkFormValues({ check: saved }), saved, HTTP);
    expect('request' in kept && kept.request.secrets).toBeUndefined();
    const values = checkFormValues({ check: saved });
    values.http.auth = 'bearer';
    values.secrets = { token: 't0ken' };
    const switched = updateRequest(values, saved, HTTP);
    expect('request' in switched && switched.request).toMatchObject({
      config: { auth: { type: 'bearer' } },
      secrets: { password: '', token: 't0ken' },
    });
    expect('request' in switched && 'type' in switched.request).toBe(false);
  });

  it('reads the JSON configuration of other types, and says when it is not a JSON object', () => {
    const values = checkFormValues({ type: LDAP });
    values.configJson = '{"host": "ldap.example.org", "port": 636}';
    expect(configOf(values)).toEqual({ config: { host: 'ldap.example.org', port: 636 } });
    values.configJson = '{"name": ';
    const broken = configOf(values);
    expect('errors' in broken && broken.errors.configJson).toMatch(/^Not valid JSON/);
    values.configJson = '["example.org"]';
    expect(configOf(values)).toEqual({ errors: { configJson: 'The configuration must be a JSON object: { "name": value, … }' } });
  });

  it('sends the agent of an agent-side check, and no agent for a server-side one', () => {
    const nagios: CheckTypeInfo = { type: 'nagios', placeholders: [], defaultConditions: [], secretNames: [], example: {} };
    const values = checkFormValues({ type: nagios });
    values.name = 'Load';
    values.nagios.plugin = 'load';
    values.agentId = '0190a000-0000-7000-8000-0000000002a1';
    const created = createRequest(values, nagios);
    expect('request' in created && created.request).toMatchObject({ type: 'nagios', agentId: '0190a000-0000-7000-8000-0000000002a1' });
    expect(testRequest(values, nagios)).toEqual({
      errors: { agentId: 'An agent-side check runs only on its agent: save it and watch its first result.' },
    });
    const onServer = createRequest(checkFormValues({ type: DNS }), DNS);
    expect('request' in onServer && 'agentId' in onServer.request).toBe(false);
    expect(checkFormValues({ check: { ...saved, type: 'nagios', agentId: 'a1' } }).agentId).toBe('a1');
  });

  it('sends the remote collector of a network check, and moves it back to the server when the agent is cleared', () => {
    const values = checkFormValues({ check: saved });
    values.agentId = '0190a000-0000-7000-8000-0000000002a1';
    const created = createRequest(values, HTTP);
    expect('request' in created && created.request.agentId).toBe('0190a000-0000-7000-8000-0000000002a1');
    const collected = { ...saved, agentId: '0190a000-0000-7000-8000-0000000002a1' };
    const back = checkFormValues({ check: collected });
    back.agentId = null;
    const update = updateRequest(back, collected, HTTP);
    expect('request' in update && update.request.agentId).toBeNull();
    const unchanged = updateRequest(checkFormValues({ check: collected }), collected, HTTP);
    expect('request' in unchanged && unchanged.request.agentId).toBe('0190a000-0000-7000-8000-0000000002a1');
  });

  it('names a header line without a colon', () => {
    expect(parseHeaders('Accept: a\nX-Token: b:c')).toEqual({ headers: { Accept: 'a', 'X-Token': 'b:c' } });
    expect(parseHeaders('Accept')).toEqual({ error: '"Accept" is not a header: write Name: value' });
  });

  it('tests with the saved check’s id so its stored secrets stand in', () => {
    const built = testRequest(checkFormValues({ check: saved }), HTTP, saved.id);
    expect('request' in built && built.request).toMatchObject({ type: 'http', checkId: saved.id, timeoutSeconds: 5 });
    expect('request' in built && 'secrets' in built.request).toBe(false);
  });

  it('puts the server’s field errors on the fields that hold them', () => {
    expect(
      formErrorsOf({ 'config.url': 'is required', 'conditions.1': 'unknown placeholder', intervalSeconds: 'too small' }, 'http'),
    ).toEqual({
      'http.url': 'is required',
      'conditions.1': 'unknown placeholder',
      intervalSeconds: 'too small',
    });
    expect(formErrorsOf({ 'config.auth.username': 'may not contain a colon', 'config.maxBodyBytes': 'too big' }, 'http')).toEqual({
      'http.username': 'may not contain a colon',
      config: 'maxBodyBytes: too big',
    });
    expect(formErrorsOf({ 'config.port': 'must be 1–65535' }, 'tcp')).toEqual({ 'tcp.port': 'must be 1–65535' });
    expect(formErrorsOf({ 'conditions[2]': 'unknown placeholder [FOO]', 'ciIds[0]': 'no configuration item x' }, 'tcp')).toEqual({
      'conditions.2': 'unknown placeholder [FOO]',
      ciIds: 'no configuration item x',
    });
    expect(formErrorsOf({ 'config.host': 'is required', 'config.helo': 'bad' }, 'ldap')).toEqual({
      configJson: 'host: is required; helo: bad',
    });
  });

  it("starts a new check of a type without its own fields from the type's example", () => {
    expect(checkFormValues({ type: LDAP }).configJson).toBe(exampleJson(LDAP));
    expect(JSON.parse(exampleJson(LDAP))).toEqual({ host: 'ldap.example.org', port: 389, starttls: true });
    expect(exampleJson({ example: {} })).toBe('{}');
    expect(exampleJson(undefined)).toBe('{}');
  });
});
