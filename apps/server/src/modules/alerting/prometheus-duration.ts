/*
 * Prometheus' duration syntax (model.Duration: `1h30m`, `30s`, `1d`, `0`), as rule files, promtool tests and
 * Alertmanager's route timers write it.
 */

const UNITS_MS: Readonly<Record<string, number>> = {
  y: 365 * 24 * 3_600_000,
  w: 7 * 24 * 3_600_000,
  d: 24 * 3_600_000,
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
};
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/**
 * Parses a Prometheus duration into milliseconds. Units must appear largest first, each at most once; `0` alone is
 * zero. Returns null for anything else (an empty string, `1.5h`, `5m1h`, a negative number).
 */
export function parseDuration(text: string): number | null {
  if (text === '0') return 0;
  if (text === '') return null;
  const match = DURATION.exec(text);
  if (!match) return null;
  let total = 0;
  ORDER.forEach((unit, index) => {
    const amount = match[index + 1];
    if (amount !== undefined) total += Number(amount) * (UNITS_MS[unit] ?? 0);
  });
  return Number.isSafeInteger(total) ? total : null;
}

/** Formats milliseconds as the shortest Prometheus duration (`1h30m`, `0s`), the inverse of {@link parseDuration}. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  let out = '';
  for (const unit of ORDER) {
    const size = UNITS_MS[unit] ?? 1;
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      out += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return out;
}
