import { readFileSync, rmSync } from 'node:fs';
import type { HostSnapshot } from '@estate/contract';
import { writeFileAtomic } from './identity';

/** The snapshot the server last acknowledged, the base of the next delta. */
export interface AckedSnapshot {
  hash: string;
  snapshot: HostSnapshot;
}

/**
 * Keeps the last snapshot the server acknowledged in a file of the state directory, so a restarted agent goes on
 * sending deltas. A missing or unreadable file means "no base": the next report is full.
 */
export class InventoryState {
  private acked: AckedSnapshot | null;

  constructor(private readonly file: string) {
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as AckedSnapshot;
      this.acked = typeof parsed.hash === 'string' && parsed.snapshot ? parsed : null;
    } catch {
      this.acked = null;
    }
  }

  /** The acknowledged snapshot, or null when the next report must be full. */
  get(): AckedSnapshot | null {
    return this.acked;
  }

  /** Records what the server now holds. */
  set(acked: AckedSnapshot): void {
    this.acked = acked;
    writeFileAtomic(this.file, JSON.stringify(acked), 0o600);
  }

  /** Forgets the base (the server does not hold it): the next report is full. */
  clear(): void {
    this.acked = null;
    rmSync(this.file, { force: true });
  }
}
