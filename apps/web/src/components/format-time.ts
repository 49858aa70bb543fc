const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const precise = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Formats epoch milliseconds as a local date and time; `fallback` (default "never") for null. */
export function formatDateTime(epochMs: number | null, fallback = 'never'): string {
  return epochMs === null ? fallback : dateTime.format(epochMs);
}

/** Formats epoch milliseconds as a local date and time to the second, for the audit log. */
export function formatPreciseDateTime(epochMs: number): string {
  return precise.format(epochMs);
}

/**
 * Converts the value of an `<input type="datetime-local">` (local time, no zone) to epoch milliseconds;
 * undefined for an empty or unparsable value.
 */
export function localInputToEpochMs(value: string): number | undefined {
  if (!value) return undefined;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? undefined : ms;
}
