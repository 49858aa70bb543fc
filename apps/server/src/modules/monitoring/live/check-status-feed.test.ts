import type { CheckEventBatch, CheckState, CheckSummary } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { HttpProblem } from '../../../platform/http/problem';
import {
  CheckStatusFeed,
  type CheckStatusFeedOptions,
  type CheckStatusSource,
  type FeedTimer,
  type WrittenStatus,
} from './check-status-feed';

/** State rows in memory, written at times the test chooses: the seam the feed reads through. */
class MemorySource implements CheckStatusSource {
  rows = new Map<string, WrittenStatus>();
  counts: CheckSummary = { total: 0, up: 0, degraded: 0, down: 0, unknown: 0, disabled: 0 };
  reads = 0;
  summaries = 0;

  write(id: string, state: CheckState, writtenAt: number, message = `${state} at ${writtenAt}`): void {
    const version = (this.rows.get(id)?.version ?? 0) + 1;
    this.rows.set(id, {
      id,
      writtenAt,
      version,
      status: {
        state,
        since: writtenAt,
        lastRunAt: writtenAt,
        lastDurationMs: 5,
        lastMessage: message,
        consecutiveFailures: 0,
        flapping: false,
      },
    });
  }
  async writtenSince(since: number) {
    this.reads++;
    return [...this.rows.values()].filter((r) => r.writtenAt >= since);
  }
  async latestWrite() {
    return Math.max(0, ...[...this.rows.values()].map((r) => r.writtenAt));
  }
  async summary() {
    this.summaries++;
    return { ...this.counts };
  }
}

/** A timer that never fires: the test ticks the feed itself; `running` says whether the feed keeps one. */
function manualTimer() {
  const timer = { running: false };
  const start: FeedTimer = () => {
    timer.running = true;
    return {
      stop: () => {
        timer.running = false;
      },
    };
  };
  return { timer, start };
}

function subscriber(userId = 'u1') {
  const sub = {
    userId,
    closed: false,
    frames: [] as string[],
    send(frame: string) {
      sub.frames.push(frame);
    },
    close() {
      sub.closed = true;
    },
  };
  return sub;
}

const batches = (frames: string[]): CheckEventBatch[] =>
  frames.filter((f) => f.startsWith('event: checks')).map((f) => JSON.parse(f.slice(f.indexOf('data: ') + 6)) as CheckEventBatch);

function setup(options: CheckStatusFeedOptions = {}) {
  const source = new MemorySource();
  const { timer, start } = manualTimer();
  const feed = new CheckStatusFeed(source, { timer: start, lagMs: 3_000, ...options });
  return { source, timer, feed };
}

