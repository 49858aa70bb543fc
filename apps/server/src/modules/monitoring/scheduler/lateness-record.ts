/**
 * How late check runs start, kept two ways: a cumulative histogram with fixed bounds (what a Prometheus histogram
 * such as `estate_check_scheduler_lateness_seconds` exports), and a sliding window of fine buckets for "p99 over the
 * last minute". Lateness is the time from a run's slot to its start, queueing behind the concurrency caps included.
 * Constant memory (a few KiB) and constant time per run.
 */

/** Upper bounds, in seconds, of the exported histogram's buckets; +Inf is implied. */
export const LATENESS_BUCKETS_SECONDS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** Fine buckets for the window's quantiles: bucket i > 0 holds (2^((i-1)/8), 2^(i/8)] ms, about 9% wide each. */
const FINE_PER_DOUBLING = 8;
const FINE_BUCKETS = 1 + 27 * FINE_PER_DOUBLING; // up to 2^27 ms, about 37 hours; beyond lands in the last bucket

/** A snapshot of the lateness record, in seconds. */
export interface LatenessSnapshot {
  /** Every run recorded since the start. */
  count: number;
  sumSeconds: number;
  /** Cumulative counts per upper bound, the last with `le: Infinity`. */
  buckets: { le: number; count: number }[];
  /** The sliding window the next three figures cover. */
  windowSeconds: number;
  windowRuns: number;
  /** The 99th percentile of lateness in the window, an upper estimate within about 9%; 0 with no runs. */
  p99Seconds: number;
  maxSeconds: number;
}

/** Options of a lateness record. */
export interface LatenessRecordOptions {
  /** The sliding window, in ms (default one minute). */
  windowMs?: number;
  /** How many parts the window moves by (default 6: a one-minute window steps every 10 s). */
  windowParts?: number;
}

export class LatenessRecord {
  private readonly cumulative = new Float64Array(LATENESS_BUCKETS_SECONDS.length + 1);
  private total = 0;
  private sumMs = 0;
  private readonly partMs: number;
  private readonly parts: number;
  /** Per window part: fine bucket counts, the part's epoch (time / partMs) and its maximum. */
  private readonly fine: Uint32Array[];
  private readonly epochs: Float64Array;
  private readonly maxima: Float64Array;

  constructor(options: LatenessRecordOptions = {}) {
    this.parts = options.windowParts ?? 6;
    this.partMs = (options.windowMs ?? 60_000) / this.parts;
    this.fine = Array.from({ length: this.parts }, () => new Uint32Array(FINE_BUCKETS));
    this.epochs = new Float64Array(this.parts).fill(Number.NEGATIVE_INFINITY);
    this.maxima = new Float64Array(this.parts);
  }

  /** Records one run that started `latenessMs` after its slot, at time `now` (epoch ms). */
  record(latenessMs: number, now: number): void {
    const late = Math.max(0, latenessMs);
    this.total++;
    this.sumMs += late;
    const seconds = late / 1000;
    let b = 0;
    while (b < LATENESS_BUCKETS_SECONDS.length && seconds > (LATENESS_BUCKETS_SECONDS[b] as number)) b++;
    this.cumulative[b] = (this.cumulative[b] as number) + 1;

    const epoch = Math.floor(now / this.partMs);
    const part = ((epoch % this.parts) + this.parts) % this.parts;
    if (this.epochs[part] !== epoch) {
      this.fine[part]?.fill(0);
      this.epochs[part] = epoch;
      this.maxima[part] = 0;
    }
    const fineIndex = late <= 1 ? 0 : Math.min(FINE_BUCKETS - 1, Math.ceil(Math.log2(late) * FINE_PER_DOUBLING));
    const counts = this.fine[part] as Uint32Array;
    counts[fineIndex] = (counts[fineIndex] as number) + 1;
    if (late > (this.maxima[part] as number)) this.maxima[part] = late;
  }

  /** The figures as of `now` (epoch ms); the window holds the parts that began within it. */
  snapshot(now: number): LatenessSnapshot {
    const buckets: { le: number; count: number }[] = [];
    let running = 0;
    for (let i = 0; i <= LATENESS_BUCKETS_SECONDS.length; i++) {
      running += this.cumulative[i] as number;
      buckets.push({ le: LATENESS_BUCKETS_SECONDS[i] ?? Number.POSITIVE_INFINITY, count: running });
    }
    const epoch = Math.floor(now / this.partMs);
    const merged = new Float64Array(FINE_BUCKETS);
    let windowRuns = 0;
    let max = 0;
    for (let p = 0; p < this.parts; p++) {
      const e = this.epochs[p] as number;
      if (e > epoch || e <= epoch - this.parts) continue;
      const counts = this.fine[p] as Uint32Array;
      for (let i = 0; i < FINE_BUCKETS; i++) {
        merged[i] = (merged[i] as number) + (counts[i] as number);
        windowRuns += counts[i] as number;
      }
      max = Math.max(max, this.maxima[p] as number);
    }
    let p99 = 0;
    if (windowRuns > 0) {
      const rank = Math.ceil(0.99 * windowRuns);
      let seen = 0;
      for (let i = 0; i < FINE_BUCKETS; i++) {
        seen += merged[i] as number;
        if (seen >= rank) {
          // The bucket's upper bound, but never above the largest value actually seen.
          p99 = Math.min(i === 0 ? 1 : 2 ** (i / FINE_PER_DOUBLING), max);
          break;
        }
      }
    }
    return {
      count: this.total,
      sumSeconds: this.sumMs / 1000,
      buckets,
      windowSeconds: (this.partMs * this.parts) / 1000,
      windowRuns,
      p99Seconds: p99 / 1000,
      maxSeconds: max / 1000,
    };
  }
}
