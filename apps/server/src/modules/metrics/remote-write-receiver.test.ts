import { encodeWriteRequestV1, snappyEncode, type WriteSeries } from '@estate/tsdb';
import { describe, expect, it } from 'vitest';
import { decodeRemoteWrite, receiveRemoteWrite } from './remote-write-receiver';
import type { AppendResult, MetricSample, MetricStore } from './store/metric-store';

const STALE = new DataView(new Uint8Array([0x7f, 0xf0, 0, 0, 0, 0, 0, 2]).buffer).getFloat64(0);
const T0 = 1_704_110_400_000;

/** A store that takes MetricSamples only (as a remote backend does), refusing the samples whose value is 13. */
function plainStore() {
  const received: MetricSample[] = [];
  const store = {
    async append(samples: readonly MetricSample[]): Promise<AppendResult> {
      received.push(...samples);
      const rejected = samples.flatMap((s, index) => (s.v === 13 ? [{ index, reason: 'out_of_order' as const, message: 'late' }] : []));
      return { appended: samples.length - rejected.length, duplicates: 0, rejected };
    },
  } as unknown as MetricStore;
  return { store, received };
}

describe('the remote_write receiver', () => {
  it('hands a store without a columns path MetricSamples, stale markers said so, and names refusals by series', async () => {
    const series: WriteSeries[] = [
      { labels: [['__name__', 'up']], samples: [[T0, 1]] },
      { labels: [['job', 'nameless']], samples: [[T0, 2]] },
      {
        labels: [
          ['__name__', 'down'],
          ['job', 'x'],
        ],
        samples: [
          [T0, 13],
          [T0 + 1_000, STALE],
        ],
        stale: [1],
      },
    ];
    const decoded = decodeRemoteWrite(snappyEncode(encodeWriteRequestV1(series)), 1, 'snappy');
    const { store, received } = plainStore();
    const outcome = await receiveRemoteWrite(store, decoded, { oldest: T0 - 1, newest: T0 + 60_000 });
    expect(received).toEqual([
      { labels: { __name__: 'up' }, t: T0, v: 1 },
      { labels: { __name__: 'down', job: 'x' }, t: T0, v: 13 },
      { labels: { __name__: 'down', job: 'x' }, t: T0 + 1_000, v: Number.NaN, stale: true },
    ]);
    expect(outcome.samplesWritten).toBe(2);
    expect(outcome.refused.map((r) => [r.series, r.reason, r.samples])).toEqual([
      [1, 'invalid', 1],
      [2, 'out_of_order', 1],
    ]);
    expect(outcome.refusedSeries).toBe(2);
  });
});
