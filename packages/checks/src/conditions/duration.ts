const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/**
 * Milliseconds in a duration written as Gatus and Go write them, with days added: `500ms`, `30s`, `1.5m`, `72h`,
 * `7d`, or several parts together, `1h30m`. Undefined for anything else (a bare number is not a duration here; the
 * condition parser reads it as milliseconds itself).
 */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(PART)) ms += Number(amount) * (UNIT_MS[unit as string] as number);
  return ms;
}

/**
 * A duration in milliseconds written back the same way, largest units first and at most three parts, cut to the
 * last part shown: `250ms`, `12s`, `2d23h59m`. Negative durations (a certificate expired a day ago) keep their sign.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ];
  let rest = Math.round(ms / 1_000) * 1_000;
  let out = '';
  let parts = 0;
  for (const [unit, size] of units) {
    if (parts === 3) break;
    const n = Math.floor(rest / size);
    if (n > 0 || parts > 0) {
      if (n > 0) out += `${n}${unit}`;
      rest -= n * size;
      parts++;
    }
  }
  return out;
}
