import { chunkFormat, XorChunkEncoder } from '@estate/tsdb';
import { describe, expect, it } from 'vitest';
import { decodeRollupBlock, encodeRollupBlock, type RollupBucket } from './rollup-codec';

const END = 1_704_110_400_000;

/** A day of 5-minute buckets of a two-decimal gauge scraped every 15 s (the sum is a float's running sum). */
function day(): RollupBucket[] {
  return Array.from({ length: 288 }, (_, i) => {
    const cents = Math.round(Math.sin(i / 9) * 5000);
    const v = cents / 100;
    return {
      t: END + i * 300_000,
      min: (cents - 125) / 100,
      max: (cents + 250) / 100,
      sum: v * 20 + 0.1 + 0.2,
      count: 20,
      last: v,
      lastT: END + i * 300_000 - 4_000,
    };
  });
}

/** The six arrays of a block, as stored. */
function arraysOf(block: Uint8Array): Uint8Array[] {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const out: Uint8Array[] = [];
  for (let at = 0; at < block.length; ) {
    const length = view.getUint32(at, true);
    out.push(block.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return out;
}

describe('rollup blocks', () => {
  it('store decimal fields as decimal chunks, float sums as XOR, and give every field back exactly', () => {
    const buckets = day();
    const block = encodeRollupBlock(buckets);
    // A constant count or distance costs XOR a bit a bucket too: there the decimal chunk's header makes it no smaller.
    expect(arraysOf(block).map(chunkFormat)).toEqual(['decimal', 'decimal', 'xor', 'xor', 'decimal', 'xor']);
    expect(decodeRollupBlock(block)).toEqual(buckets);
  });

  it('read blocks written before the decimal format, whose arrays are all XOR', () => {
    const buckets = day();
    const fields = [
      (b: RollupBucket) => b.min,
      (b: RollupBucket) => b.max,
      (b: RollupBucket) => b.sum,
      (b: RollupBucket) => b.count,
      (b: RollupBucket) => b.last,
      (b: RollupBucket) => b.t - b.lastT,
    ];
    const arrays = fields.map((f) => {
      const encoder = new XorChunkEncoder();
      for (const b of buckets) encoder.append(b.t, f(b));
      return encoder.bytes();
    });
    const old = new Uint8Array(arrays.reduce((n, a) => n + 4 + a.length, 0));
    let at = 0;
    for (const a of arrays) {
      new DataView(old.buffer).setUint32(at, a.length, true);
      old.set(a, at + 4);
      at += 4 + a.length;
    }
    expect(decodeRollupBlock(old)).toEqual(buckets);
    expect(encodeRollupBlock(buckets).length).toBeLessThan(old.length);
  });
});
