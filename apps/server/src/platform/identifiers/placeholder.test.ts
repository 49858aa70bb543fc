import { describe, expect, it } from 'vitest';
import { isPlaceholderIdentifier } from './placeholder';

describe('isPlaceholderIdentifier', () => {
  it('recognises what firmware writes where a serial is unknown, in any case and padding', () => {
    for (const v of [
      '',
      ' ',
      'To Be Filled By O.E.M.',
      'NONE',
      'n/a',
      '0000-0000',
      'FFFFFFFF',
      'ffff-ffff',
      '00:00:00',
      ' Default string ',
    ]) {
      expect(isPlaceholderIdentifier(v), v).toBe(true);
    }
  });

  it('keeps real serials and UUIDs, including ones that contain zeros or F', () => {
    for (const v of ['CN0F1234', 'VMware-42 1a', '4C4C4544-0031-3510-8052-B4C04F313233', 'F00D', '10']) {
      expect(isPlaceholderIdentifier(v), v).toBe(false);
    }
  });
});
