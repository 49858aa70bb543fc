import { describe, expect, it } from 'vitest';
import { ProtobufError, ProtoReader, ProtoWriter } from './protobuf';
import { decodeWriteRequestV1, decodeWriteRequestV2, encodeWriteRequestV1, encodeWriteRequestV2, type WriteSeries } from './remote-write';

const enc = (s: string) => [...new TextEncoder().encode(s)];
const len = (bytes: number[]) => [bytes.length, ...bytes];
const double = (v: number) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return [...b];
};

describe('protobuf primitives', () => {
  it('round-trips varints across the 32-bit boundary and int64 negatives', () => {
    for (const v of [0, 1, 127, 128, 2 ** 31, 2 ** 32 + 5, 1_796_353_885_003, 2 ** 53 - 1, -1, -1_000, -(2 ** 40)]) {
      const w = new ProtoWriter();
      w.varint(v);
      expect(new ProtoReader(w.finish()).varint(), String(v)).toBe(v);
    }
    // -1 as int64 is ten bytes on the wire.
    const w = new ProtoWriter();
    w.varint(-1);
    expect(w.finish()).toEqual(Uint8Array.from([255, 255, 255, 255, 255, 255, 255, 255, 255, 1]));
  });

  it('refuses truncation, fields that overrun their message, and invalid UTF-8', () => {
    expect(() => new ProtoReader(Uint8Array.from([0x80])).varint()).toThrow(ProtobufError);
    expect(() => new ProtoReader(Uint8Array.from([5, 1, 2])).bytesBounds()).toThrow(/runs past/);
    expect(() => new ProtoReader(Uint8Array.from([2, 0xc3, 0x28])).string()).toThrow(/UTF-8/);
  });
});

describe('remote_write 1.0', () => {
  it('decodes a WriteRequest built byte by byte from the .proto (labels, a sample, metadata)', () => {
    const label = (n: string, v: string) => [0x0a, ...len([0x0a, ...len(enc(n)), 0x12, ...len(enc(v))])];
    const sample = [0x12, ...len([0x09, ...double(0.5), 0x10, 0xe8, 0x07])]; // value 0.5, timestamp 1000
    const series = [0x0a, ...len([...label('__name__', 'up'), ...label('job', 'node'), ...sample])];
    const metadata = [0x1a, ...len([0x08, 2, 0x12, ...len(enc('up')), 0x22, ...len(enc('Target is up.'))])];
    const request = decodeWriteRequestV1(Uint8Array.from([...series, ...metadata]));
    expect(request.series).toEqual([
      {
        labels: [
          ['__name__', 'up'],
          ['job', 'node'],
        ],
        samples: [[1000, 0.5]],
      },
    ]);
    expect(request.metadata).toEqual([{ family: 'up', type: 'gauge', help: 'Target is up.', unit: '' }]);
  });

  it('round-trips what it encodes, stale markers and negative timestamps included', () => {
    const stale = new DataView(new ArrayBuffer(8));
    stale.setBigUint64(0, 0x7ff0000000000002n);
    const series: WriteSeries[] = [
      {
        labels: [
          ['__name__', 'node_load1'],
          ['instance', 'h1:9100'],
        ],
        samples: [
          [1_796_353_885_003, 0.25],
          [1_796_353_895_003, stale.getFloat64(0)],
        ],
      },
      { labels: [['__name__', 'ünïcode_ok']], samples: [[-5, -0]] },
    ];
    const back = decodeWriteRequestV1(encodeWriteRequestV1(series));
    expect(back.series.map((s) => s.labels)).toEqual(series.map((s) => s.labels));
    const bits = (v: number) => {
      const d = new DataView(new ArrayBuffer(8));
      d.setFloat64(0, v);
      return d.getBigUint64(0);
    };
    expect(back.series.flatMap((s) => s.samples.map(([t, v]) => [t, bits(v)]))).toEqual(
      series.flatMap((s) => s.samples.map(([t, v]) => [t, bits(v)])),
    );
  });

  it('carries stale markers by index, as their bits: a NaN kept in an array may have been quietened', () => {
    const series: WriteSeries[] = [
      {
        labels: [['__name__', 'up']],
        samples: [
          [1000, 1],
          [2000, Number.NaN],
          [3000, Number.NaN],
        ],
        stale: [1],
      },
    ];
    for (const back of [decodeWriteRequestV1(encodeWriteRequestV1(series)), decodeWriteRequestV2(encodeWriteRequestV2(series))]) {
      expect(back.series[0]?.stale).toEqual([1]);
      expect(back.series[0]?.samples.map(([t]) => t)).toEqual([1000, 2000, 3000]);
    }
    // On the wire the marker is exactly 0x7ff0000000000002, little-endian, after the double's tag (field 1, fixed64).
    const wire = encodeWriteRequestV1(series);
    const marker = [0x09, 0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f];
    const at = wire.findIndex((_, i) => marker.every((b, j) => wire[i + j] === b));
    expect(at).toBeGreaterThan(0);
  });

  it('counts native histograms and exemplars it does not carry, and skips unknown fields', () => {
    const body = Uint8Array.from([0x0a, ...len([0x1a, 0, 0x22, 0, 0x22, 0, 0x28, 7]), 0x10, 3]);
    const request = decodeWriteRequestV1(body);
    expect(request).toMatchObject({ histogramsSkipped: 2, exemplarsSkipped: 1, series: [{ labels: [], samples: [] }] });
  });
});

describe('remote_write 2.0', () => {
  it('round-trips series with interned symbols and metadata', () => {
    const series: WriteSeries[] = [
      {
        labels: [
          ['__name__', 'http_requests_total'],
          ['code', '200'],
        ],
        samples: [[1000, 1]],
        metadata: { type: 'counter', help: 'Requests.', unit: '' },
        createdTimestamp: 500,
      },
      {
        labels: [
          ['__name__', 'http_requests_total'],
          ['code', '500'],
        ],
        samples: [[1000, 2]],
        metadata: { type: 'counter', help: 'Requests.', unit: '' },
      },
    ];
    const body = encodeWriteRequestV2(series);
    // "http_requests_total" is sent once.
    expect(Buffer.from(body).toString('latin1').split('http_requests_total').length - 1).toBe(1);
    const back = decodeWriteRequestV2(body);
    expect(back.series).toEqual(series);
  });

  it('refuses references outside the symbol table, an odd label list, and a first symbol that is not empty', () => {
    const seriesWith = (refs: number[]) => [0x2a, ...len([0x0a, ...len(refs)])];
    const symbols = [0x22, 0, 0x22, ...len(enc('a'))];
    expect(() => decodeWriteRequestV2(Uint8Array.from([...symbols, ...seriesWith([1, 9])]))).toThrow(/outside the table/);
    expect(() => decodeWriteRequestV2(Uint8Array.from([...symbols, ...seriesWith([1])]))).toThrow(/odd/);
    expect(() => decodeWriteRequestV2(Uint8Array.from([0x22, ...len(enc('x')), ...seriesWith([0, 0])]))).toThrow(/empty string/);
  });
});
