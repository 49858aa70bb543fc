/*
 * Label matchers in the form editor: rows of name, operator and value, read from and written as Alertmanager's text
 * form (`{alertname="DiskFull", instance=~"db-.*"}`) so alert pages can link to a prefilled silence form with
 * `?matchers=`. The server parses and validates them for real; this reads the quoted form alert pages write.
 */
import type { LabelMatcher } from '@estate/contract';

/** The operators in the order the editor offers them. */
export const OPERATORS = ['=', '!=', '=~', '!~'] as const;

/** An editable matcher row. */
export type MatcherRow = LabelMatcher;

/** Writes matchers in Alertmanager's text form, values quoted and escaped. */
export function formatMatcherText(matchers: readonly MatcherRow[]): string {
  return `{${matchers.map((m) => `${quoteName(m.name)}${m.type}${JSON.stringify(m.value)}`).join(', ')}}`;
}

function quoteName(name: string): string {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name) ? name : JSON.stringify(name);
}

const MATCHER = /\s*("(?:[^"\\]|\\.)*"|[^\s{}=!~,"]+)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^\s{},"]*)\s*(,|$)/y;

/**
 * Reads matcher text (braces optional, values quoted or plain) into rows; null when it is not in that form, so
 * the caller can show the text as it came.
 */
export function parseMatcherText(text: string): MatcherRow[] | null {
  let body = text.trim();
  if (body.startsWith('{') && body.endsWith('}')) body = body.slice(1, -1);
  if (body.trim() === '') return [];
  const rows: MatcherRow[] = [];
  MATCHER.lastIndex = 0;
  while (MATCHER.lastIndex < body.length) {
    const at = MATCHER.lastIndex;
    const match = MATCHER.exec(body);
    if (!match || match.index !== at) return null;
    const [, name = '', type = '=', value = ''] = match;
    rows.push({ name: unquote(name), type: type as MatcherRow['type'], value: unquote(value) });
    if (match[4] === '') break;
  }
  return rows;
}

function unquote(text: string): string {
  if (!text.startsWith('"')) return text;
  try {
    return JSON.parse(text) as string;
  } catch {
    return text.slice(1, -1);
  }
}
