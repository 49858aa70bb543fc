import { describe, expect, it } from 'vitest';
import { parseConditions } from '../conditions/condition-parser';
import { CheckConfigError, type CheckType, CheckTypeRegistry, concludeRun, targetHost } from './check-executor';
import { httpCheck } from './http-check';
import { tcpCheck } from './tcp-check';

const faulty: CheckType<{ n: number }> = {
  type: 'faulty',
  placeholders: [],
  defaultConditions: [],
  validate: () => ({ n: 1 }),
  target: () => 'nowhere',
  run: async () => {
    throw new Error('bug in the check type');
  },
};

describe('check type registry', () => {
  it('finds types by name and refuses a second type of the same name', () => {
    const registry = new CheckTypeRegistry([httpCheck(), tcpCheck()]);
    expect(registry.types()).toEqual(['http', 'tcp']);
    expect(registry.get('tcp')?.placeholders).toEqual(['CONNECTED', 'RESPONSE_TIME', 'IP']);
    expect(() => registry.register(tcpCheck())).toThrow(/registered twice/);
  });

  it('validates when preparing, naming an unknown type or a bad field', () => {
    const registry = new CheckTypeRegistry([httpCheck()]);
    expect(() => registry.prepare('gopher', {})).toThrow(CheckConfigError);
    expect(() => registry.prepare('gopher', {})).toThrow(/unknown check type "gopher"; known: http/);
    expect(() => registry.prepare('http', { url: 'nope' })).toThrow(/^url: "nope" is not a valid URL$/);
  });

  it('turns a fault in a check type into an unknown outcome instead of a rejection', async () => {
    const registry = new CheckTypeRegistry([faulty]);
    const outcome = await registry.prepare('faulty', {}).run(new AbortController().signal);
    expect(outcome.status).toBe('unknown');
    expect(outcome.message).toBe('The check could not run: bug in the check type');
  });

  it('hands a type only the secrets it takes, and names the field of one it does not', () => {
    const registry = new CheckTypeRegistry([httpCheck(), tcpCheck()]);
    expect(() => registry.prepare('tcp', { host: 'db1', port: 5432 }, { secrets: { password: 'x' } })).toThrow(
      /^secrets\.password: a tcp check has no secret "password"; it takes none$/,
    );
    const prepared = registry.prepare(
      'http',
      { url: 'http://127.0.0.1:9/', auth: { type: 'basic', username: 'u' } },
      { secrets: { password: 'p' } },
    );
    expect(prepared.target).toBe('http://127.0.0.1:9/');
    expect(() => registry.prepare('http', { url: 'http://127.0.0.1:9/', auth: { type: 'basic', username: 'u' } })).toThrow(/^auth: /);
  });

  it('judges warning conditions on a passing run: a failed one makes it degraded, with its verdict marked', async () => {
    const conditions = parseConditions(['[RESPONSE_TIME] < 1000'], { allowedPlaceholders: ['RESPONSE_TIME'] });
    let responseTimeMs = 700;
    const timed: CheckType<null> = {
      type: 'timed',
      placeholders: ['RESPONSE_TIME'],
      defaultConditions: [],
      validate: () => null,
      target: () => 'here',
      run: async () => concludeRun({ conditions, context: { responseTimeMs }, startedAt: performance.now(), summary: 'fine', details: {} }),
    };
    const registry = new CheckTypeRegistry([timed]);
    const prepared = registry.prepare('timed', {}, { warningConditions: ['[RESPONSE_TIME] < 500'] });
    const slow = await prepared.run(new AbortController().signal);
    expect(slow.status).toBe('degraded');
    expect(slow.message).toBe('Warning: [RESPONSE_TIME] (700ms) < 500');
    expect(slow.conditions.map((c) => [c.condition, c.passed, c.warning])).toEqual([
      ['[RESPONSE_TIME] < 1000', true, undefined],
      ['[RESPONSE_TIME] < 500', false, true],
    ]);
    expect('context' in slow).toBe(false);
    responseTimeMs = 100;
    expect((await prepared.run(new AbortController().signal)).status).toBe('up');
    // A down run stays down: warnings are not judged on it.
    responseTimeMs = 5_000;
    const down = await prepared.run(new AbortController().signal);
    expect(down.status).toBe('down');
    expect(down.conditions).toHaveLength(1);
    expect(() => registry.prepare('timed', {}, { warningConditions: ['[STATUS] == 200'] })).toThrow(/^warningConditions\[0\]: /);
  });

  it('reads the host of a target for the per-target cap', () => {
    expect(targetHost('https://Example.org:8443/health')).toBe('example.org');
    expect(targetHost('db1:5432')).toBe('db1');
    expect(targetHost('[2001:DB8::1]:53')).toBe('2001:db8::1');
    expect(targetHost('http://[::1]:8080/')).toBe('::1');
    expect(targetHost('router-7')).toBe('router-7');
  });
});
