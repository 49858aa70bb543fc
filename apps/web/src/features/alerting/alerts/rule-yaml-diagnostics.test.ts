import { Text } from '@codemirror/state';
import { ApiError } from '@estate/client';
import { describe, expect, it } from 'vitest';
import { ruleFileDiagnostics } from './rule-yaml-diagnostics';

const doc = Text.of(['groups:', '  - name: g', '    rules:', '      - alert: A', '        for: soon', '']);

/** A 400 as the server sends it for a rule file, with these field errors. */
const refused = (errors: Array<{ path: string; message: string }>) =>
  new ApiError({ type: 'https://estate.dev/problems/validation', title: 'Validation failed', status: 400, errors });

describe('ruleFileDiagnostics', () => {
  it('underlines the text of each line the server names, with the message after the line number', () => {
    const diagnostics = ruleFileDiagnostics(
      refused([
        { path: 'yaml.groups["g"].rules[1](A).for', message: 'line 5: group "g", rule 1, "A": for: not a valid duration "soon"' },
        { path: 'yaml.groups["g"].rules[1](A).expr', message: 'line 4: group "g", rule 1, "A": one of expr or check_state is required' },
      ]),
      doc,
    );
    expect(diagnostics.map((d) => ({ text: doc.sliceString(d.from, d.to), severity: d.severity, message: d.message }))).toEqual([
      { text: 'for: soon', severity: 'error', message: 'group "g", rule 1, "A": for: not a valid duration "soon"' },
      { text: '- alert: A', severity: 'error', message: 'group "g", rule 1, "A": one of expr or check_state is required' },
    ]);
  });

  it('marks nothing for errors without a line, lines past the end, or failures that are not problems', () => {
    expect(ruleFileDiagnostics(refused([{ path: 'yaml', message: 'exactly one group expected' }]), doc)).toEqual([]);
    expect(ruleFileDiagnostics(refused([{ path: 'yaml', message: 'line 99: yaml: unexpected end' }]), doc)).toEqual([]);
    expect(ruleFileDiagnostics(new Error('line 2: Failed to fetch'), doc)).toEqual([]);
    expect(ruleFileDiagnostics(null, doc)).toEqual([]);
  });

  it('marks an empty line at its start', () => {
    const [mark] = ruleFileDiagnostics(refused([{ path: 'yaml', message: 'line 6: yaml: unexpected end of stream' }]), doc);
    expect(mark).toMatchObject({ from: doc.length, to: doc.length });
  });
});
