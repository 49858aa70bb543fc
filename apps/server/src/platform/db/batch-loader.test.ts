import { describe, expect, it } from 'vitest';
import { BatchLoader } from './batch-loader';

/** A loader over a fixed table that records every fetch it is asked for. */
function recordingLoader(table: Record<string, number>, maxBatch?: number) {
  const fetches: string[][] = [];
  const state: { fail: Error | null } = { fail: null };
  const loader = new BatchLoader<string, number>(async (keys) => {
    fetches.push(keys);
    if (state.fail) throw state.fail;
    return new Map(keys.filter((k) => k in table).map((k) => [k, table[k] as number]));
  }, maxBatch);
  return { loader, fetches, state };
}

describe('BatchLoader', () => {
  it('fetches the keys asked for in one turn of the event loop together, each once, and answers each caller its own', async () => {
    const { loader, fetches } = recordingLoader({ a: 1, b: 2, c: 3 });
    const answers = await Promise.all([loader.load('a'), loader.load('b'), loader.load('a'), loader.load('missing')]);
    expect(answers).toEqual([1, 2, 1, undefined]);
    expect(fetches).toEqual([['a', 'b', 'missing']]);
  });

  it('fetches keys asked for in later turns separately, and keeps nothing between batches', async () => {
    const table: Record<string, number> = { a: 1 };
    const { loader, fetches } = recordingLoader(table);
    expect(await loader.load('a')).toBe(1);
    table.a = 2;
    expect(await loader.load('a')).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await loader.load('a')).toBe(2);
    expect(fetches).toEqual([['a'], ['a'], ['a']]);
  });

  it('splits a batch larger than its limit', async () => {
    const { loader, fetches } = recordingLoader({ a: 1, b: 2, c: 3, d: 4, e: 5 }, 2);
    expect(await Promise.all(['a', 'b', 'c', 'd', 'e'].map((k) => loader.load(k)))).toEqual([1, 2, 3, 4, 5]);
    expect(fetches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('fails every caller of a batch whose fetch fails, and fetches afresh afterwards', async () => {
    const { loader, fetches, state } = recordingLoader({ a: 1 });
    state.fail = new Error('connection lost');
    const results = await Promise.allSettled([loader.load('a'), loader.load('b')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ message: 'connection lost' });
    state.fail = null;
    expect(await loader.load('a')).toBe(1);
    expect(fetches).toEqual([['a', 'b'], ['a']]);
  });
});
