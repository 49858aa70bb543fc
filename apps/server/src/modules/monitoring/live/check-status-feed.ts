import { type CheckEventBatch, type CheckStatus, type CheckSummary, ProblemType } from '@estate/contract';
import { HttpProblem } from '../../../platform/http/problem';

/** A check's state row as the feed reads it: its status, when the row was written, and its version. */
export interface WrittenStatus {
  id: string;
  status: CheckStatus;
  /** `check_states.updated_at`: when the recorder wrote the row (epoch ms of the writing process's clock). */
  writtenAt: number;
  /** Results the check ever recorded: grows with every write of the row. */
  version: number;
}

/** Where the feed reads changes from: the state rows, shared by every process on PostgreSQL. */
export interface CheckStatusSource {
  /** State rows written at or after `since`. */
  writtenSince(since: number): Promise<WrittenStatus[]>;
  /** When the newest state row was written; 0 when there is none. */
  latestWrite(): Promise<number>;
  summary(): Promise<CheckSummary>;
}

/** One open stream. `send` writes a frame; `close` ends the stream (the browser reconnects on its own). */
export interface FeedSubscriber {
  readonly userId: string;
  send(frame: string): void;
  close(): void;
}

/** Runs `tick` every `ms` until stopped; tests pass one they drive by hand. */
export type FeedTimer = (ms: number, tick: () => void) => { stop(): void };

/** The feed's limits and timings; every one has a default. */
export interface CheckStatusFeedOptions {
  timer?: FeedTimer;
  /** How often the state rows are read and a batch goes out (default 1 s). */
  tickMs?: number;
  /**
   * How far back each read looks behind the newest write seen (default 3 s): a row whose transaction committed after
   * a newer one, or written by a process whose clock runs a little behind, is still seen; versions drop repeats.
   */
  lagMs?: number;
  /** Changed checks one batch carries at most; past it the batch says `more` and carries none (default 2,000). */
  maxBatch?: number;
  /** Quiet ticks before a keep-alive comment (default 15). */
  heartbeatTicks?: number;
  /** Ticks between summary reads when no state row changed (default 10): check definitions change elsewhere too. */
  summaryTicks?: number;
  /**
   * Ticks a stream lives (default 300, five minutes): the browser reconnects, which authenticates its session again,
   * so a signed-out or disabled user stops hearing within minutes.
   */
  lifetimeTicks?: number;
  /** Streams one user may hold open (default 4; browsers allow six connections per server over HTTP/1.1). */
  maxPerUser?: number;
  /** Streams open at most (default 1,000). */
  maxTotal?: number;
  /** Where a failed read is reported; the next tick tries again. */
  onError?: (err: unknown) => void;
}

const MAX_MESSAGE_CHARS = 500;

interface Stream {
  subscriber: FeedSubscriber;
  ticksLeft: number;
}

/**
 * Live check status for every open checks list, coalesced: once a tick (a second) at most, it reads the state rows
 * written since the last read — one query for all subscribers — and sends the changed checks' status with the summary
 * counts as one frame, serialized once and written as the same string to every stream. Nothing is computed per
 * check per subscriber. It reads the database rather than listening to this process's recorder, so a stream on an
 * API process hears checks run by worker processes too. It reads only while someone listens.
 */
export class CheckStatusFeed {
  private readonly streams = new Set<Stream>();
  private readonly perUser = new Map<string, number>();
  /** Versions sent per check, with the write time that lets old entries go. */
  private readonly sent = new Map<string, { version: number; writtenAt: number }>();
  private readonly timer: FeedTimer;
  private running: { stop(): void } | undefined;
  private cursor: number | undefined;
  private ticking = false;
  private definitionsChanged = false;
  private quietTicks = 0;
  private ticksSinceSummary = 0;
  private lastSummary: string | undefined;
  private closed = false;
  private readonly o: Required<Omit<CheckStatusFeedOptions, 'timer' | 'onError'>>;

  constructor(
    private readonly source: CheckStatusSource,
    private readonly options: CheckStatusFeedOptions = {},
  ) {
    this.timer = options.timer ?? intervalTimer;
    this.o = {
      tickMs: options.tickMs ?? 1_000,
      lagMs: options.lagMs ?? 3_000,
      maxBatch: options.maxBatch ?? 2_000,
      heartbeatTicks: options.heartbeatTicks ?? 15,
      summaryTicks: options.summaryTicks ?? 10,
      lifetimeTicks: options.lifetimeTicks ?? 300,
      maxPerUser: options.maxPerUser ?? 4,
      maxTotal: options.maxTotal ?? 1_000,
    };
  }

  /** How many streams are open. */
  get size(): number {
    return this.streams.size;
  }

