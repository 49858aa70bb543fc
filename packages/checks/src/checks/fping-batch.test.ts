import { describe, expect, it } from 'vitest';
import { FpingBatcher, type FpingRunner, type PingOutcome, parseFpingOutput, spawnFping } from './fping-batch';

describe('fping output parser', () => {
  it('reads each target’s round trips, losses as null, and keeps other lines as notes', () => {
    const text = [
      '127.0.0.1      : 0.089 0.061 0.080',
      '::1            : 0.089 - 0.094',
      '10.9.9.9       : - - -',
      '127.0.0.1 : duplicate for [0], 64 bytes, 0.10 ms',
      'ICMP Host Unreachable from 10.1.1.1 for ICMP Echo sent to 10.1.1.5',
      '10.1.1.5       : - - -',
      '10.2.2.2: error while sending ping: No route to host',
      'fping: some unrelated complaint',
      '192.0.2.77     : 1.5 1.6 1.7',
      '',
    ].join('\n');
    const report = parseFpingOutput(text, ['127.0.0.1', '::1', '10.9.9.9', '10.1.1.5', '10.2.2.2']);
    expect(Object.fromEntries(report.results)).toEqual({
      '127.0.0.1': [0.089, 0.061, 0.08],
      '::1': [0.089, null, 0.094],
      '10.9.9.9': [null, null, null],
      '10.1.1.5': [null, null, null],
    });
    expect(report.notes.get('127.0.0.1')).toEqual(['127.0.0.1 : duplicate for [0], 64 bytes, 0.10 ms']);
    expect(report.notes.get('10.1.1.5')).toEqual(['ICMP Host Unreachable from 10.1.1.1 for ICMP Echo sent to 10.1.1.5']);
    expect(report.notes.get('10.2.2.2')).toEqual(['10.2.2.2: error while sending ping: No route to host']);
    // A target not asked for is never reported, whatever fping printed.
    expect(report.results.has('192.0.2.77')).toBe(false);
  });
});

/** A runner that records each run and answers when the test says so. */
function fakeRunner() {
  const runs: { args: string[]; signal: AbortSignal; answer(stderr: string, code?: number): void }[] = [];
  const run: FpingRunner = (args, signal) =>
    new Promise((resolve) => {
      runs.push({ args, signal, answer: (stderr, code = 0) => resolve({ stderr, code }) });
    });
  return { run, runs };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 5));
}

const signal = () => new AbortController().signal;

