/*
 * On-call shifts as an iCalendar feed (RFC 5545) that calendar apps subscribe to: one VEVENT per shift, times in UTC,
 * text escaped (3.3.11) and lines folded at 75 octets (3.1). Rendering is pure; the caller supplies the instant the
 * feed is generated (DTSTAMP) and serves the text as text/calendar.
 */
import { createHash } from 'node:crypto';
import { finalShifts } from './schedule';
import type { PersonId, Schedule, Shift } from './schedule-types';

/** One event of a feed. */
export interface CalendarEvent {
  /** Globally unique and stable for the same shift across fetches, so apps update events rather than duplicate. */
  uid: string;
  /** Epoch ms. */
  start: number;
  /** Epoch ms, after `start`. */
  end: number;
  summary: string;
  description?: string;
}

/** A whole feed. */
export interface Calendar {
  name: string;
  /** Epoch ms: when the feed was generated, written as every event's DTSTAMP. */
  generatedAt: number;
  events: readonly CalendarEvent[];
}

const CRLF = '\r\n';
const MAX_OCTETS = 75;
const encoder = new TextEncoder();

/** Escapes a TEXT value: backslash, semicolon, comma, and line breaks as `\n` (RFC 5545 3.3.11). */
export function escapeText(text: string): string {
  return text.replace(/[\\;,]/g, (char) => `\\${char}`).replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * Folds a content line into lines of at most 75 octets of UTF-8, each continuation starting with one space (RFC 5545
 * 3.1). Never splits a character's bytes.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    // Continuation lines spend one octet on the leading space.
    const limit = parts.length === 0 ? MAX_OCTETS : MAX_OCTETS - 1;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

/** An instant as an RFC 5545 UTC DATE-TIME, e.g. `20260329T010000Z`. */
export function formatUtc(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Renders a feed as RFC 5545 text with CRLF line ends. */
export function renderCalendar(calendar: Calendar): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Estate//On-call schedules//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH'];
  lines.push(`NAME:${escapeText(calendar.name)}`, `X-WR-CALNAME:${escapeText(calendar.name)}`);
  for (const event of calendar.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${event.uid}`,
      `DTSTAMP:${formatUtc(calendar.generatedAt)}`,
      `DTSTART:${formatUtc(event.start)}`,
      `DTEND:${formatUtc(event.end)}`,
      `SUMMARY:${escapeText(event.summary)}`,
    );
    if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
    lines.push('TRANSP:TRANSPARENT', 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/** A shift's UID: a hash of the schedule, the person and the shift's start, so refetching yields the same UID. */
export function shiftUid(scheduleId: string, shift: Shift): string {
  const digest = createHash('sha256').update(`${scheduleId}\0${shift.person}\0${shift.start}`).digest('hex');
  return `${digest.slice(0, 32)}@oncall.estate`;
}

/**
 * Shifts for a feed over `[from, to)`: computed from `lookbackMs` earlier so that a shift running at `from` keeps its
 * true start (and so its UID) whatever instant the feed is fetched at; only shifts still running at `from` are kept.
 */
function feedShifts(schedule: Schedule, from: number, to: number, lookbackMs: number): Shift[] {
  return finalShifts(schedule, from - lookbackMs, to).filter((shift) => shift.end > from);
}

/** Options shared by the feeds. */
export interface FeedOptions {
  from: number;
  to: number;
  generatedAt: number;
  /** How a person id reads in a calendar (display name). */
  personName: (person: PersonId) => string;
  /** How far before `from` to look for the start of a running shift; 35 days unless given. */
  lookbackMs?: number;
}

const DEFAULT_LOOKBACK_MS = 35 * 86_400_000;

/** The feed of one schedule: every shift of every person, summarised as "On call: <person>". */
export function scheduleCalendar(schedule: Schedule, options: FeedOptions): Calendar {
  const shifts = feedShifts(schedule, options.from, options.to, options.lookbackMs ?? DEFAULT_LOOKBACK_MS);
  return {
    name: `On call: ${schedule.name}`,
    generatedAt: options.generatedAt,
    events: shifts.map((shift) => ({
      uid: shiftUid(schedule.id, shift),
      start: shift.start,
      end: shift.end,
      summary: `On call: ${options.personName(shift.person)}`,
      description: `Schedule: ${schedule.name}`,
    })),
  };
}

/** The feed of one person across schedules: their shifts only, summarised as "On call: <schedule>". */
export function personCalendar(person: PersonId, schedules: readonly Schedule[], options: FeedOptions): Calendar {
  const events: CalendarEvent[] = [];
  for (const schedule of schedules) {
    for (const shift of feedShifts(schedule, options.from, options.to, options.lookbackMs ?? DEFAULT_LOOKBACK_MS)) {
      if (shift.person !== person) continue;
      events.push({ uid: shiftUid(schedule.id, shift), start: shift.start, end: shift.end, summary: `On call: ${schedule.name}` });
    }
  }
  events.sort((a, b) => a.start - b.start || a.uid.localeCompare(b.uid));
  return { name: `On call: ${options.personName(person)}`, generatedAt: options.generatedAt, events };
}
