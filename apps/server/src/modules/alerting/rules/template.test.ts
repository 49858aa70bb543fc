import { describe, expect, it } from 'vitest';
import { formatFloatE, formatFloatG } from './go-format';
import { compileTemplate, templateError } from './template';

const data = {
  labels: { instance: 'db1:9100', job: 'node', 'odd-name': 'x' },
  value: 0.98765,
  externalLabels: { cluster: 'prod' },
  externalUrl: 'https://estate.example',
};
const expand = (source: string, value = data.value) => compileTemplate(source).expand({ ...data, value });

describe('alert templates', () => {
  it('expands labels, the value and external labels in both spellings', () => {
    expect(expand('{{ $labels.instance }} of {{ .Labels.job }} in {{ $externalLabels.cluster }} ({{ $externalURL }})')).toBe(
      'db1:9100 of node in prod (https://estate.example)',
    );
    expect(expand('v={{ $value }} / {{ .Value }}')).toBe('v=0.98765 / 0.98765');
    expect(expand('{{ $labels.missing }}|{{ index $labels "odd-name" }}')).toBe('|x');
  });

  it('prints floats as Go does and humanizes as Prometheus does', () => {
    expect(expand('{{ $value }}', 2147483648)).toBe('2.147483648e+09');
    expect(expand('{{ $value }}', 123456)).toBe('123456');
    expect(expand('{{ $value | humanize }}', 1234567)).toBe('1.235M');
    expect(expand('{{ $value | humanize }}', 0.0012)).toBe('1.2m');
    expect(expand('{{ $value | humanize1024 }}', 2048)).toBe('2ki');
    expect(expand('{{ $value | humanizeDuration }}', 93784)).toBe('1d 2h 3m 4s');
    expect(expand('{{ $value | humanizeDuration }}', 0.012)).toBe('12ms');
    expect(expand('{{ $value | humanizePercentage }}')).toBe('98.77%');
    expect(expand('{{ printf "%.2f" $value }}|{{ printf "%5.1f%%" 12.34 }}|{{ printf "%s=%d" "n" 3 }}')).toBe('0.99| 12.3%|n=3');
    expect(expand('{{ $labels.job | toUpper }} {{ "disk full" | title }}')).toBe('NODE Disk Full');
  });

  it('trims around {{- -}} and skips comments', () => {
    expect(expand('a  {{- $labels.job -}}  b{{/* note */}}')).toBe('anodeb');
  });

  it('refuses control flow, declarations and unknown functions when the rule loads', () => {
    expect(templateError('{{ if $value }}x{{ end }}')).toMatch(/"if" actions are not supported/);
    expect(templateError('{{ $x := 1 }}')).toMatch(/cannot be declared/);
    expect(templateError('{{ query "up" }}')).toMatch(/function "query" not defined/);
    expect(templateError('{{ $labels.job')).toMatch(/unclosed action/);
    expect(templateError('{{ $nope }}')).toMatch(/undefined variable/);
    expect(templateError('{{ graphLink "up" }}{{ $labels.job }}')).toBeUndefined();
  });

  it('reports a failed expansion in the text, as Prometheus does', () => {
    expect(expand('{{ $labels.job | humanize }}')).toMatch(/^<error expanding template: strconv.ParseFloat: parsing "node"/);
  });
});

describe('Go formats', () => {
  it('prints floats in the e and g forms', () => {
    expect(formatFloatE(1)).toBe('1e+00');
    expect(formatFloatE(15)).toBe('1.5e+01');
    expect(formatFloatE(Number.NaN)).toBe('NaN');
    expect(formatFloatG(0.00001)).toBe('1e-05');
    expect(formatFloatG(25.6, 4)).toBe('25.6');
    expect(formatFloatG(12345.6, 4)).toBe('1.235e+04');
  });
});
