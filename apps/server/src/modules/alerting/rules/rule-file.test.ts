import { describe, expect, it } from 'vitest';
import { formatRuleFile, parseRuleFile } from './rule-file';

const GOOD = `
groups:
  - name: node
    interval: 30s
    limit: 10
    rules:
      - record: instance:up:sum
        expr: sum by (instance) (up)
        labels: { tier: "1" }
      - alert: InstanceDown
        expr: up == 0
        for: 5m
        keep_firing_for: 10m
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.instance }} down"
  - name: checks
    rules:
      - alert: CheckDown
        check_state:
          states: [down, degraded]
          match: { check_name: web }
        for: 2m
        annotations:
          summary: "{{ $labels.check_name }} down for {{ $value | humanizeDuration }}"
`;

describe('rule files', () => {
  it('reads groups, alerting, recording and check-state rules', () => {
    const { groups, errors } = parseRuleFile(GOOD);
    expect(errors).toEqual([]);
    expect(groups).toEqual([
      {
        name: 'node',
        intervalMs: 30_000,
        limit: 10,
        rules: [
          { kind: 'recording', name: 'instance:up:sum', expr: 'sum by (instance) (up)', labels: { tier: '1' } },
          {
            kind: 'alerting',
            name: 'InstanceDown',
            expr: 'up == 0',
            forMs: 300_000,
            keepFiringForMs: 600_000,
            labels: { severity: 'page' },
            annotations: { summary: '{{ $labels.instance }} down' },
          },
        ],
      },
      {
        name: 'checks',
        limit: 0,
        rules: [
          {
            kind: 'check-state',
            name: 'CheckDown',
            states: ['down', 'degraded'],
            match: { check_name: 'web' },
            forMs: 120_000,
            keepFiringForMs: 0,
            labels: {},
            annotations: { summary: '{{ $labels.check_name }} down for {{ $value | humanizeDuration }}' },
          },
        ],
      },
    ]);
  });

  it('writes groups back to YAML that reads to the same groups', () => {
    const { groups } = parseRuleFile(GOOD);
    const text = formatRuleFile(groups);
    expect(text).toContain('keep_firing_for: 10m');
    expect(text).not.toContain('keep_firing_for: 0s');
    expect(parseRuleFile(text)).toEqual({ groups, errors: [] });
  });

  it('names the group, the rule, the field and the line of each problem', () => {
    const { groups, errors } = parseRuleFile(`groups:
  - name: g
    rules:
      - alert: Good
        expr: up == 0
      - alert: BadExpr
        expr: sum(up
      - alert: BadFor
        expr: up
        for: five minutes
        labels:
          bad-name: x
        annotations:
          summary: "{{ if $value }}"
        severity: page
      - record: rec
        expr: up
        for: 1m
      - expr: up
  - name: g
    rules: []
`);
    expect(groups).toEqual([]);
    const summary = errors.map((e) => [e.line, e.rule, e.ruleName, e.field]);
    expect(summary).toEqual([
      [7, 2, 'BadExpr', 'expr'],
      [15, 3, 'BadFor', 'severity'],
      [10, 3, 'BadFor', 'for'],
      [12, 3, 'BadFor', 'labels.bad-name'],
      [14, 3, 'BadFor', 'annotations.summary'],
      [18, 4, 'rec', 'for'],
      [19, 5, undefined, undefined],
      [20, undefined, undefined, 'name'],
    ]);
    expect(errors[0]?.message).toMatch(/^group "g", rule 2, "BadExpr": expr: could not parse expression: parse error/);
    expect(errors[2]?.message).toBe('group "g", rule 3, "BadFor": for: not a valid duration "five minutes"');
    expect(errors[4]?.message).toContain('annotations.summary: template: "if" actions are not supported');
    expect(errors[6]?.message).toBe('group "g", rule 5: one of "record" or "alert" must be set');
    expect(errors[7]?.message).toBe('group "g": groupname "g" is repeated in the same file');
  });

  it('reports YAML syntax errors with their line, and an empty file as no groups', () => {
    const { errors } = parseRuleFile('groups:\n  - name: g\n   rules: [\n');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.message).toMatch(/^yaml: /);
    expect(errors[0]?.line).toBeGreaterThan(0);
    expect(parseRuleFile('')).toEqual({ groups: [], errors: [] });
  });

  it('refuses range-vector expressions and bad recording names', () => {
    const { errors } = parseRuleFile(
      'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up[5m]\n      - record: "1bad"\n        expr: up\n',
    );
    expect(errors.map((e) => e.message)).toEqual([
      'group "g", rule 1, "A": expr: expression must be an instant vector or a scalar, not a matrix',
      'group "g", rule 2, "1bad": record: invalid recording rule name: 1bad',
    ]);
  });
});
