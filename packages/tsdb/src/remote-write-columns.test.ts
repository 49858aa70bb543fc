import { describe, expect, it } from 'vitest';
import { ProtobufError } from './protobuf';
import { encodeWriteRequestV1, encodeWriteRequestV2, type WriteSeries } from './remote-write';
import { decodeWriteColumnsV1, decodeWriteColumnsV2, type WriteColumns } from './remote-write-columns';

const enc = (s: string) => [...new TextEncoder().encode(s)];
const len = (bytes: number[]) => [bytes.length, ...bytes];
const label = (n: number[], v: number[]) => [0x0a, ...len([0x0a, ...len(n), 0x12, ...len(v)])];
const sample = [0x12, ...len([0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0x10, 0xe8, 0x07])]; // value 1, timestamp 1000

/** Series i's key bytes. */
const keyOf = (c: WriteColumns, i: number) => [...c.keyBytes.subarray(c.keyBounds[2 * i], c.keyBounds[2 * i + 1])];

const up = (instance: string): WriteSeries => ({
  labels: [
    ['__name__', 'up'],
    ['instance', instance],
  ],
  samples: [[1000, 1]],
});

describe('remote_write in columns', () => {
  it('keys a label set by its bytes: the same in every request that sends it, different for another', () => {
    const first = decodeWriteColumnsV1(encodeWriteRequestV1([up('a'), up('b')]));
    const second = decodeWriteColumnsV1(encodeWriteRequestV1([up('c'), up('a')]));
    expect(keyOf(first, 0)).toEqual(keyOf(second, 1));
    expect(keyOf(first, 0)).not.toEqual(keyOf(first, 1));
    // 2.0 builds its keys (its label references mean nothing outside their request): each name and value with its length.
    const v2 = decodeWriteColumnsV2(encodeWriteRequestV2([up('b'), up('a')]));
    expect(keyOf(v2, 1)).toEqual([...len(enc('__name__')), ...len(enc('up')), ...len(enc('instance')), ...len(enc('a'))]);
    expect(keyOf(v2, 0)).not.toEqual(keyOf(v2, 1));
  });

  it('gives no key to labels that do not come together, so they are read every time', () => {
    const series = [0x0a, ...len([...label(enc('__name__'), enc('up')), ...sample, ...label(enc('job'), enc('x'))])];
    const c = decodeWriteColumnsV1(Uint8Array.from(series));
    expect([c.keyBounds[0], c.keyBounds[1]]).toEqual([-1, -1]);
    expect(c.labels(0)).toEqual([
      ['__name__', 'up'],
      ['job', 'x'],
    ]);
    expect([c.timestamps[0], c.values[0]]).toEqual([1000, 1]);
  });

  it('puts each series samples in columns, stale markers by their bits', () => {
    const stale = new DataView(new Uint8Array([0x7f, 0xf0, 0, 0, 0, 0, 0, 2]).buffer).getFloat64(0);
    const series: WriteSeries[] = [
      { ...up('a'), samples: [] },
      {
        ...up('b'),
        samples: [
          [1000, 0.5],
          [2000, stale],
        ],
        stale: [1],
      },
      up('c'),
    ];
    for (const c of [decodeWriteColumnsV1(encodeWriteRequestV1(series)), decodeWriteColumnsV2(encodeWriteRequestV2(series))]) {
      expect([...c.sampleStart.subarray(0, c.seriesCount + 1)]).toEqual([0, 0, 2, 3]);
      expect([...c.timestamps.subarray(0, c.sampleCount)]).toEqual([1000, 2000, 1000]);
      expect([...c.stale.subarray(0, c.sampleCount)]).toEqual([0, 1, 0]);
      expect(c.labels(2)).toEqual(up('c').labels);
    }
  });

  it('reads labels only when asked, and refuses then what is not UTF-8 or not a Label', () => {
    const body = Uint8Array.from([0x0a, ...len([...label(enc('__name__'), [0xc3, 0x28]), ...sample])]);
    const c = decodeWriteColumnsV1(body);
    expect(c.seriesCount).toBe(1);
    expect(() => c.labels(0)).toThrow(ProtobufError);
    // A label whose name claims more bytes than the label holds.
    const broken = decodeWriteColumnsV1(Uint8Array.from([0x0a, ...len([0x0a, ...len([0x0a, 5, 97]), ...sample])]));
    expect(() => broken.labels(0)).toThrow(/runs past/);
  });

  it('grows past its first guess of the series and samples a body holds', () => {
    const many = Array.from({ length: 3000 }, (_, i) => ({ ...up(`h${i}`), samples: [[i, i] as [number, number]] }));
    const c = decodeWriteColumnsV1(encodeWriteRequestV1(many));
    expect(c.seriesCount).toBe(3000);
    expect(c.labels(2999)).toEqual(up('h2999').labels);
    expect(c.timestamps[2999]).toBe(2999);
  });
});
