import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, personCalendar, renderCalendar, scheduleCalendar } from './ical';
import { at, buildLayer, buildSchedule } from './schedule.fixtures';

const GOLDEN = new URL('./__fixtures__/platform-schedule.ics', import.meta.url);

const names: Record<string, string> = {
  ada: 'Ada Lovelace',
  bob: 'Bob "Tables"; O\'Brien, \\ops\\',
  cy: 'Cy Ørsted — Störungsdienst Rechenzentrum Nord, Nachtbereitschaft\nzweite Zeile',
};
const schedule = buildSchedule({
  name: 'Platform; EU, on-call',
  layers: [buildLayer('l', { participants: ['ada', 'bob', 'cy'], startDate: '2026-03-25' })],
  overrides: [{ id: 'o1', person: 'ada', start: at('2026-03-29T12:00:00Z'), end: at('2026-03-29T18:00:00Z') }],
});
const options = {
  from: at('2026-03-28T00:00:00Z'),
  to: at('2026-03-31T00:00:00Z'),
  generatedAt: at('2026-03-27T10:00:00Z'),
  personName: (id: string) => names[id] ?? id,
};

/** Checks RFC 5545's structure without a parser: line ends, octet limits, nesting, required properties, UTC times. */
function checkStructure(text: string): { events: Map<string, string>[] } {
  expect(text.endsWith('\r\n')).toBe(true);
  const physical = text.slice(0, -2).split('\r\n');
  for (const line of physical) {
    expect(line).not.toMatch(/[\r\n]/);
    expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
  }
  const logical = text.slice(0, -2).replace(/\r\n /g, '').split('\r\n');
  expect(logical[0]).toBe('BEGIN:VCALENDAR');
  expect(logical.at(-1)).toBe('END:VCALENDAR');
  const events: Map<string, string>[] = [];
  const stack: string[] = [];
  for (const line of logical) {
    const [, name, value] = /^([A-Z-]+)[:;](.*)$/.exec(line) ?? [];
    expect(name, line).toBeDefined();
    if (name === 'BEGIN') {
      stack.push(value as string);
      if (value === 'VEVENT') events.push(new Map());
    } else if (name === 'END') {
      expect(stack.pop()).toBe(value);
    } else if (stack.at(-1) === 'VEVENT') {
      events.at(-1)?.set(name as string, value as string);
    }
    // An unescaped comma or semicolon would split a TEXT value.
    if (name === 'SUMMARY' || name === 'DESCRIPTION') expect(value).not.toMatch(/(?<!\\)(\\\\)*[,;]/);
  }
  expect(stack).toEqual([]);
  for (const event of events) {
    for (const required of ['UID', 'DTSTAMP', 'DTSTART', 'DTEND']) expect(event.has(required)).toBe(true);
    for (const time of ['DTSTAMP', 'DTSTART', 'DTEND']) expect(event.get(time)).toMatch(/^\d{8}T\d{6}Z$/);
    expect((event.get('DTSTART') as string) < (event.get('DTEND') as string)).toBe(true);
  }
  expect(new Set(events.map((event) => event.get('UID'))).size).toBe(events.length);
  return { events };
}

describe('iCalendar feeds', () => {
  it('escapes backslash, semicolon, comma and line breaks', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('folds at 75 octets without splitting a multi-byte character', () => {
    const line = `SUMMARY:${'ø'.repeat(80)}`;
    const folded = foldLine(line).split('\r\n');
    expect(folded.map((part) => Buffer.byteLength(part))).toEqual([74, 75, 21]);
    expect(folded.map((part, i) => (i === 0 ? part : part.slice(1))).join('')).toBe(line);
    // ASCII fills each line to exactly 75 octets, the leading space of a continuation included.
    expect(
      foldLine(`SUMMARY:${'x'.repeat(200)}`)
        .split('\r\n')
        .map((part) => Buffer.byteLength(part)),
    ).toEqual([75, 75, 60]);
    expect(foldLine('SHORT:x')).toBe('SHORT:x');
  });

  it('renders a schedule feed that matches the golden file and is structurally sound', () => {
    const text = renderCalendar(scheduleCalendar(schedule, options));
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
    const { events } = checkStructure(text);
    // The turn running at `from` keeps its true start (Friday 09:00 CET), so its UID does not depend on `from`.
    expect(events[0]?.get('DTSTART')).toBe('20260327T080000Z');
    expect(events.map((event) => event.get('DTSTART'))).toContain('20260329T120000Z'); // the override
  });

  it('keeps UIDs stable when the feed is fetched later', () => {
    const first = scheduleCalendar(schedule, options);
    const later = scheduleCalendar(schedule, {
      ...options,
      from: options.from + 7 * 3_600_000,
      generatedAt: options.generatedAt + 3_600_000,
    });
    expect(later.events.map((event) => event.uid)).toEqual(first.events.map((event) => event.uid));
  });

  it('gives a person only their own shifts across schedules', () => {
    const other = buildSchedule({
      id: 'sched-2',
      name: 'Databases',
      layers: [buildLayer('l', { participants: ['ada'], startDate: '2026-03-01' })],
    });
    const calendar = personCalendar('ada', [schedule, other], options);
    expect(calendar.name).toBe('On call: Ada Lovelace');
    expect(new Set(calendar.events.map((event) => event.summary))).toEqual(
      new Set(['On call: Platform; EU, on-call', 'On call: Databases']),
    );
    const { events } = checkStructure(renderCalendar(calendar));
    expect(events.length).toBe(calendar.events.length);
    const starts = calendar.events.map((event) => event.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });
});
