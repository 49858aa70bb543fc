import type { DestinationStream } from 'pino';

/** How log lines are written: `pretty` for people, `json` for machines, `auto` picks `pretty` on a terminal. */
export type LogFormat = 'auto' | 'json' | 'pretty';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLOURS: Record<number, string> = { 10: '90', 20: '36', 30: '32', 40: '33', 50: '31', 60: '35' };
// pino's own bookkeeping, and fields the line already shows in its own place.
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'v', 'err']);

/**
 * Turns one pino JSON record into one line a person can read: `HH:MM:SS.mmm LEVEL message key=value …`, in local
 * time. Fields whose value the message already shows as a word are not repeated. Nested values are written as compact JSON; text with spaces or quotes is quoted. An `err` adds its message
 * and, from `error` up, its stack on the following lines. A line that is not JSON is returned unchanged. The record
 * is already redacted by pino, so nothing secret reaches this function that was not in the JSON line.
 */
export function formatLogRecord(line: string, options: { colour?: boolean } = {}): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.replace(/\n$/, '');
  }
  if (record === null || typeof record !== 'object') return line.replace(/\n$/, '');
  const level = typeof record.level === 'number' ? record.level : 30;
  const time = typeof record.time === 'number' ? clock(new Date(record.time)) : '';
  const label = (LEVELS[level] ?? String(level)).padEnd(5);
  const shownLabel = options.colour ? `\u001b[${COLOURS[level] ?? '0'}m${label}\u001b[0m` : label;
  const message = typeof record.msg === 'string' ? record.msg : '';
  // A field whose value the message already shows as a word (`GET /api/v1/cis 200 3 ms`) is not repeated.
  const words = new Set(message.split(/\s+/));
  const parts = [time, shownLabel, message].filter((p) => p !== '');
  const err = record.err as { message?: unknown; stack?: unknown } | undefined;
  if (err && typeof err === 'object' && typeof err.message === 'string') parts.push(`err=${quote(err.message)}`);
  for (const [key, value] of Object.entries(record)) {
    if (HIDDEN.has(key) || value === undefined) continue;
    if ((typeof value === 'string' || typeof value === 'number') && words.has(String(value))) continue;
    parts.push(`${key}=${render(value)}`);
  }
  let text = parts.join(' ');
  if (level >= 50 && err && typeof err.stack === 'string') {
    const stack = err.stack.split('\n').slice(1);
    if (stack.length) text += `\n${stack.map((l) => `    ${l.trim()}`).join('\n')}`;
  }
  return text;
}

/**
 * A pino destination that writes each record as a human-readable line (formatLogRecord) to `out`, coloured when
 * `out` is a terminal and NO_COLOR is unset. Writes are synchronous enough for a console: each line is one
 * `out.write`, so lines from several loggers never interleave mid-line.
 */
export function consoleDestination(out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout): DestinationStream {
  const colour = out.isTTY === true && !process.env.NO_COLOR;
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line !== '') out.write(`${formatLogRecord(line, { colour })}\n`);
    },
  };
}

/** Whether logs are written as human-readable lines: `pretty`, or `auto` when `out` is a terminal. */
export function wantsPrettyLogs(format: LogFormat, out: { isTTY?: boolean } = process.stdout): boolean {
  return format === 'pretty' || (format === 'auto' && out.isTTY === true);
}

function clock(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

function render(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value);
}

function quote(text: string): string {
  return text === '' || /[\s"=]/.test(text) ? JSON.stringify(text) : text;
}
