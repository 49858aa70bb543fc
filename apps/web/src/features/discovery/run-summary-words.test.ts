import { describe, expect, it } from 'vitest';
import { scheduleLabel } from './RunStatusBadge';
import { summaryLine } from './ScanDetailPage';

describe('the words of scan runs', () => {
  it('counts one host, one CI and one address in the singular', () => {
    const summary = { hosts: 1, new: 1, changed: 0, unchanged: 0, missing: 0, cisCreated: 1, relationships: 0 };
    expect(summaryLine({ status: 'succeeded', done: 1, total: 1, error: null, summary })).toBe(
      '1 host · 1 new · 0 changed · 0 missing · 1 CI created',
    );
    expect(summaryLine({ status: 'running', done: 0, total: 1, error: null, summary: null })).toBe('0 of 1 address');
    expect(summaryLine({ status: 'running', done: 3, total: 256, error: null, summary: null })).toBe('3 of 256 addresses');
  });

  it('says "every minute", not "every 1 minutes"', () => {
    expect(scheduleLabel(1)).toBe('every minute');
    expect(scheduleLabel(15)).toBe('every 15 minutes');
    expect(scheduleLabel(120)).toBe('every 2 hours');
  });
});
