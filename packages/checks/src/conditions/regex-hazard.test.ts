import { describe, expect, it } from 'vitest';
import { regexHazard } from './regex-hazard';

describe('regexHazard', () => {
  it('names why a nested repeat, a lookaround or a backreference is refused', () => {
    expect(regexHazard('(a+)+$')).toMatch(/exponential/);
    expect(regexHazard('(x*)*y')).toMatch(/exponential/);
    expect(regexHazard('((ab)+c)+')).toMatch(/exponential/);
    expect(regexHazard('(\\d+){2,}')).toMatch(/exponential/);
    expect(regexHazard('(?=a)a')).toMatch(/lookahead/);
    expect(regexHazard('(?<=a)b')).toMatch(/lookbehind/);
    expect(regexHazard('(a)\\1')).toMatch(/backreference/);
    expect(regexHazard('(?<n>a)\\k<n>')).toMatch(/backreference/);
  });

  it('lets ordinary patterns through, skipping what sits inside classes and escapes', () => {
    for (const ok of ['node.*', 'a+b+c+', '(GET|POST)', '(foo)+', '[(+*)]+', 'host-[0-9]{1,3}', '\\(a+\\)+', '(ab){3}', '"ok":\\s*true']) {
      expect(regexHazard(ok), ok).toBeUndefined();
    }
  });
});
