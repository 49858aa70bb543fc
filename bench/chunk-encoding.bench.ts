import { chunkFormat, decodeChunkInto, decodeXorChunkInto, encodeDecimalChunk, sealChunk, XorChunkEncoder } from '@estate/tsdb';
import { type Benchmark, compare, median } from './support/report';

const T0 = 1_704_110_400_000;
const STEP = 10_000;
const CHUNK = 120;
/** VictoriaMetrics' figure on the remote-write-ingest bench's data (ADR 0017, Consequences), not measured here. */
const VICTORIA_METRICS_BYTES_PER_SAMPLE = 1.2;

type Kind = 'gauge, 2 decimals' | 'counter, 4 KiB steps' | 'counter, integer steps';

/** The kind of a series, in the remote-write-ingest bench's mix: 40 % gauges, 30 % and 30 % counters. */
function kindOf(i: number): Kind {
  const k = i % 100;
  return k < 40 ? 'gauge, 2 decimals' : k < 70 ? 'counter, 4 KiB steps' : 'counter, integer steps';
}

/** One full chunk of series `i`, with that bench's formulas (its `round`), as columns. */
function samplesOf(i: number): { t: Float64Array; v: Float64Array } {
  const t = new Float64Array(CHUNK);
  const v = new Float64Array(CHUNK);
  let value = 0;
  for (let r = 0; r < CHUNK; r++) {
    const noise = ((Math.imul(i * 2654435761 + r * 40503, 2246822519) >>> 0) % 1000) / 1000;
    const kind = kindOf(i);
    if (kind === 'gauge, 2 decimals') value = Math.round((value + noise * 5) * 100) / 100;
    else if (kind === 'counter, 4 KiB steps') value += noise < 0.7 ? 0 : Math.round(noise * 64) * 4096;
    else value += Math.round(noise * 1e5);
    t[r] = T0 + r * STEP + (i % 7);
    v[r] = value;
  }
  return { t, v };
}

/** The samples as an XOR chunk, appended one by one as the store grows a head. */
function xorChunk(samples: { t: Float64Array; v: Float64Array }): Uint8Array {
  const encoder = new XorChunkEncoder();
  for (let r = 0; r < samples.t.length; r++) encoder.append(samples.t[r] as number, samples.v[r] as number);
  return encoder.bytes();
}

/** The median of `repeats` timings of `f`, in ns per sample of `samples`. */
function nsPerSample(samples: number, repeats: number, f: () => void): number {
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    f();
    times.push(Number(process.hrtime.bigint() - t0) / samples);
  }
  return median(times);
}

/**
 * The chunk value encodings on the ingest bench's kind of data: full chunks of 120 samples of node_exporter-like
 * series, each grown as XOR (as the store's heads are) and sealed (`sealChunk`: the decimal format when smaller).
 * Figures: payload bytes per sample, encoding, sealing and decoding speed, decimal against XOR in the same run.
 */
export const benchmark: Benchmark = {
  name: 'chunk-encoding',
  description: 'Decimal chunks against Gorilla XOR chunks: bytes/sample, encode and decode ns/sample',
  async run({ quick }) {
    const seriesCount = quick ? 1_000 : 10_000;
    const repeats = quick ? 3 : 7;
    const samples = seriesCount * CHUNK;
    const columns = Array.from({ length: seriesCount }, (_, i) => samplesOf(i));
    const xor = columns.map(xorChunk);
    const sealed = xor.map(sealChunk);

    const bytes = (chunks: Uint8Array[], kind?: Kind) => {
      let total = 0;
      let n = 0;
      chunks.forEach((c, i) => {
        if (kind === undefined || kindOf(i) === kind) {
          total += c.length;
          n += CHUNK;
        }
      });
      return total / n;
    };
    const decimalShare = sealed.filter((c) => chunkFormat(c) === 'decimal').length / seriesCount;

    // The two encoders from the same columns; sealing (what the store does to a full head) decodes XOR first.
    const xorNs = nsPerSample(samples, repeats, () => {
      for (const c of columns) xorChunk(c);
    });
    const decimalNs = nsPerSample(samples, repeats, () => {
      for (const c of columns) encodeDecimalChunk(c.t, c.v);
    });
    const sealNs = nsPerSample(samples, repeats, () => {
      for (const c of xor) sealChunk(c);
    });
    const t = new Float64Array(CHUNK);
    const v = new Float64Array(CHUNK);
    let check = 0;
    const xorDecodeNs = nsPerSample(samples, repeats * 3, () => {
      for (const c of xor) check += decodeXorChunkInto(c, t, v, 0);
    });
    const sealedDecodeNs = nsPerSample(samples, repeats * 3, () => {
      for (const c of sealed) check += decodeChunkInto(c, t, v, 0);
    });
    if (check !== samples * repeats * 6) throw new Error('decoded the wrong number of samples');

    return {
      peerName: 'Gorilla XOR chunks (the format before, same data, same run)',
      comparisons: [
        compare({
          metric: 'chunk payload per sample',
          unit: 'B',
          ours: bytes(sealed),
          peer: bytes(xor),
          better: 'lower',
          target: `VictoriaMetrics ${VICTORIA_METRICS_BYTES_PER_SAMPLE} B`,
        }),
        compare({ metric: 'encode per sample', unit: 'ns', ours: decimalNs, peer: xorNs, better: 'lower' }),
        compare({ metric: 'seal (XOR decode + decimal encode) per sample', unit: 'ns', ours: sealNs, peer: xorNs, better: 'lower' }),
        compare({ metric: 'decode per sample', unit: 'ns', ours: sealedDecodeNs, peer: xorDecodeNs, better: 'lower' }),
      ],
      samples: {
        seriesCount,
        samples,
        decimalShare,
        xorNs,
        decimalNs,
        sealNs,
        xorDecodeNs,
        sealedDecodeNs,
        bytesPerSampleByKind: Object.fromEntries(
          (['gauge, 2 decimals', 'counter, 4 KiB steps', 'counter, integer steps'] as const).map((k) => [
            k,
            { xor: bytes(xor, k), sealed: bytes(sealed, k) },
          ]),
        ),
      },
      notes: [
        `${seriesCount} series × one full chunk of ${CHUNK} samples at 10 s; ${(decimalShare * 100).toFixed(0)} % of the chunks sealed as decimal.`,
        ...(['gauge, 2 decimals', 'counter, 4 KiB steps', 'counter, integer steps'] as const).map(
          (k) => `${k}: XOR ${bytes(xor, k).toFixed(2)} B/sample, sealed ${bytes(sealed, k).toFixed(2)}`,
        ),
        `Encoding ${decimalNs.toFixed(1)} ns/sample decimal, ${xorNs.toFixed(1)} XOR; sealing a grown XOR chunk ${sealNs.toFixed(1)} more, once per chunk.`,
      ],
    };
  },
};
