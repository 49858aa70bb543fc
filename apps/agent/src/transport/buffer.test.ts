import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskBuffer } from './buffer';
import { FRAME_HEADER_BYTES } from './buffer-frame';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'estate-agent-buffer-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function drain<T>(buffer: DiskBuffer<T>): T[] {
  const out: T[] = [];
  for (let record = buffer.peek(); record; record = buffer.peek()) {
    out.push(record.value);
    buffer.ack(record.id);
  }
  return out;
}

const segmentFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.seg'))
    .sort();

describe('DiskBuffer', () => {
  it('hands records out in the order they were appended, across segments and reopening', () => {
    const dir = tempDir();
    const buffer = new DiskBuffer<{ n: number }>({ dir, segmentBytes: 4096 });
    for (let n = 0; n < 300; n++) buffer.append({ n });
    expect(segmentFiles(dir).length).toBeGreaterThan(1);
    // Take the first 100 and acknowledge them, then reopen: the rest come back, in order, and only once.
    const first: number[] = [];
    for (let i = 0; i < 100; i++) {
      const record = buffer.peek();
      if (!record) throw new Error('buffer ran dry');
      first.push(record.value.n);
      buffer.ack(record.id);
    }
    buffer.close();
    const reopened = new DiskBuffer<{ n: number }>({ dir, segmentBytes: 4096 });
    const rest = drain(reopened).map((v) => v.n);
    expect([...first, ...rest]).toEqual(Array.from({ length: 300 }, (_, n) => n));
    expect(reopened.stats().pending).toBe(0);
  });

  it('deletes segment files once every record in them is acknowledged', () => {
    const dir = tempDir();
    const buffer = new DiskBuffer<{ n: number; pad?: string }>({ dir, segmentBytes: 4096 });
    for (let n = 0; n < 200; n++) buffer.append({ n, pad: 'x'.repeat(40) });
    const before = segmentFiles(dir).length;
    drain(buffer);
    buffer.append({ n: 200 });
    expect(before).toBeGreaterThan(2);
    expect(segmentFiles(dir).length).toBe(1);
    expect(drain(buffer)).toEqual([{ n: 200 }]);
  });

  it('stays within its bound by dropping the oldest records first, and counts them across restarts', () => {
    const dir = tempDir();
    const maxBytes = 16 * 1024;
    const buffer = new DiskBuffer<{ n: number; pad: string }>({ dir, maxBytes, segmentBytes: 2048 });
    const pad = 'p'.repeat(100);
    for (let n = 0; n < 1000; n++) {
      buffer.append({ n, pad });
      const bytes = segmentFiles(dir).reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
      expect(bytes).toBeLessThanOrEqual(maxBytes);
    }
    const stats = buffer.stats();
    expect(stats.dropped).toBeGreaterThan(800);
    buffer.close();
    const reopened = new DiskBuffer<{ n: number; pad: string }>({ dir, maxBytes, segmentBytes: 2048 });
    expect(reopened.stats().dropped).toBe(stats.dropped);
    const kept = drain(reopened).map((v) => v.n);
    // What is left is the newest records, contiguous and in order, and nothing is both kept and counted as dropped.
    expect(kept.at(-1)).toBe(999);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 1000 - kept.length + i));
    expect(kept.length + stats.dropped).toBe(1000);
  });

  it('hands out a run of the oldest records across segments, stopping where the caller says', () => {
    const buffer = new DiskBuffer<{ n: number; pad: string }>({ dir: tempDir(), segmentBytes: 4096 });
    for (let n = 0; n < 100; n++) buffer.append({ n, pad: 'x'.repeat(100) });
    const first = buffer.peek();
    if (first) buffer.ack(first.id);
    const run = buffer.peekRun(60, (value) => value.n < 50);
    expect(run.map((r) => r.value.n)).toEqual(Array.from({ length: 49 }, (_, i) => i + 1));
    expect(buffer.peekRun(10, () => true).map((r) => r.value.n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const record of run) buffer.ack(record.id);
    expect(buffer.peek()?.value.n).toBe(50);
    expect(buffer.stats().pending).toBe(50);
  });

  it('refuses a record larger than the whole buffer', () => {
    const buffer = new DiskBuffer({ dir: tempDir(), maxBytes: 4096 });
    expect(() => buffer.append({ pad: 'x'.repeat(5000) })).toThrow(RangeError);
    expect(buffer.stats().pending).toBe(0);
  });

  it('loses only the damaged record when bytes of a segment are flipped', () => {
    const dir = tempDir();
    const buffer = new DiskBuffer<{ n: number; text: string }>({ dir, segmentBytes: 1024 * 1024 });
    for (let n = 0; n < 10; n++) buffer.append({ n, text: `record ${n}` });
    buffer.close();
    const [file] = segmentFiles(dir);
    const bytes = readFileSync(path.join(dir, file as string));
    const frameSize = bytes.length / 10;
    // Damage record 3's payload and record 6's header (its length field).
    const flip = (at: number, mask: number) => bytes.writeUInt8(bytes.readUInt8(at) ^ mask, at);
    flip(3 * frameSize + FRAME_HEADER_BYTES + 5, 0xff);
    flip(6 * frameSize + 5, 0x40);
    writeFileSync(path.join(dir, file as string), bytes);
    const reopened = new DiskBuffer<{ n: number; text: string }>({ dir });
    expect(drain(reopened).map((v) => v.n)).toEqual([0, 1, 2, 4, 5, 7, 8, 9]);
    expect(reopened.stats().damaged).toBe(2);
  });

  it('loses only the torn last record when a segment is truncated, and appends after it to a new segment', () => {
    const dir = tempDir();
    const buffer = new DiskBuffer<{ n: number }>({ dir });
    for (let n = 0; n < 5; n++) buffer.append({ n });
    buffer.close();
    const [file] = segmentFiles(dir);
    const full = path.join(dir, file as string);
    truncateSync(full, statSync(full).size - 3);
    const reopened = new DiskBuffer<{ n: number }>({ dir });
    reopened.append({ n: 5 });
    expect(segmentFiles(dir)).toHaveLength(2);
    expect(drain(reopened).map((v) => v.n)).toEqual([0, 1, 2, 3, 5]);
    expect(reopened.stats().damaged).toBe(1);
  });

  it('keeps every acknowledged append when its writer is killed with SIGKILL mid-stream', async () => {
    const dir = tempDir();
    const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'buffer-writer.fixture.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lastReported = -1;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      let pending = '';
      child.stdout.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) lastReported = Number(line);
        if (lastReported >= 400 && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.once('exit', (code) => (lastReported >= 400 ? resolve() : reject(new Error(`writer exited ${code}: ${stderr}`))));
    });
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode ? resolve(null) : child.once('exit', resolve)));
    const reopened = new DiskBuffer<{ n: number }>({ dir });
    const values = drain(reopened).map((v) => v.n);
    // Every append the writer reported is there, in order; at most the few after it (written, not yet reported).
    expect(values.length).toBeGreaterThan(lastReported);
    expect(values).toEqual(Array.from({ length: values.length }, (_, n) => n));
  });
});
