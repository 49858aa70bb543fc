import type { Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import { ApiError } from '@estate/client';

/** The server's way of locating a rule-file error: its message starts with `line N: `. */
const LINE_PREFIX = /^line (\d+): ([\s\S]*)$/;

/**
 * The rule-file errors of a refused save as editor diagnostics, one per error that names a line of `doc`, underlining
 * that line's text (from its first non-space character). Errors without a line, lines past the end of `doc` and
 * anything that is not an `ApiError` give none; the page's error list still shows them all.
 */
export function ruleFileDiagnostics(error: unknown, doc: Text): Diagnostic[] {
  if (!(error instanceof ApiError)) return [];
  return error.errors.flatMap((fieldError): Diagnostic[] => {
    const located = LINE_PREFIX.exec(fieldError.message);
    const number = Number(located?.[1]);
    if (!located || number < 1 || number > doc.lines) return [];
    const line = doc.line(number);
    const from = line.from + (line.text.length - line.text.trimStart().length);
    return [{ from, to: line.to, severity: 'error', message: located[2] ?? '' }];
  });
}
