import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { encodeFrame, readFrameAt, scanSegment } from './buffer-frame';

/** Where the buffer keeps its files and how big it may grow. */
export interface BufferOptions {
  /** The buffer's own directory (created when missing); nothing else may write there. */
  dir: string;
  /** Bound on the bytes of all segment files together; default 64 MiB. */
  maxBytes?: number;
  /** A segment is closed and a new one begun past this size; default an eighth of `maxBytes`, at most 4 MiB. */
  segmentBytes?: number;
}

/** A record waiting to be sent, with the position that `ack` takes back. */
export interface BufferedRecord<T> {
  id: { segment: number; offset: number };
  value: T;
}

/** Counters of a buffer, for logs, `estate-agent status` and the `dropped` field of metrics reports. */
export interface BufferStats {
  /** Records appended and not yet acknowledged. */
  pending: number;
  /** Bytes of all segment files on disk. */
  bytes: number;
  /** Records dropped, oldest first, because the buffer was full; kept across restarts. */
  dropped: number;
  /** Records found damaged (bad checksum, torn append) and skipped since this process opened the buffer. */
  damaged: number;
  segments: number;
}

interface Segment {
  seq: number;
  file: string;
  size: number;
  /** Offsets and on-disk sizes of its records, in order; those before `start` are acknowledged. */
  records: Array<{ offset: number; size: number }>;
  start: number;
}

interface Head {
  segment: number;
  offset: number;
  dropped: number;
}

const SEGMENT_SUFFIX = '.seg';
const HEAD_FILE = 'head.json';

/**
 * A disk-backed FIFO of JSON records (store-and-forward; ADR 0010). Every append is framed (length, CRC32),
 * written to the newest append-only segment file and fsynced before `append` returns, so a record the caller was
 * told about survives `kill -9` and power loss. Records leave in the order they came; `ack` removes the oldest and
 * deletes segment files once all their records are acknowledged. When the bound would be passed, whole segments
 * are dropped oldest first and counted. On open, damaged or torn records are skipped (each costs only itself) and
 * appends go to a fresh segment, never after a torn tail. Not safe for two processes on one directory.
 */
export class DiskBuffer<T = unknown> {
  readonly dir: string;
  private readonly maxBytes: number;
  private readonly segmentBytes: number;
  private segments: Segment[] = [];
  private activeFd: number | null = null;
  private head: Head = { segment: 0, offset: 0, dropped: 0 };
  private damaged = 0;
  private nextSeq = 1;

  constructor(options: BufferOptions) {
    this.dir = options.dir;
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.segmentBytes = options.segmentBytes ?? Math.min(4 * 1024 * 1024, Math.max(4096, Math.floor(this.maxBytes / 8)));
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.recover();
  }

  /** Appends one record durably (written and fsynced). Throws when the record alone is larger than the bound. */
  append(value: T): void {
    const frame = encodeFrame(Buffer.from(JSON.stringify(value), 'utf8'));
    if (frame.length > this.maxBytes) throw new RangeError(`A record of ${frame.length} bytes cannot fit a buffer of ${this.maxBytes}.`);
    this.makeRoom(frame.length);
    let active = this.activeSegment();
    if (!active || active.size + frame.length > this.segmentBytes) active = this.startSegment();
    const fd = this.activeFd as number;
    let written = 0;
    while (written < frame.length) written += writeSync(fd, frame, written, frame.length - written, active.size + written);
    fsyncSync(fd);
    active.records.push({ offset: active.size, size: frame.length });
    active.size += frame.length;
  }

  /** The oldest record not yet acknowledged, or undefined when the buffer is empty. Damaged records are skipped. */
  peek(): BufferedRecord<T> | undefined {
    for (;;) {
      const segment = this.segments[0];
      if (!segment) return undefined;
      const record = segment.records[segment.start];
      if (!record) {
        if (segment === this.activeSegment()) return undefined;
        this.removeOldestSegment();
        continue;
      }
      const value = this.read(segment, record);
      const id = { segment: segment.seq, offset: record.offset };
      if (value !== undefined) return { id, value };
      // Damaged on disk since it was written: it costs only itself.
      this.damaged++;
      this.ack(id);
    }
  }

  /**
   * Up to `limit` of the oldest records, in order, whose values `accept` takes (it sees each candidate and the ones
   * taken so far); stops at the first it refuses or that cannot be read. Nothing is removed: `ack` each id in order.
   */
  peekRun(limit: number, accept: (value: T, taken: ReadonlyArray<BufferedRecord<T>>) => boolean): BufferedRecord<T>[] {
    const first = this.peek();
    if (!first || !accept(first.value, [])) return [];
    const taken: BufferedRecord<T>[] = [first];
    let s = 0;
    let i = (this.segments[0] as Segment).start + 1;
    while (taken.length < limit) {
      const segment = this.segments[s];
      if (!segment) break;
      const record = segment.records[i];
      if (!record) {
        s++;
        i = this.segments[s]?.start ?? 0;
        continue;
      }
      const value = this.read(segment, record);
      if (value === undefined || !accept(value, taken)) break;
      taken.push({ id: { segment: segment.seq, offset: record.offset }, value });
      i++;
    }
    return taken;
  }

