import { describe, expect, it } from 'vitest';
import { SlotHeap } from './slot-heap';

describe('the slot heap', () => {
  it('yields slots in due order through random inserts, moves and removals, as a sorted list would', () => {
    const heap = new SlotHeap(4);
    const reference = new Map<number, number>();
    let seed = 7;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    for (let step = 0; step < 20_000; step++) {
      const slot = rand(500);
      const op = rand(10);
      if (op < 6) {
        const due = rand(100_000);
        heap.set(slot, due);
        reference.set(slot, due);
      } else if (op < 8) {
        heap.remove(slot);
        reference.delete(slot);
      } else if (reference.size > 0) {
        const top = heap.peek();
        const min = Math.min(...reference.values());
        expect(heap.dueOf(top)).toBe(min);
        // Ties go to the lower slot number.
        expect(top).toBe(Math.min(...[...reference].filter(([, d]) => d === min).map(([s]) => s)));
      }
      expect(heap.size).toBe(reference.size);
    }
    const drained: number[] = [];
    while (heap.size > 0) {
      const top = heap.peek();
      drained.push(heap.dueOf(top));
      heap.remove(top);
    }
    expect(drained).toEqual([...reference.values()].sort((a, b) => a - b));
    expect(heap.peek()).toBe(-1);
    expect(heap.dueOf(3)).toBeNaN();
  });

  it('shifts every due time at once, keeping the order', () => {
    const heap = new SlotHeap();
    heap.set(0, 30);
    heap.set(1, 10);
    heap.set(2, 20);
    heap.shiftAll(-5);
    expect([heap.peek(), heap.dueOf(1), heap.dueOf(2), heap.dueOf(0)]).toEqual([1, 5, 15, 25]);
  });
});