describe('CheckStatusFeed', () => {
  it('coalesces the changes between two ticks into one frame, read once and written alike to every subscriber', async () => {
    const { source, feed } = setup();
    source.write('a', 'up', 1_000);
    const one = subscriber('u1');
    const two = subscriber('u2');
    feed.subscribe(one);
    feed.subscribe(two);
    await feed.tick();
    // The first tick starts at the newest write: what the lists just read is not news, but within the lag it is resent.
    expect(batches(one.frames).flatMap((b) => b.checks.map((c) => c.id))).toEqual(['a']);
    one.frames.length = 0;
    two.frames.length = 0;

    source.write('a', 'down', 1_100);
    source.write('b', 'up', 1_200);
    source.write('a', 'up', 1_300, 'back up');
    source.counts = { ...source.counts, total: 2, up: 2 };
    const readsBefore = source.reads;
    await feed.tick();
    expect(source.reads - readsBefore).toBe(1);
    expect(one.frames).toHaveLength(1);
    expect(two.frames).toEqual(one.frames);
    const [batch] = batches(one.frames);
    expect(batch?.checks.map((c) => [c.id, c.status.state, c.status.lastMessage])).toEqual([
      ['a', 'up', 'back up'],
      ['b', 'up', 'up at 1200'],
    ]);
    expect(batch?.summary).toMatchObject({ total: 2, up: 2 });
    expect(batch?.more).toBe(false);

    // Nothing new: nothing sent, however often it ticks (until the keep-alive is due).
    await feed.tick();
    await feed.tick();
    expect(one.frames).toHaveLength(1);
  });

  it('still sends a row written behind the newest one within the lag (a later commit), and never the same version twice', async () => {
    const { source, feed } = setup();
    const sub = subscriber();
    feed.subscribe(sub);
    await feed.tick();
    source.write('fast', 'up', 10_000);
    await feed.tick();
    // Committed after `fast` although written before it, by another process.
    source.write('slow', 'down', 8_500);
    await feed.tick();
    await feed.tick();
    expect(batches(sub.frames).map((b) => b.checks.map((c) => c.id))).toEqual([['fast'], ['slow']]);
    // Further behind than the lag: missed, as documented (a clock that far off is a misconfigured machine).
    source.write('lost', 'down', 6_000);
    await feed.tick();
    expect(batches(sub.frames)).toHaveLength(2);
  });

  it('sends the summary when it changed: with changes, after a change of definitions here, and every few quiet ticks', async () => {
    const { source, feed } = setup({ summaryTicks: 3 });
    const sub = subscriber();
    feed.subscribe(sub);
    await feed.tick();
    const summaries = () => batches(sub.frames).filter((b) => b.summary !== undefined).length;
    const readsBefore = source.summaries;
    await feed.tick();
    expect(source.summaries).toBe(readsBefore);

    feed.checksChanged();
    source.counts = { ...source.counts, total: 1, unknown: 1 };
    await feed.tick();
    expect(summaries()).toBe(1);
    expect(batches(sub.frames).at(-1)).toEqual({ checks: [], more: false, summary: expect.objectContaining({ total: 1 }) });

    // A check disabled by another process: the periodic read finds it.
    source.counts = { ...source.counts, unknown: 0, disabled: 1 };
    await feed.tick();
    await feed.tick();
    expect(summaries()).toBe(1);
    await feed.tick();
    expect(summaries()).toBe(2);
    // Read again and unchanged: not sent.
    for (let i = 0; i < 3; i++) await feed.tick();
    expect(summaries()).toBe(2);
  });

  it('keeps quiet streams alive with a comment, says `more` instead of a batch too big, and ends streams that lived their time', async () => {
    const { source, feed } = setup({ heartbeatTicks: 2, maxBatch: 2, lifetimeTicks: 6, summaryTicks: 1_000 });
    const sub = subscriber();
    feed.subscribe(sub);
    await feed.tick();
    await feed.tick();
    expect(sub.frames).toEqual([': keep-alive\n\n']);
    for (const id of ['a', 'b', 'c']) source.write(id, 'up', 5_000);
    await feed.tick();
    expect(batches(sub.frames).at(-1)).toMatchObject({ checks: [], more: true });
    expect(sub.closed).toBe(false);
    await feed.tick();
    await feed.tick();
    expect(sub.closed).toBe(false);
    await feed.tick();
    expect(sub.closed).toBe(true);
    expect(feed.size).toBe(0);
  });

  it('reads only while someone listens, caps streams per user and in all, and ends every stream when closed', async () => {
    const { source, timer, feed } = setup({ maxPerUser: 2, maxTotal: 3 });
    expect(timer.running).toBe(false);
    const first = feed.subscribe(subscriber('ann'));
    expect(timer.running).toBe(true);
    const second = feed.subscribe(subscriber('ann'));
    const refused = (() => {
      try {
        feed.subscribe(subscriber('ann'));
      } catch (err) {
        return err;
      }
    })();
    expect(refused).toBeInstanceOf(HttpProblem);
    expect((refused as HttpProblem).status).toBe(429);
    expect((refused as HttpProblem).detail).toMatch(/2 live check streams open/);
    const bob = subscriber('bob');
    feed.subscribe(bob);
    expect(() => feed.subscribe(subscriber('cy'))).toThrow(/Too many live streams/);
    first();
    first();
    second();
    expect(feed.size).toBe(1);
    feed.subscribe(subscriber('ann'));

    feed.close();
    expect(bob.closed).toBe(true);
    expect(timer.running).toBe(false);
    expect(feed.size).toBe(0);
    expect(() => feed.subscribe(subscriber('dee'))).toThrow(/shutting down/);
    const reads = source.reads;
    await feed.tick();
    expect(source.reads).toBe(reads);
  });
});
