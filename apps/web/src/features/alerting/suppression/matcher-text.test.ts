import { describe, expect, it } from 'vitest';
import { formatMatcherText, parseMatcherText } from './matcher-text';

describe('matcher text in the silence form', () => {
  it('reads what alert pages link with, braces and quotes optional, and writes it back', () => {
    const rows = parseMatcherText('{alertname="Disk \\"full\\"", instance=~"db-.*",team!=ops}');
    expect(rows).toEqual([
      { name: 'alertname', type: '=', value: 'Disk "full"' },
      { name: 'instance', type: '=~', value: 'db-.*' },
      { name: 'team', type: '!=', value: 'ops' },
    ]);
    expect(formatMatcherText(rows ?? [])).toBe('{alertname="Disk \\"full\\"", instance=~"db-.*", team!="ops"}');
    expect(parseMatcherText('"service.name"="api"')).toEqual([{ name: 'service.name', type: '=', value: 'api' }]);
  });

  it('answers null for text it cannot read, so the form keeps it as text', () => {
    expect(parseMatcherText('{alertname=}x')).toBeNull();
    expect(parseMatcherText('just words')).toBeNull();
    expect(parseMatcherText('{}')).toEqual([]);
  });
});