  /** Removes the oldest record, which must be `id` (the one `peek` returned). Acknowledging twice is a no-op. */
  ack(id: BufferedRecord<T>['id']): void {
    const segment = this.segments[0];
    const record = segment?.records[segment.start];
    if (!segment || !record || segment.seq !== id.segment || record.offset !== id.offset) return;
    segment.start++;
    this.head = { ...this.head, segment: segment.seq, offset: record.offset + record.size };
    this.saveHead();
    if (segment.start >= segment.records.length && segment !== this.activeSegment()) this.removeOldestSegment();
  }

  /** The buffer's counters. */
  stats(): BufferStats {
    return {
      pending: this.segments.reduce((n, s) => n + s.records.length - s.start, 0),
      bytes: this.segments.reduce((n, s) => n + s.size, 0),
      dropped: this.head.dropped,
      damaged: this.damaged,
      segments: this.segments.length,
    };
  }

  /** Closes the active segment file. The buffer must not be used afterwards. */
  close(): void {
    if (this.activeFd !== null) closeSync(this.activeFd);
    this.activeFd = null;
  }

  /** Reads one record's value, or undefined when its frame or JSON is damaged. */
  private read(segment: Segment, record: { offset: number; size: number }): T | undefined {
    const bytes = Buffer.alloc(record.size);
    const fd = openSync(segment.file, 'r');
    try {
      readSync(fd, bytes, 0, record.size, record.offset);
    } finally {
      closeSync(fd);
    }
    const frame = readFrameAt(bytes, 0);
    if (!frame) return undefined;
    try {
      return JSON.parse(frame.payload.toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }

  private activeSegment(): Segment | undefined {
    return this.activeFd === null ? undefined : this.segments[this.segments.length - 1];
  }

  private startSegment(): Segment {
    this.close();
    const seq = this.nextSeq++;
    const file = path.join(this.dir, `${String(seq).padStart(20, '0')}${SEGMENT_SUFFIX}`);
    this.activeFd = openSync(file, 'wx', 0o600);
    syncDir(this.dir);
    const segment: Segment = { seq, file, size: 0, records: [], start: 0 };
    this.segments.push(segment);
    return segment;
  }

  /** Drops whole segments, oldest first, until `incoming` more bytes fit the bound. */
  private makeRoom(incoming: number): void {
    const total = () => this.segments.reduce((n, s) => n + s.size, 0);
    while (this.segments.length > 0 && total() + incoming > this.maxBytes) {
      const oldest = this.segments[0] as Segment;
      if (oldest === this.activeSegment()) this.close();
      this.head = { ...this.head, dropped: this.head.dropped + oldest.records.length - oldest.start };
      this.removeOldestSegment();
      this.saveHead();
    }
  }

  private removeOldestSegment(): void {
    const segment = this.segments.shift();
    if (!segment) return;
    if (this.segments.length === 0 && this.activeFd !== null) this.close();
    unlinkSync(segment.file);
  }

  private saveHead(): void {
    const file = path.join(this.dir, HEAD_FILE);
    writeFileSync(`${file}.tmp`, JSON.stringify(this.head), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }

  /** Reads the head and every segment; acknowledged and empty segments are deleted, damaged records skipped. */
  private recover(): void {
    try {
      const saved = JSON.parse(readFileSync(path.join(this.dir, HEAD_FILE), 'utf8')) as Partial<Head>;
      this.head = {
        segment: Number.isInteger(saved.segment) ? Number(saved.segment) : 0,
        offset: Number.isInteger(saved.offset) ? Number(saved.offset) : 0,
        dropped: Number.isInteger(saved.dropped) ? Number(saved.dropped) : 0,
      };
    } catch {
      // No head yet (a new buffer) or an unreadable one: start from the oldest record, resending is harmless.
    }
    const files = readdirSync(this.dir)
      .filter((f) => /^\d{20}\.seg$/.test(f))
      .sort();
    for (const name of files) {
      const seq = Number(name.slice(0, 20));
      const file = path.join(this.dir, name);
      this.nextSeq = Math.max(this.nextSeq, seq + 1);
      const bytes = readFileSync(file);
      const scan = scanSegment(bytes);
      this.damaged += scan.damaged;
      const records = scan.frames
        .filter((f) => seq > this.head.segment || (seq === this.head.segment && f.offset >= this.head.offset))
        .map((f) => ({ offset: f.offset, size: f.size }));
      if (records.length === 0) {
        unlinkSync(file);
        continue;
      }
      this.segments.push({ seq, file, size: bytes.length, records, start: 0 });
    }
  }
}

/** Makes a new file's directory entry durable. */
function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the file's own fsync still holds its contents.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
