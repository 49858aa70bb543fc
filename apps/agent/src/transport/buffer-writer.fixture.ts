/*
 * A child process for the buffer's crash test: appends numbered records to the buffer in `argv[2]` as fast as it
 * can and prints each number once its append returned (written and fsynced), until it is killed.
 */
import { DiskBuffer } from './buffer';

const dir = process.argv[2];
if (!dir) throw new Error('usage: buffer-writer.fixture.ts <dir>');
const buffer = new DiskBuffer<{ n: number; pad: string }>({ dir, maxBytes: 64 * 1024 * 1024, segmentBytes: 64 * 1024 });
const pad = 'x'.repeat(500);
for (let n = 0; ; n++) {
  buffer.append({ n, pad });
  process.stdout.write(`${n}\n`);
  if (n % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
}
