import { describe, expect, it } from 'vitest';
import { parseNagiosOutput, parsePerfdata, parseRange, perfdataSeries, rangeAlerts } from './nagios-output';

describe('parseNagiosOutput', () => {
  it('reads a one-line output with performance data', () => {
    const out = parseNagiosOutput('LOAD OK - total load average: 0.10, 0.20, 0.30|load1=0.100;5.000;10.000;0; load5=0.200;4;8;0;\n');
    expect(out.text).toBe('LOAD OK - total load average: 0.10, 0.20, 0.30');
    expect(out.longText).toEqual([]);
    expect(out.problems).toEqual([]);
    expect(out.perfdata.map((d) => [d.label, d.value, d.warn?.end, d.crit?.end, d.min, d.max])).toEqual([
      ['load1', 0.1, 5, 10, 0, undefined],
      ['load5', 0.2, 4, 8, 0, undefined],
    ]);
  });

  it('reads long output and performance data spread over several lines', () => {
    const out = parseNagiosOutput(
      [
        'DISK OK - free space: / 3326 MB (56%); | /=2643MB;5948;5958;0;5968',
        '/ 15272 MB (77%);',
        '/boot 68 MB (69%);',
        '/home 69357 MB (27%); | /boot=68MB;88;93;0;98',
        "/home=69357MB;253404;253409;0;253414 'a label'=5s",
      ].join('\n'),
    );
    expect(out.text).toBe('DISK OK - free space: / 3326 MB (56%);');
    expect(out.longText).toEqual(['/ 15272 MB (77%);', '/boot 68 MB (69%);', '/home 69357 MB (27%);']);
    expect(out.perfdata.map((d) => d.label)).toEqual(['/', '/boot', '/home', 'a label']);
    expect(out.perfdata[0]?.normalised).toBe(2643 * 1024 * 1024);
    expect(out.perfdata[3]).toMatchObject({ unit: 'seconds', normalised: 5 });
  });

  it('keeps a pipe-less long output as text only', () => {
    const out = parseNagiosOutput('WARNING - two things\nthing one\nthing two\n');
    expect(out).toEqual({ text: 'WARNING - two things', longText: ['thing one', 'thing two'], perfdata: [], problems: [] });
  });

  it('answers output that is not Nagios-shaped without throwing', () => {
    expect(parseNagiosOutput('')).toEqual({ text: '', longText: [], perfdata: [], problems: [] });
    const garbage = parseNagiosOutput("\u0000\u0001binary | === ;;; 'unclosed=3 x=abc y=U z=1;@5:1");
    expect(garbage.text).toBe('\u0000\u0001binary');
    expect(garbage.perfdata).toEqual([]);
    expect(garbage.problems.length).toBeGreaterThan(0);
    expect(garbage.problems.join('\n')).toMatch(/not closed/);
  });

  it('reports each unreadable item and keeps the readable ones', () => {
    const { perfdata, problems } = parsePerfdata('good=1 bad=abc worse=U also=2c noequals');
    expect(perfdata.map((d) => d.label)).toEqual(['good', 'also']);
    expect(problems).toEqual([
      'bad=abc: "abc" is not a number with a unit',
      'worse=U: the value is undetermined (U)',
      'noequals: not label=value',
    ]);
  });

  it('reads quoted labels with spaces, equals signs and doubled quotes', () => {
    const { perfdata } = parsePerfdata("'it''s = here'=12.5% 'C:\\ used'=3GB;;;0;10");
    expect(perfdata.map((d) => [d.label, d.unit, d.normalised])).toEqual([
      ["it's = here", 'percent', 12.5],
      ['C:\\ used', 'bytes', 3 * 1024 ** 3],
    ]);
    expect(perfdata[1]?.max).toBe(10);
  });

  it('normalises units of measure to base units', () => {
    const { perfdata } = parsePerfdata('a=250ms b=10us c=2KB d=1TB e=7c f=3 g=1.5e2s h=4widgets');
    expect(perfdata.map((d) => [d.unit, d.normalised])).toEqual([
      ['seconds', 0.25],
      ['seconds', 10e-6],
      ['bytes', 2048],
      ['bytes', 1024 ** 4],
      ['counter', 7],
      ['none', 3],
      ['seconds', 150],
      ['none', 4],
    ]);
    expect(perfdata[7]?.uom).toBe('widgets');
  });

  it('stops after 200 items', () => {
    const many = Array.from({ length: 250 }, (_, i) => `m${i}=${i}`).join(' ');
    const { perfdata, problems } = parsePerfdata(many);
    expect(perfdata).toHaveLength(200);
    expect(problems).toEqual(['more than 200 items: the rest were not read']);
  });
});

describe('parseRange', () => {
  it.each([
    ['10', { start: 0, end: 10, inside: false }],
    ['10:', { start: 10, end: Number.POSITIVE_INFINITY, inside: false }],
    ['~:5', { start: Number.NEGATIVE_INFINITY, end: 5, inside: false }],
    ['10:20', { start: 10, end: 20, inside: false }],
    ['@10:20', { start: 10, end: 20, inside: true }],
    ['-5:-1', { start: -5, end: -1, inside: false }],
  ])('reads %s', (raw, expected) => {
    expect(parseRange(raw)).toEqual({ raw, ...expected });
  });

  it.each(['', '@', 'abc', '20:10', '1:2:3', '-5', '~'])('refuses %j', (raw) => {
    expect(parseRange(raw)).toBeNull();
  });

  it('alerts outside a range, and inside one with @', () => {
    const outside = parseRange('10:20') as NonNullable<ReturnType<typeof parseRange>>;
    const inside = parseRange('@10:20') as NonNullable<ReturnType<typeof parseRange>>;
    expect([9, 10, 20, 21].map((v) => rangeAlerts(outside, v))).toEqual([true, false, false, true]);
    expect([9, 10, 20, 21].map((v) => rangeAlerts(inside, v))).toEqual([false, true, true, false]);
    const atMostFive = parseRange('~:5') as NonNullable<ReturnType<typeof parseRange>>;
    expect([-1000, 5, 5.1].map((v) => rangeAlerts(atMostFive, v))).toEqual([false, false, true]);
  });
});

describe('perfdataSeries', () => {
  it('names series by unit family and labels them by datum', () => {
    const { perfdata } = parsePerfdata("time=120ms size=1KB 'used'=50% hits=9c load1=0.5");
    expect(perfdataSeries(perfdata)).toEqual([
      { name: 'nagios_perfdata_seconds', labels: { label: 'time' }, value: 0.12 },
      { name: 'nagios_perfdata_bytes', labels: { label: 'size' }, value: 1024 },
      { name: 'nagios_perfdata_percent', labels: { label: 'used' }, value: 50 },
      { name: 'nagios_perfdata_total', labels: { label: 'hits' }, value: 9 },
      { name: 'nagios_perfdata', labels: { label: 'load1' }, value: 0.5 },
    ]);
  });
});