describe('fping batcher', () => {
  it('runs requests with the same count and period in one fping, each caller getting its own result', async () => {
    const fake = fakeRunner();
    const batcher = new FpingBatcher({ run: fake.run, windowMs: 20 });
    const a = batcher.ping({ address: '127.0.0.1', count: 3, periodMs: 500 }, signal());
    const b = batcher.ping({ address: '::1', count: 3, periodMs: 500 }, signal());
    const again = batcher.ping({ address: '127.0.0.1', count: 3, periodMs: 500 }, signal());
    const other = batcher.ping({ address: '10.0.0.1', count: 2, periodMs: 500 }, signal());
    await until(() => fake.runs.length === 2);
    const three = fake.runs.find((r) => r.args[1] === '3')!;
    expect(three.args).toEqual(['-C', '3', '-q', '-p', '500', '-t', '500', '-B1', '-r0', '-i', '1', '127.0.0.1', '::1']);
    three.answer('127.0.0.1 : 0.10 0.20 -\n::1 : 0.30 0.30 0.30\n', 1);
    fake.runs.find((r) => r.args[1] === '2')!.answer('10.0.0.1 : - -\n', 1);
    expect(await a).toEqual({ kind: 'replied', rtts: [0.1, 0.2, null] });
    expect(await again).toEqual({ kind: 'replied', rtts: [0.1, 0.2, null] });
    expect(await b).toEqual({ kind: 'replied', rtts: [0.3, 0.3, 0.3] });
    expect(await other).toEqual({ kind: 'replied', rtts: [null, null] });
    expect(batcher.runs).toBe(2);
  });

  it('caps a batch: the request that fills it starts fping at once, the next starts another', async () => {
    const fake = fakeRunner();
    const batcher = new FpingBatcher({ run: fake.run, windowMs: 60_000, maxTargets: 2 });
    const third = new AbortController();
    const pings = ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((address, i) =>
      batcher.ping({ address, count: 1, periodMs: 100 }, i === 2 ? third.signal : signal()),
    );
    await until(() => fake.runs.length === 1);
    expect(fake.runs[0]!.args.slice(-2)).toEqual(['10.0.0.1', '10.0.0.2']);
    fake.runs[0]!.answer('10.0.0.1 : 1.0\n10.0.0.2 : 2.0\n');
    expect(await pings[0]).toEqual({ kind: 'replied', rtts: [1] });
    // The third waits for its own window (a minute here); nothing else has started it.
    expect(fake.runs).toHaveLength(1);
    third.abort();
    expect(await pings[2]).toEqual({ kind: 'aborted' });
    const cap = new FpingBatcher({ run: fake.run, windowMs: 60_000, maxTargets: 1 });
    const fourth = cap.ping({ address: '10.0.0.4', count: 1, periodMs: 100 }, signal());
    await until(() => fake.runs.length === 2);
    fake.runs[1]!.answer('10.0.0.4 : -\n');
    expect(await fourth).toEqual({ kind: 'replied', rtts: [null] });
  });

  it('answers an aborted caller at once and keeps the batch running for the others; killed when none is left', async () => {
    const fake = fakeRunner();
    const batcher = new FpingBatcher({ run: fake.run, windowMs: 10 });
    const first = new AbortController();
    const second = new AbortController();
    const a = batcher.ping({ address: '10.0.0.1', count: 1, periodMs: 100 }, first.signal);
    const b = batcher.ping({ address: '10.0.0.2', count: 1, periodMs: 100 }, second.signal);
    await until(() => fake.runs.length === 1);
    first.abort();
    expect(await a).toEqual({ kind: 'aborted' });
    expect(fake.runs[0]!.signal.aborted).toBe(false);
    fake.runs[0]!.answer('10.0.0.1 : 1.0\n10.0.0.2 : 2.0\n');
    expect(await b).toEqual({ kind: 'replied', rtts: [2] });

    const lone = new AbortController();
    const c = batcher.ping({ address: '10.0.0.3', count: 1, periodMs: 100 }, lone.signal);
    await until(() => fake.runs.length === 2);
    lone.abort();
    expect(await c).toEqual({ kind: 'aborted' });
    expect(fake.runs[1]!.signal.aborted).toBe(true);

    // Aborted before its window closed: no fping at all.
    const early = new AbortController();
    const d = batcher.ping({ address: '10.0.0.4', count: 1, periodMs: 100 }, early.signal);
    early.abort();
    expect(await d).toEqual({ kind: 'aborted' });
    await new Promise((r) => setTimeout(r, 30));
    expect(fake.runs).toHaveLength(2);
  });

  it('tells a target fping said something about from one it could not run for', async () => {
    const fake = fakeRunner();
    const batcher = new FpingBatcher({ run: fake.run, windowMs: 5 });
    const a = batcher.ping({ address: '10.0.0.1', count: 1, periodMs: 100 }, signal());
    const b = batcher.ping({ address: '10.0.0.2', count: 1, periodMs: 100 }, signal());
    await until(() => fake.runs.length === 1);
    fake.runs[0]!.answer('10.0.0.1: error while sending ping: Network is unreachable\n', 1);
    expect(await a).toEqual({ kind: 'failed', message: 'fping: 10.0.0.1: error while sending ping: Network is unreachable' });
    expect((await b).kind).toBe('fault');

    const missing = new FpingBatcher({ run: spawnFping('/nonexistent/fping'), windowMs: 1 });
    const outcome: PingOutcome = await missing.ping({ address: '127.0.0.1', count: 1, periodMs: 100 }, signal());
    expect(outcome).toMatchObject({ kind: 'fault', message: expect.stringMatching(/^fping could not run: .*ENOENT/) });
  });
});
