/** The "no slot" / "no target" value of the queues' typed arrays. */
export const NONE = -1;

const NOT_QUEUED = 0;
/** In the global queue: admitted by its target's cap, waiting only for the global one. */
const ADMITTED = 1;
/** In its target's queue: the target is at its cap. */
const WAITING = 2;

/**
 * The runs waiting to start, under a per-target cap (the global cap is the caller's: it takes runs from here while
 * it has room). A run due on a target below its cap goes to the global queue at once; otherwise it waits in its
 * target's queue and moves to the global queue when a run on that target ends. So every run in the global queue
 * may start as soon as there is global room, one busy host never holds up the others, and within a target runs keep
 * their order. Nothing is ever dropped except by `remove` or `clear`.
 *
 * All queues are doubly linked lists threaded through two Int32Arrays indexed by slot: O(1) to add, take or remove
 * a run, and no allocation per run. Targets are interned to small numbers and freed when nothing refers to them.
 */
export class RunQueues {
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  private where = new Uint8Array(0);
  /** The target a queued run counts against. */
  private queuedOn = new Int32Array(0);
  private globalHead = NONE;
  private globalTail = NONE;
  private count = 0;

  private readonly targetIds = new Map<string, number>();
  private readonly targetNames: (string | undefined)[] = [];
  private refs = new Int32Array(0);
  /** Per target: runs in the global queue or running. */
  private admitted = new Int32Array(0);
  private head = new Int32Array(0);
  private tail = new Int32Array(0);
  private readonly freeTargets: number[] = [];

  constructor(private readonly perTarget: number) {}

  /** Runs queued, globally or on a target. */
  get size(): number {
    return this.count;
  }

  /** Distinct targets referred to by a check or a run. */
  get targets(): number {
    return this.targetIds.size;
  }

  isQueued(slot: number): boolean {
    return slot < this.where.length && this.where[slot] !== NOT_QUEUED;
  }

  /** The number of target `name`, taking a reference to it (a check's, or a running run's); see {@link releaseTarget}. */
  internTarget(name: string): number {
    let t = this.targetIds.get(name);
    if (t === undefined) {
      t = this.freeTargets.pop();
      if (t === undefined) {
        t = this.targetNames.length;
        this.targetNames.push(undefined);
        if (t >= this.refs.length) this.growTargets(Math.max(16, t * 2));
      }
      this.targetIds.set(name, t);
      this.targetNames[t] = name;
      this.refs[t] = 0;
      this.admitted[t] = 0;
      this.head[t] = NONE;
      this.tail[t] = NONE;
    }
    this.refs[t] = (this.refs[t] as number) + 1;
    return t;
  }

  /** Takes one more reference to a known target number. */
  holdTarget(t: number): void {
    this.refs[t] = (this.refs[t] as number) + 1;
  }

  /** Drops one reference; the last frees the number for another target. */
  releaseTarget(t: number): void {
    const refs = (this.refs[t] as number) - 1;
    this.refs[t] = refs;
    if (refs > 0) return;
    this.targetIds.delete(this.targetNames[t] as string);
    this.targetNames[t] = undefined;
    this.freeTargets.push(t);
  }

  /** Queues a run of `slot` against target `t`: in the global queue if the target has room, else on the target. */
  push(slot: number, t: number): void {
    this.ensureSlots(slot + 1);
    this.queuedOn[slot] = t;
    this.count++;
    if ((this.admitted[t] as number) < this.perTarget) {
      this.admitted[t] = (this.admitted[t] as number) + 1;
      this.where[slot] = ADMITTED;
      this.append(NONE, slot);
    } else {
      this.where[slot] = WAITING;
      this.append(t, slot);
    }
  }

  /** Takes the next run that may start (its target admission stays with it until {@link finished}); NONE if none. */
  shift(): number {
    const slot = this.globalHead;
    if (slot === NONE) return NONE;
    this.unlink(NONE, slot);
    this.where[slot] = NOT_QUEUED;
    this.count--;
    return slot;
  }

  /** Takes a queued run out without starting it, giving back its admission if it had one. */
  remove(slot: number): void {
    if (!this.isQueued(slot)) return;
    const t = this.queuedOn[slot] as number;
    if (this.where[slot] === ADMITTED) {
      this.unlink(NONE, slot);
      this.where[slot] = NOT_QUEUED;
      this.finished(t);
    } else {
      this.unlink(t, slot);
      this.where[slot] = NOT_QUEUED;
    }
    this.count--;
  }

  /** A run admitted on target `t` ended (or left the queue): the first run waiting on `t`, if any, is admitted. */
  finished(t: number): void {
    this.admitted[t] = (this.admitted[t] as number) - 1;
    const slot = this.head[t] as number;
    if (slot === NONE || (this.admitted[t] as number) >= this.perTarget) return;
    this.unlink(t, slot);
    this.admitted[t] = (this.admitted[t] as number) + 1;
    this.where[slot] = ADMITTED;
    this.append(NONE, slot);
  }

  /** Drops every queued run. */
  clear(): void {
    while (this.globalHead !== NONE) this.remove(this.globalHead);
    for (let t = 0; t < this.head.length; t++) while ((this.head[t] as number) !== NONE) this.remove(this.head[t] as number);
  }

  /** Adds `slot` at the end of the global queue (`queue` NONE) or of target `queue`'s. */
  private append(queue: number, slot: number): void {
    const last = queue === NONE ? this.globalTail : (this.tail[queue] as number);
    this.prev[slot] = last;
    this.next[slot] = NONE;
    if (last === NONE) this.setHead(queue, slot);
    else this.next[last] = slot;
    if (queue === NONE) this.globalTail = slot;
    else this.tail[queue] = slot;
  }

  private unlink(queue: number, slot: number): void {
    const before = this.prev[slot] as number;
    const after = this.next[slot] as number;
    if (before === NONE) this.setHead(queue, after);
    else this.next[before] = after;
    if (after !== NONE) this.prev[after] = before;
    else if (queue === NONE) this.globalTail = before;
    else this.tail[queue] = before;
  }

  private setHead(queue: number, slot: number): void {
    if (queue === NONE) this.globalHead = slot;
    else this.head[queue] = slot;
  }

  private ensureSlots(n: number): void {
    if (n <= this.where.length) return;
    const size = Math.max(n, 64, this.where.length * 2);
    this.prev = grown(this.prev, size, NONE);
    this.next = grown(this.next, size, NONE);
    this.queuedOn = grown(this.queuedOn, size, NONE);
    const where = new Uint8Array(size);
    where.set(this.where);
    this.where = where;
  }

  private growTargets(size: number): void {
    this.refs = grown(this.refs, size, 0);
    this.admitted = grown(this.admitted, size, 0);
    this.head = grown(this.head, size, NONE);
    this.tail = grown(this.tail, size, NONE);
  }
}

function grown(from: Int32Array, size: number, fill: number): Int32Array<ArrayBuffer> {
  const to = new Int32Array(size).fill(fill);
  to.set(from);
  return to;
}
