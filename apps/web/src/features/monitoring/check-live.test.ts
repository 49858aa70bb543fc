import type { Check, CheckStatus } from '@estate/contract';
import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { applyCheckBatch } from './check-live';
import { MONITORING_QUERY_KEY } from './monitoring-queries';

const status = (state: CheckStatus['state'], lastRunAt: number): CheckStatus => ({
  state,
  since: lastRunAt,
  lastRunAt,
  lastDurationMs: 3,
  lastMessage: `${state} at ${lastRunAt}`,
  consecutiveFailures: 0,
  flapping: false,
});
const check = (id: string, s: CheckStatus): Check =>
  ({ id, name: id, type: 'tcp', enabled: true, target: 'h:1', status: s, version: 1 }) as unknown as Check;
const listKey = (filters: object) => [...MONITORING_QUERY_KEY, 'checks', filters, 50];
const pages = (...ids: string[]) => ({
  pages: [{ items: ids.map((id) => check(id, status('up', 1))), nextCursor: null }],
  pageParams: [undefined],
});

describe('applying a live batch to the cache', () => {
  it('replaces the status of listed checks in place, leaves the rest alone, and sets the summary', () => {
    const client = new QueryClient();
    client.setQueryData(listKey({}), pages('a', 'b'));
    const before = client.getQueryData<ReturnType<typeof pages>>(listKey({}));
    const summary = { total: 2, up: 1, degraded: 0, down: 1, unknown: 0, disabled: 0 };
    const stale = applyCheckBatch(client, {
      checks: [
        { id: 'b', status: status('down', 2) },
        { id: 'zz', status: status('up', 2) },
      ],
      summary,
      more: false,
    });
    const after = client.getQueryData<ReturnType<typeof pages>>(listKey({}));
    expect(after?.pages[0]?.items.map((c) => [c.id, c.status.state])).toEqual([
      ['a', 'up'],
      ['b', 'down'],
    ]);
    // The unchanged row keeps its object, so only the changed row renders again.
    expect(after?.pages[0]?.items[0]).toBe(before?.pages[0]?.items[0]);
    expect(client.getQueryData([...MONITORING_QUERY_KEY, 'summary'])).toEqual(summary);
    expect(stale).toEqual([]);
  });

  it("reads again a state-filtered list a change moves a check into or out of, a check page's results when it ran, and every list on `more`", () => {
    const client = new QueryClient();
    client.setQueryData(listKey({ state: 'down', enabled: true }), pages('a'));
    client.setQueryData(listKey({ type: 'tcp' }), pages('a'));
    client.setQueryData([...MONITORING_QUERY_KEY, 'check', 'a'], { value: check('a', status('up', 1)), etag: '"a.1"' });
    const stale = applyCheckBatch(client, { checks: [{ id: 'a', status: status('up', 5) }], more: false });
    expect(stale).toEqual([
      listKey({ state: 'down', enabled: true }),
      [...MONITORING_QUERY_KEY, 'check', 'a', 'results'],
      [...MONITORING_QUERY_KEY, 'check', 'a', 'history'],
    ]);
    expect(client.getQueryData<{ value: Check; etag: string }>([...MONITORING_QUERY_KEY, 'check', 'a'])).toEqual({
      value: check('a', status('up', 5)),
      etag: '"a.1"',
    });
    expect(applyCheckBatch(client, { checks: [], more: true })).toEqual([[...MONITORING_QUERY_KEY, 'checks']]);
  });
});
