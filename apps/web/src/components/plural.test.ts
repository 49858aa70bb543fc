import { describe, expect, it } from 'vitest';
import { plural } from './plural';

describe('plural', () => {
  it('uses the singular for exactly one and the plural for everything else, zero included', () => {
    expect(plural(1, 'address', 'addresses')).toBe('1 address');
    expect(plural(0, 'address', 'addresses')).toBe('0 addresses');
    expect(plural(2, 'address', 'addresses')).toBe('2 addresses');
  });

  it('adds an s when no plural is given', () => {
    expect(plural(1, 'item')).toBe('1 item');
    expect(plural(12, 'item')).toBe('12 items');
  });
});
