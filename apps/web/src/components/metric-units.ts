/**
 * The units a metric value can be shown in. Values are always stored in the base unit Prometheus uses:
 * - `bytes`: a size in bytes, shown in binary multiples (KiB, MiB, GiB …), as `free -h` and `df -h` do;
 * - `bytes/s`: a rate in bytes per second, shown like `bytes` with "/s";
 * - `ratio`: a fraction where 1 is everything (node_exporter's `*_ratio`), shown as a percentage;
 * - `percent`: a value already in percent (0–100), shown with "%";
 * - `seconds`: a duration, shown in µs, ms, s, min, h or d;
 * - `number`: a plain count or gauge (load average, packets), shown with SI suffixes (k, M, G …).
 */
export type MetricUnit = 'bytes' | 'bytes/s' | 'ratio' | 'percent' | 'seconds' | 'number';

/** What a missing, NaN or infinite-without-sign value is shown as. */
export const NO_VALUE = '–';

const BINARY_PREFIXES = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
const SI_PREFIXES = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/**
 * Rounds to `digits` significant digits and drops trailing zeros: 1.50 → "1.5", 1234.5 → "1235", 0 → "0".
 * Integers above the precision keep all their digits rather than turning into exponent notation.
 */
export function formatSignificant(value: number, digits = 3): string {
  if (value === 0) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  if (magnitude >= digits - 1) return Math.round(value).toString();
  const decimals = Math.min(20, digits - 1 - magnitude);
  return Number(value.toFixed(decimals)).toString();
}

function scaled(value: number, base: number, prefixes: readonly string[]): { value: number; prefix: string } {
  let index = 0;
  let abs = Math.abs(value);
  while (abs >= base && index < prefixes.length - 1) {
    abs /= base;
    index++;
  }
  // 1023.9 KiB rounds to "1024 KiB"; moving up a prefix then reads "1 MiB", as a person would write it.
  if (index < prefixes.length - 1 && Number(formatSignificant(abs)) >= base) {
    abs /= base;
    index++;
  }
  return { value: Math.sign(value) * abs, prefix: prefixes[index] ?? '' };
}

/** Formats a size in bytes in binary multiples: 1536 → "1.5 KiB", 0 → "0 B". */
export function formatBytes(bytes: number): string {
  const { value, prefix } = scaled(bytes, 1024, BINARY_PREFIXES);
  return `${formatSignificant(value)} ${prefix}`;
}

/** Formats a plain number with SI suffixes: 1234 → "1.23k", 0.25 → "0.25", 2e9 → "2G". */
export function formatNumber(value: number): string {
  if (Math.abs(value) < 1e-3 && value !== 0) return value.toPrecision(3);
  const { value: v, prefix } = scaled(value, 1000, SI_PREFIXES);
  return `${formatSignificant(v)}${prefix}`;
}

const DURATION_STEPS: readonly [number, string][] = [
  [86_400, 'd'],
  [3_600, 'h'],
  [60, 'min'],
  [1, 's'],
  [1e-3, 'ms'],
  [1e-6, 'µs'],
];

/** Formats a duration given in seconds in the largest unit that keeps it ≥ 1: 0.25 → "250 ms", 5400 → "1.5 h". */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0 s';
  const abs = Math.abs(seconds);
  const [size, suffix] = DURATION_STEPS.find(([step]) => abs >= step) ?? [1e-9, 'ns'];
  return `${formatSignificant(seconds / size)} ${suffix}`;
}

/**
 * Formats one metric value in its unit, for axis ticks and hover readouts. Null, NaN and undefined read
 * "–"; infinities read "+Inf"/"-Inf" as Prometheus writes them.
 */
export function formatMetricValue(value: number | null | undefined, unit: MetricUnit): string {
  if (value === null || value === undefined || Number.isNaN(value)) return NO_VALUE;
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  switch (unit) {
    case 'bytes':
      return formatBytes(value);
    case 'bytes/s':
      return `${formatBytes(value)}/s`;
    case 'ratio':
      return `${formatSignificant(value * 100)}%`;
    case 'percent':
      return `${formatSignificant(value)}%`;
    case 'seconds':
      return formatDuration(value);
    case 'number':
      return formatNumber(value);
  }
}

/**
 * The tick increments an axis in this unit may use, smallest first, or undefined for the chart's decimal
 * default. Byte axes step in binary multiples (256 MiB, 512 MiB, 1 GiB …) so ticks land on round labels.
 */
export function axisIncrements(unit: MetricUnit): number[] | undefined {
  if (unit !== 'bytes' && unit !== 'bytes/s') return undefined;
  // Below one byte a rate is a fraction (a few bytes a minute); decimal steps read best there.
  const increments: number[] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5];
  for (let power = 0; power <= 6; power++) {
    for (const multiple of [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]) increments.push(multiple * 1024 ** power);
  }
  return increments;
}
