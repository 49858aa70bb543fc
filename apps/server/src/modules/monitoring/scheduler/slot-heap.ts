/**
 * A binary min-heap of slot numbers keyed by due time (epoch ms), in typed arrays: the one timer queue of the check
 * scheduler. Each slot is in the heap at most once; `set` inserts or moves it, `remove` takes it out, both in
 * O(log n). Memory is 16 bytes per slot of capacity, whatever the number of checks, and no object per entry.
 */
export class SlotHeap {
  /** Due time per slot; meaningful only while the slot is in the heap. */
  private due: Float64Array;
  /** Index in `items` per slot, -1 when the slot is not in the heap. */
  private position: Int32Array;
  /** The heap itself: slot numbers, earliest due first. */
  private items: Int32Array;
  private count = 0;

  constructor(capacity = 64) {
    this.due = new Float64Array(capacity);
    this.position = new Int32Array(capacity).fill(-1);
    this.items = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** The slot due first, or -1 when the heap is empty. */
  peek(): number {
    return this.count === 0 ? -1 : (this.items[0] as number);
  }

  /** The due time of `slot` (NaN when it is not in the heap). */
  dueOf(slot: number): number {
    return slot < this.position.length && (this.position[slot] as number) >= 0 ? (this.due[slot] as number) : Number.NaN;
  }

  has(slot: number): boolean {
    return slot < this.position.length && (this.position[slot] as number) >= 0;
  }

  /** Puts `slot` in the heap due at `due`, or moves it there if it is in already. */
  set(slot: number, due: number): void {
    this.ensure(slot + 1);
    const at = this.position[slot] as number;
    if (at < 0) {
      this.due[slot] = due;
      this.items[this.count] = slot;
      this.position[slot] = this.count;
      this.count++;
      this.up(this.count - 1);
      return;
    }
    const earlier = due < (this.due[slot] as number);
    this.due[slot] = due;
    if (earlier) this.up(at);
    else this.down(at);
  }

  /** Takes `slot` out of the heap; nothing happens when it is not in. */
  remove(slot: number): void {
    if (!this.has(slot)) return;
    const at = this.position[slot] as number;
    this.count--;
    this.position[slot] = -1;
    if (at === this.count) return;
    const last = this.items[this.count] as number;
    this.items[at] = last;
    this.position[last] = at;
    this.down(at);
    this.up(this.position[last] as number);
  }

  /** Adds `delta` ms to every due time; the order stays, so nothing moves (used when the clock jumps back). */
  shiftAll(delta: number): void {
    for (let i = 0; i < this.count; i++) {
      const slot = this.items[i] as number;
      this.due[slot] = (this.due[slot] as number) + delta;
    }
  }

  private ensure(capacity: number): void {
    if (capacity <= this.position.length) return;
    const size = Math.max(capacity, this.position.length * 2);
    const due = new Float64Array(size);
    due.set(this.due);
    const position = new Int32Array(size).fill(-1);
    position.set(this.position);
    const items = new Int32Array(size);
    items.set(this.items);
    this.due = due;
    this.position = position;
    this.items = items;
  }

  private less(a: number, b: number): boolean {
    const da = this.due[this.items[a] as number] as number;
    const db = this.due[this.items[b] as number] as number;
    // Equal due times go by slot number, so the order never depends on insertion history.
    return da < db || (da === db && (this.items[a] as number) < (this.items[b] as number));
  }

  private swap(a: number, b: number): void {
    const sa = this.items[a] as number;
    const sb = this.items[b] as number;
    this.items[a] = sb;
    this.items[b] = sa;
    this.position[sb] = a;
    this.position[sa] = b;
  }

  private up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(index: number): void {
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.count) return;
      const right = left + 1;
      const child = right < this.count && this.less(right, left) ? right : left;
      if (!this.less(child, i)) return;
      this.swap(i, child);
      i = child;
    }
  }
}
