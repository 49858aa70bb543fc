import { describe, expect, it } from 'vitest';
import { CheckConfigError, type CheckType, CheckTypeRegistry } from './check-executor';
import { httpCheck } from './http-check';
import { tcpCheck } from './tcp-check';

const faulty: CheckType<{ n: number }> = {
  type: 'faulty',
  placeholders: [],
  defaultConditions: [],
  validate: () => ({ n: 1 }),
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
});
