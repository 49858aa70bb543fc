import { describe, expect, it } from 'vitest';
import { ExpositionError, expositionFormatOf, parseExposition } from './exposition';

describe('Prometheus text format 0.0.4', () => {
  it('reads HELP, TYPE, labels with escapes, special values, timestamps and a trailing comma', () => {
    const text = [
      '# HELP http_requests_total The total number of HTTP requests.\\nSecond line \\\\ done',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="post",code="200"} 1027 1395066363000',
      'http_requests_total{method="post",code="400",} 3 1395066363000',
      '# A plain comment is ignored',
      'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
      'metric_without_timestamp_and_labels 12.47',
      'something_weird{problem="division by zero"} +Inf -3982045',
      'nan_metric NaN',
      '\tindented_metric\t -0.5  ',
      '',
    ].join('\n');
    const { families, samples } = parseExposition(text);
    expect(families.get('http_requests_total')).toEqual({
      type: 'counter',
      help: 'The total number of HTTP requests.\nSecond line \\ done',
    });
    expect(samples[0]).toEqual({
      name: 'http_requests_total',
      labels: [
        ['method', 'post'],
        ['code', '200'],
      ],
      value: 1027,
      timestampMs: 1395066363000,
    });
    expect(samples[1]?.labels).toHaveLength(2);
    expect(samples[2]?.labels).toEqual([
      ['path', 'C:\\DIR\\FILE.TXT'],
      ['error', 'Cannot find file:\n"FILE.TXT"'],
    ]);
    expect(samples[4]).toEqual({
      name: 'something_weird',
      labels: [['problem', 'division by zero']],
      value: Infinity,
      timestampMs: -3982045,
    });
    expect(samples[5]?.value).toBeNaN();
    expect(samples.map((s) => s.name)).toContain('indented_metric');
  });

  it('reads quoted UTF-8 metric and label names', () => {
    const { samples, families } = parseExposition('# TYPE "my.metric" gauge\n{"my.metric", "label.with.dots"="ü", plain="x"} 1\n');
    expect(families.get('my.metric')?.type).toBe('gauge');
    expect(samples).toEqual([
      {
        name: 'my.metric',
        labels: [
          ['label.with.dots', 'ü'],
          ['plain', 'x'],
        ],
        value: 1,
      },
    ]);
  });

  it.each([
    ['bad value', 'up abc', /value "abc" is not a number/],
    ['unterminated label', 'up{job="x} 1', /unterminated string/],
    ['missing comma', 'up{a="1" b="2"} 1', /expected "," or "}"/],
    ['duplicate label', 'up{a="1",a="2"} 1', /appears twice/],
    ['bad escape', 'up{a="\\t"} 1', /invalid escape/],
    ['fractional timestamp', 'up 1 1.5', /integer milliseconds/],
    ['trailing garbage', 'up 1 2 3', /unexpected "3"/],
    ['unknown type', '# TYPE up thing', /unknown metric type "thing"/],
    ['no name', '{} 1', /expected """/],
  ])('fails the whole scrape on a %s, naming the line', (_, line, message) => {
    const text = `ok_metric 1\n${line}\n`;
    expect(() => parseExposition(text)).toThrow(ExpositionError);
    expect(() => parseExposition(text)).toThrow(message);
    expect(() => parseExposition(text)).toThrow(/^line 2: /);
  });
});

describe('OpenMetrics 1.0', () => {
  it('is chosen by Content-Type', () => {
    expect(expositionFormatOf('application/openmetrics-text; version=1.0.0; charset=utf-8')).toBe('openmetrics');
    expect(expositionFormatOf('text/plain; version=0.0.4')).toBe('prometheus-text');
    expect(expositionFormatOf(undefined)).toBe('prometheus-text');
  });

  it('reads UNIT, seconds timestamps, exemplars and requires # EOF', () => {
    const text = [
      '# TYPE foo_seconds counter',
      '# UNIT foo_seconds seconds',
      '# HELP foo_seconds Time spent in "foo".',
      'foo_seconds_total{a="b"} 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67',
      'foo_seconds_created{a="b"} 1520430000.123',
      '# TYPE info_thing info',
      'info_thing_info{version="1.2"} 1',
      '# EOF',
      '',
    ].join('\n');
    const { families, samples } = parseExposition(text, 'openmetrics');
    expect(families.get('foo_seconds')).toEqual({ type: 'counter', unit: 'seconds', help: 'Time spent in "foo".' });
    expect(samples[0]).toEqual({ name: 'foo_seconds_total', labels: [['a', 'b']], value: 17, timestampMs: 1520879607789 });
    expect(samples[1]).toEqual({ name: 'foo_seconds_created', labels: [['a', 'b']], value: 1520430000.123 });
    expect(families.get('info_thing')?.type).toBe('info');
    expect(() => parseExposition('a 1\n', 'openmetrics')).toThrow(/missing # EOF/);
    expect(() => parseExposition('a 1\n# EOF\nb 2\n', 'openmetrics')).toThrow(/after # EOF/);
    expect(() => parseExposition('# random\n# EOF\n', 'openmetrics')).toThrow(/allows only/);
  });

  it('reads NaN and infinities in any case, as Go does: prom-client writes "Nan"', () => {
    const { samples } = parseExposition('a Nan\nb nan\nc +Infinity\nd -INF\ne inf\n');
    expect(samples[0]?.value).toBeNaN();
    expect(samples[1]?.value).toBeNaN();
    expect(samples.slice(2).map((s) => s.value)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expect(() => parseExposition('a nanx\n')).toThrow(/is not a number/);
  });
});
