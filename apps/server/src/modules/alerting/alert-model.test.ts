import { describe, expect, it } from 'vitest';
import { labelsFingerprint } from './alert-model';

describe('label set fingerprints', () => {
  it('is the empty set hash for no labels, and ignores the order labels were written in', () => {
    expect(labelsFingerprint({})).toBe('cbf29ce484222325');
    expect(labelsFingerprint({ a: '1', b: '2' })).toBe(labelsFingerprint({ b: '2', a: '1' }));
  });

  it('tells apart label sets that concatenate to the same text', () => {
    expect(labelsFingerprint({ ab: 'c' })).not.toBe(labelsFingerprint({ a: 'bc' }));
    expect(labelsFingerprint({ a: 'b', c: '' })).not.toBe(labelsFingerprint({ a: 'b' }));
  });
});
