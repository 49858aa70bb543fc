import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Dialect } from '../../../platform/db/database';
import { newId } from '../../../platform/ids';
import type { MonitoringTables } from '../monitoring.tables';

/** How many shards the checks are split into (the most worker processes that can share them). */
export const SHARD_COUNT = 64;

/** What a worker does when shards come or go; `lost` must stop running their checks before it resolves. */
export interface ShardListener {
  gained(shards: readonly number[]): Promise<void> | void;
  lost(shards: readonly number[]): Promise<void> | void;
}

export interface ShardLeaseOptions {
  db: Kysely<MonitoringTables>;
  dialect: Dialect;
  /** Unique across every process; default: host, pid and a random part. */
  workerId?: string;
  /** How long a lease lasts unless renewed (default 6 s). */
  leaseMs?: number;
  /** How often leases are renewed and shards rebalanced (default 1.5 s). */
  renewEveryMs?: number;
  /** Epoch ms; tests move it. */
  now?: () => number;
}

/**
 * This process's share of the checks when several worker processes run them (PostgreSQL). The checks are split
 * into the shards of `check_shards` by a hash of their id; each shard is leased to one worker. Every
 * `renewEveryMs` a worker says it is alive, renews its leases, gives back shards above its fair share (the shard
 * count over the live workers, rounded up) once it has stopped running them, and takes free or expired shards up to
 * its share. A worker that dies stops renewing: its leases run out within `leaseMs` and the survivors take them at
 * their next renewal. A worker that cannot renew (its database is unreachable) stops running a shard `renewEveryMs`
 * before the lease it last confirmed runs out, so a shard is never run by two workers at once — as long as the
 * workers' clocks agree to within `renewEveryMs` (NTP does far better).
 */
export class ShardLeases {
  readonly workerId: string;
  private readonly leaseMs: number;
  private readonly renewEveryMs: number;
  private readonly now: () => number;
  /** Shards held, with the time this process stops running each unless a renewal confirms it longer. */
  private readonly held = new Map<number, number>();
  private listener: ShardListener | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private timers: ReturnType<typeof setInterval>[] = [];
  private shardCount = 0;

  constructor(private readonly options: ShardLeaseOptions) {
    this.workerId = options.workerId ?? `${hostname()}-${process.pid}-${newId().slice(-8)}`;
    this.leaseMs = options.leaseMs ?? 6_000;
    this.renewEveryMs = options.renewEveryMs ?? 1_500;
    this.now = options.now ?? Date.now;
    if (this.renewEveryMs * 2 >= this.leaseMs) throw new Error('A shard lease must last more than two renewal periods.');
  }

