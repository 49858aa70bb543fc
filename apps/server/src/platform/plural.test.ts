import { describe, expect, it } from 'vitest';
import { plural } from './plural';

describe('plural', () => {
  it('puts the noun in the number the count needs', () => {
    expect(plural(1, 'row')).toBe('1 row');
    expect(plural(0, 'row')).toBe('0 rows');
    expect(plural(2, 'address', 'addresses')).toBe('2 addresses');
    expect(plural(1, 'address', 'addresses')).toBe('1 address');
  });
});
