import { describe, expect, it } from 'vitest';
import { CHECK_EXAMPLES } from './check-examples';
import { CheckTypeRegistry } from './check-executor';
import { builtInCheckTypes } from './check-types';

describe('check examples', () => {
  const registry = new CheckTypeRegistry(builtInCheckTypes());

  it('has an example for every check type, and each one is accepted by its type as it stands', () => {
    expect(Object.keys(CHECK_EXAMPLES).sort()).toEqual(registry.types().sort());
    for (const type of registry.types()) {
      const secrets: Record<string, string> = registry.get(type)?.secretNames?.includes('community') ? { community: 'public' } : {};
      expect(() => registry.prepare(type, { ...CHECK_EXAMPLES[type] }, { secrets }), type).not.toThrow();
    }
  });
});
