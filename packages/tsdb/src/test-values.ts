/*
 * Helpers of the codec tests (not exported by the package): a seeded generator, so a failing randomised case can be
 * replayed from its seed, and a value's bits, so -0, NaN payloads and the last ulp show in a failed comparison.
 */

/** mulberry32: numbers in [0, 1), the same sequence for the same seed on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A value's 64 bits as hex. */
export function bits(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16);
}