  /** The shards held now, ascending. */
  owned(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  /** How many shards there are (known after the first renewal). */
  get count(): number {
    return this.shardCount;
  }

  /** Whether the shard holding `checkId` is this process's. */
  owns(checkId: string): boolean {
    return this.shardCount > 0 && this.held.has(shardOf(checkId, this.shardCount));
  }

  /** Takes this process's first share (resolving once `listener.gained` ran for it) and keeps it renewed. */
  async start(listener: ShardListener): Promise<void> {
    this.listener = listener;
    await this.renew();
    const every = (ms: number, fn: () => unknown) => {
      const timer = setInterval(fn, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.renewEveryMs, () => void this.renew().catch(() => undefined));
    every(Math.max(50, Math.floor(this.renewEveryMs / 4)), () => void this.expireLocal().catch(() => undefined));
  }

  /** Stops renewing and gives every shard back at once (after `lost` ran), so the others need not wait for expiry. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.serial(async () => {
      const shards = this.owned();
      if (shards.length > 0) await this.drop(shards);
      await this.release(shards);
      await this.options.db.deleteFrom('check_workers').where('worker_id', '=', this.workerId).execute();
    });
  }

  /** One round: say alive, renew, give back above the fair share, take up to it. What the timer runs. */
  renew(): Promise<void> {
    return this.serial(() => this.round());
  }

  /** Stops running the shards whose confirmed lease is about to run out (renewals failed). What the timer runs. */
  expireLocal(): Promise<void> {
    const now = this.now();
    const lapsing = this.owned().filter((shard) => (this.held.get(shard) as number) <= now);
    return lapsing.length === 0 ? Promise.resolve() : this.drop(lapsing);
  }

  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.ticking.catch(() => undefined).then(work);
    this.ticking = next;
    return next;
  }

  private async round(): Promise<void> {
    const { db } = this.options;
    const now = this.now();
    const until = now + this.leaseMs;
    // Run a shard until a renewal period before its lease ends: by then another worker may take it.
    const stopBy = until - this.renewEveryMs;
    if (this.shardCount === 0) this.shardCount = await this.shards();
    await db
      .insertInto('check_workers')
      .values({ worker_id: this.workerId, host: hostname(), pid: process.pid, started_at: now, alive_until: until })
      .onConflict((oc) => oc.column('worker_id').doUpdateSet({ alive_until: until }))
      .execute();
    const mine = this.owned();
    const renewed =
      mine.length === 0
        ? []
        : await db
            .updateTable('check_shards')
            .set({ expires_at: until })
            .where('worker_id', '=', this.workerId)
            .where('expires_at', '>', now)
            .where('shard', 'in', mine)
            .returning('shard')
            .execute();
    const confirmed = new Set(renewed.map((r) => Number(r.shard)));
    const gone = mine.filter((shard) => !confirmed.has(shard));
    if (gone.length > 0) await this.drop(gone);
    for (const shard of confirmed) this.held.set(shard, stopBy);
    // Shards still leased to this worker that it stopped running (their lease lapsed here first) are given back.
    await this.releaseStray(now);

    const live = await db
      .selectFrom('check_workers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('alive_until', '>', now)
      .executeTakeFirstOrThrow();
    const share = Math.ceil(this.shardCount / Math.max(1, Number(live.n)));
    const owned = this.owned();
    if (owned.length > share) {
      const surplus = owned.slice(share);
      await this.drop(surplus);
      await this.release(surplus);
    } else if (owned.length < share) {
      const taken = await this.claim(share - owned.length, now, until);
      for (const shard of taken) this.held.set(shard, stopBy);
      if (taken.length > 0) await this.listener?.gained(taken);
    }
    await db
      .deleteFrom('check_workers')
      .where('alive_until', '<', now - 3_600_000)
      .execute();
  }

  /** How many shards there are; the first worker to find none writes {@link SHARD_COUNT} of them. */
  private async shards(): Promise<number> {
    const { db } = this.options;
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('check_shards')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    if ((await count()) === 0) {
      const rows = Array.from({ length: SHARD_COUNT }, (_, shard) => ({ shard, worker_id: null, expires_at: 0, moves: 0 }));
      await db
        .insertInto('check_shards')
        .values(rows)
        .onConflict((oc) => oc.column('shard').doNothing())
        .execute();
    }
    return count();
  }

  /** Free or expired shards, up to `limit`, lowest first; concurrent workers never take the same one. */
  private async claim(limit: number, now: number, until: number): Promise<number[]> {
    const { db, dialect } = this.options;
    const candidates = db
      .selectFrom('check_shards')
      .select('shard')
      .where((eb) => eb.or([eb('worker_id', 'is', null), eb('expires_at', '<=', now)]))
      .orderBy('shard')
      .limit(limit)
      .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked());
    const rows = await db
      .updateTable('check_shards')
      .set((eb) => ({ worker_id: this.workerId, expires_at: until, moves: eb('moves', '+', 1) }))
      .where('shard', 'in', candidates)
      .where((eb) => eb.or([eb('worker_id', 'is', null), eb('expires_at', '<=', now)]))
      .returning('shard')
      .execute();
    return rows.map((r) => Number(r.shard)).sort((a, b) => a - b);
  }

  private async release(shards: readonly number[]): Promise<void> {
    if (shards.length === 0) return;
    await this.options.db
      .updateTable('check_shards')
      .set({ worker_id: null, expires_at: 0 })
      .where('worker_id', '=', this.workerId)
      .where('shard', 'in', [...shards])
      .execute();
  }

  private async releaseStray(now: number): Promise<void> {
    const mine = this.owned();
    let stray = this.options.db
      .updateTable('check_shards')
      .set({ worker_id: null, expires_at: 0 })
      .where('worker_id', '=', this.workerId)
      .where('expires_at', '>', now);
    if (mine.length > 0) stray = stray.where('shard', 'not in', mine);
    await stray.execute();
  }

  private async drop(shards: readonly number[]): Promise<void> {
    for (const shard of shards) this.held.delete(shard);
    await this.listener?.lost(shards);
  }
}

/** The shard of a check: a hash of its id, salted so it does not follow the check's phase within its interval. */
export function shardOf(checkId: string, shardCount: number): number {
  let h = 0x811c9dc5 ^ 0x5bd1e995;
  for (let i = 0; i < checkId.length; i++) h = Math.imul(h ^ checkId.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return (h >>> 0) % shardCount;
}
