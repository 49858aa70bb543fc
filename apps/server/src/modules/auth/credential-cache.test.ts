import { describe, expect, it } from 'vitest';
import { CredentialCache } from './credential-cache';

interface Row {
  user_id: string;
  n: number;
}

/** A cache over a feed the test switches on and off, with a controllable clock and a counted loader. */
function harness(live = true) {
  const feed = { live };
  let now = 1_000_000;
  const cache = new CredentialCache<Row>(feed, () => now);
  let loads = 0;
  const loader = (row: Row | undefined) => async () => {
    loads += 1;
    return row;
  };
  return {
    feed,
    cache,
    loader,
    loads: () => loads,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('credential cache', () => {
  it('answers a second lookup from memory while the feed is live', async () => {
    const h = harness();
    const row = { user_id: 'u1', n: 1 };
    expect(await h.cache.get('k', h.loader(row))).toBe(row);
    expect(await h.cache.get('k', h.loader({ user_id: 'u1', n: 2 }))).toBe(row);
    expect(h.loads()).toBe(1);
  });

  it('never answers from memory while the feed is down, and keeps nothing then', async () => {
    const h = harness(false);
    await h.cache.get('k', h.loader({ user_id: 'u1', n: 1 }));
    const second = await h.cache.get('k', h.loader({ user_id: 'u1', n: 2 }));
    expect(second?.n).toBe(2);
    expect(h.cache.size).toBe(0);
  });

  it('stops answering from memory the moment the feed goes down', async () => {
    const h = harness();
    await h.cache.get('k', h.loader({ user_id: 'u1', n: 1 }));
    h.feed.live = false;
    expect((await h.cache.get('k', h.loader({ user_id: 'u1', n: 2 })))?.n).toBe(2);
  });

  it('does not keep unknown credentials', async () => {
    const h = harness();
    await h.cache.get('k', h.loader(undefined));
    await h.cache.get('k', h.loader(undefined));
    expect(h.loads()).toBe(2);
    expect(h.cache.size).toBe(0);
  });

  it('drops every entry of a changed user, and only theirs', async () => {
    const h = harness();
    await h.cache.get('a1', h.loader({ user_id: 'a', n: 1 }));
    await h.cache.get('a2', h.loader({ user_id: 'a', n: 1 }));
    await h.cache.get('b1', h.loader({ user_id: 'b', n: 1 }));
    h.cache.userChanged('a');
    expect(h.cache.size).toBe(1);
    expect((await h.cache.get('a1', h.loader({ user_id: 'a', n: 2 })))?.n).toBe(2);
    expect((await h.cache.get('b1', h.loader({ user_id: 'b', n: 2 })))?.n).toBe(1);
  });

  it('does not keep a row whose lookup was in flight when a change arrived', async () => {
    const h = harness();
    let release: (row: Row) => void = () => {};
    const pending = h.cache.get('k', () => new Promise<Row>((resolve) => (release = resolve)));
    h.cache.userChanged('someone-else');
    release({ user_id: 'u1', n: 1 });
    expect((await pending)?.n).toBe(1);
    expect(h.cache.size).toBe(0);
    expect((await h.cache.get('k', h.loader({ user_id: 'u1', n: 2 })))?.n).toBe(2);
  });

  it('does not keep a row whose lookup was in flight when the feed reset', async () => {
    const h = harness();
    let release: (row: Row) => void = () => {};
    const pending = h.cache.get('k', () => new Promise<Row>((resolve) => (release = resolve)));
    h.cache.clear();
    release({ user_id: 'u1', n: 1 });
    await pending;
    expect(h.cache.size).toBe(0);
  });

  it('reads an entry again after a minute whatever the feed says', async () => {
    const h = harness();
    await h.cache.get('k', h.loader({ user_id: 'u1', n: 1 }));
    h.advance(59_000);
    expect((await h.cache.get('k', h.loader({ user_id: 'u1', n: 2 })))?.n).toBe(1);
    h.advance(2_000);
    expect((await h.cache.get('k', h.loader({ user_id: 'u1', n: 3 })))?.n).toBe(3);
  });

  it('holds at most 10,000 entries, the least recently used leaving first', async () => {
    const h = harness();
    for (let i = 0; i < 10_000; i++) await h.cache.get(`k${i}`, h.loader({ user_id: `u${i}`, n: i }));
    await h.cache.get('k0', h.loader({ user_id: 'u0', n: -1 })); // k0 is now the most recent
    await h.cache.get('extra', h.loader({ user_id: 'x', n: 0 }));
    expect(h.cache.size).toBe(10_000);
    expect((await h.cache.get('k0', h.loader({ user_id: 'u0', n: -2 })))?.n).toBe(0);
    expect((await h.cache.get('k1', h.loader({ user_id: 'u1', n: -3 })))?.n).toBe(-3);
  });
});