  /**
   * Adds a stream; answers how to remove it. Throws a 429 problem when the user holds the most streams already, and a
   * 503 when the server does or is shutting down: the page then polls.
   */
  subscribe(subscriber: FeedSubscriber): () => void {
    if (this.closed) throw unavailable('The server is shutting down; the page polls until it is back.');
    if (this.streams.size >= this.o.maxTotal) throw unavailable('Too many live streams are open; the page polls instead.');
    const held = this.perUser.get(subscriber.userId) ?? 0;
    if (held >= this.o.maxPerUser) {
      throw new HttpProblem(
        429,
        ProblemType.tooManyRequests,
        'Too many live streams',
        `You have ${held} live check streams open, the most one user may; close a tab that shows checks, or let this one poll.`,
      );
    }
    const stream: Stream = { subscriber, ticksLeft: this.o.lifetimeTicks };
    this.streams.add(stream);
    this.perUser.set(subscriber.userId, held + 1);
    this.running ??= this.timer(this.o.tickMs, () => void this.tick());
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      this.remove(stream);
    };
  }

  /** A check was created, changed or deleted in this process: the next tick reads the summary. */
  checksChanged(): void {
    this.definitionsChanged = true;
  }

  /**
   * One round: reads the state rows written since the last round and sends what changed. A round still reading when
   * the next is due makes that one a no-op, so slow reads never pile up.
   */
  async tick(): Promise<void> {
    if (this.ticking || this.streams.size === 0) return;
    this.ticking = true;
    try {
      const frame = await this.nextFrame();
      if (frame !== undefined) this.broadcast(frame);
      else if (++this.quietTicks >= this.o.heartbeatTicks) this.broadcast(': keep-alive\n\n');
      this.age();
    } catch (err) {
      this.options.onError?.(err);
    } finally {
      this.ticking = false;
    }
  }

  /** Ends every stream and stops reading; later subscriptions are refused. */
  close(): void {
    this.closed = true;
    for (const stream of [...this.streams]) stream.subscriber.close();
    this.streams.clear();
    this.perUser.clear();
    this.stop();
  }

  private async nextFrame(): Promise<string | undefined> {
    this.cursor ??= await this.source.latestWrite();
    const rows = await this.source.writtenSince(this.cursor - this.o.lagMs);
    const changed: CheckEventBatch['checks'] = [];
    for (const row of rows) {
      if (this.sent.get(row.id)?.version === row.version) continue;
      this.sent.set(row.id, { version: row.version, writtenAt: row.writtenAt });
      if (row.writtenAt > this.cursor) this.cursor = row.writtenAt;
      changed.push({ id: row.id, status: trimmed(row.status) });
    }
    const horizon = this.cursor - this.o.lagMs;
    for (const [id, entry] of this.sent) if (entry.writtenAt < horizon) this.sent.delete(id);

    this.ticksSinceSummary++;
    let summary: CheckSummary | undefined;
    if (changed.length > 0 || this.definitionsChanged || this.ticksSinceSummary >= this.o.summaryTicks) {
      this.definitionsChanged = false;
      this.ticksSinceSummary = 0;
      const read = await this.source.summary();
      const text = JSON.stringify(read);
      if (text !== this.lastSummary) summary = read;
      this.lastSummary = text;
    }
    if (changed.length === 0 && summary === undefined) return undefined;
    const more = changed.length > this.o.maxBatch;
    const batch: CheckEventBatch = { checks: more ? [] : changed, more, ...(summary ? { summary } : {}) };
    return `event: checks\ndata: ${JSON.stringify(batch)}\n\n`;
  }

  private broadcast(frame: string): void {
    this.quietTicks = 0;
    for (const stream of this.streams) stream.subscriber.send(frame);
  }

  private age(): void {
    for (const stream of [...this.streams]) {
      if (--stream.ticksLeft > 0) continue;
      this.remove(stream);
      stream.subscriber.close();
    }
  }

  private remove(stream: Stream): void {
    if (!this.streams.delete(stream)) return;
    const held = (this.perUser.get(stream.subscriber.userId) ?? 1) - 1;
    if (held > 0) this.perUser.set(stream.subscriber.userId, held);
    else this.perUser.delete(stream.subscriber.userId);
    if (this.streams.size === 0) this.stop();
  }

  /** Nobody listens: stop reading, and start afresh from the newest write when someone does again. */
  private stop(): void {
    this.running?.stop();
    this.running = undefined;
    this.cursor = undefined;
    this.sent.clear();
    this.lastSummary = undefined;
    this.quietTicks = 0;
    this.ticksSinceSummary = 0;
  }
}

function trimmed(status: CheckStatus): CheckStatus {
  const message = status.lastMessage;
  return message !== null && message.length > MAX_MESSAGE_CHARS
    ? { ...status, lastMessage: `${message.slice(0, MAX_MESSAGE_CHARS)}…` }
    : status;
}

function unavailable(detail: string): HttpProblem {
  return new HttpProblem(503, ProblemType.unavailable, 'Live updates unavailable', detail);
}

const intervalTimer: FeedTimer = (ms, tick) => {
  const handle = setInterval(tick, ms);
  handle.unref();
  return { stop: () => clearInterval(handle) };
};
