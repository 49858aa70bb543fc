import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Options every benchmark accepts from the runner. */
export interface BenchOptions {
  /** A short smoke run (fewer requests and repetitions) to check that a benchmark works; its figures mean little. */
  quick: boolean;
}

/**
 * One figure measured for Estate and for its peer in the same run. `ratio` is ours / peer. `target` states the goal in
 * words and `meetsTarget` whether this run met it; a miss is reported, never asserted.
 */
export interface Comparison {
  metric: string;
  unit: string;
  ours: number;
  peer: number;
  ratio: number;
  /** Which direction is better for this figure. */
  better: 'higher' | 'lower';
  target?: string;
  meetsTarget?: boolean;
}

/** What a benchmark returns: its side-by-side figures, the raw samples behind them, and notes on how it ran. */
export interface BenchResult {
  peerName: string;
  comparisons: Comparison[];
  samples: Record<string, unknown>;
  notes: string[];
}

/** A benchmark file's default shape: `export const benchmark: Benchmark = { … }`. */
export interface Benchmark {
  /** Used in the results file name: bench/results/<name>-<timestamp>.json. */
  name: string;
  description: string;
  run(options: BenchOptions): Promise<BenchResult>;
}

/** The middle value of a non-empty list (the mean of the two middle ones for an even length). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** p95 of a small list: the value at the 95th percentile rank (nearest rank). */
export function p95(values: readonly number[]): number {
  if (values.length === 0) throw new Error('p95 of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!;
}

/** Builds a comparison, computing the ratio ours / peer. */
export function compare(fields: Omit<Comparison, 'ratio'>): Comparison {
  return { ...fields, ratio: fields.peer === 0 ? Number.NaN : fields.ours / fields.peer };
}

/** The machine and revision a run was taken on, stored with every result so figures can be compared later. */
export function environment(): Record<string, unknown> {
  let commit: string | null = null;
  let dirty: boolean | null = null;
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    dirty = execFileSync('git', ['status', '--porcelain'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
  } catch {
    // Not a git checkout (an unpacked tarball): the figures stand without a revision.
  }
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg(),
    commit,
    dirty,
  };
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** Renders the comparisons of several benchmarks as one plain-text table. */
export function formatTable(results: { name: string; peerName: string; comparisons: Comparison[] }[]): string {
  const header = ['benchmark', 'metric', 'unit', 'Estate', 'peer', 'ratio', 'target'];
  const rows = results.flatMap((r) =>
    r.comparisons.map((c) => [
      r.name,
      c.metric,
      c.unit,
      formatNumber(c.ours),
      formatNumber(c.peer),
      Number.isFinite(c.ratio) ? c.ratio.toFixed(2) : 'n/a',
      c.target ? `${c.target} ${c.meetsTarget ? 'met' : 'MISSED'}` : '',
    ]),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const numeric = new Set([3, 4, 5]);
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const peers = [...new Set(results.map((r) => `${r.name}: peer = ${r.peerName}`))];
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line), '', ...peers].join('\n');
}
