import type { FieldError } from './problem';

// With the `u` flag a paired surrogate is one code point, so only a lone one matches.
const LONE_SURROGATE = /\p{Surrogate}/u;
const LONE_SURROGATE_ALL = /\p{Surrogate}/gu;

/** A JSON `\uXXXX` escape of a surrogate: the only way a lone one gets into text decoded as strict UTF-8. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/** True when JSON `text` (already decoded as UTF-8) may hold a lone surrogate once parsed; false means it cannot. */
export function mayHoldLoneSurrogate(text: string): boolean {
  return SURROGATE_ESCAPE.test(text);
}

/** Why a string holding a lone UTF-16 surrogate is refused (it is not Unicode text), or null when it holds none. */
export function loneSurrogateProblem(text: string, what: 'value' | 'key' = 'value'): string | null {
  const surrogate = LONE_SURROGATE.exec(text);
  if (!surrogate) return null;
  const unit = surrogate[0].charCodeAt(0).toString(16);
  return `${what === 'key' ? 'key ' : ''}must be well-formed Unicode: it holds the lone surrogate \\u${unit}`;
}

/**
 * Why a string is refused as API input, or null when it is fine: a lone UTF-16 surrogate (the stores would keep
 * U+FFFD or fail instead), or U+0000 (PostgreSQL text cannot hold it).
 */
export function refusedText(text: string, what: 'value' | 'key' = 'value'): string | null {
  const surrogate = loneSurrogateProblem(text, what);
  if (surrogate) return surrogate;
  if (text.includes('\u0000')) return `${what === 'key' ? 'key ' : ''}must not contain NUL characters`;
  return null;
}

interface Frame {
  value: unknown;
  key: string;
  /** Whether `key` is an object's key (checked too), rather than an array index or the part's name. */
  named: boolean;
  parent: Frame | null;
}

/**
 * The first string in a parsed request part, key or value, that `refuse` refuses (by default `refusedText`), as a
 * field error whose path starts with `part` (`body/tags/0`). Iterative, so a deeply nested document cannot exhaust
 * the stack.
 */
export function findRefusedText(
  value: unknown,
  part: string,
  refuse: (text: string, what: 'value' | 'key') => string | null = refusedText,
): FieldError | null {
  const stack: Frame[] = [{ value, key: part, named: false, parent: null }];
  for (let frame = stack.pop(); frame !== undefined; frame = stack.pop()) {
    const keyProblem = frame.named ? refuse(frame.key, 'key') : null;
    const v = frame.value;
    const message = keyProblem ?? (typeof v === 'string' ? refuse(v, 'value') : null);
    if (message) return { path: pathOf(frame), message };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], key: String(i), named: false, parent: frame });
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        stack.push({ value: child, key, named: true, parent: frame });
      }
    }
  }
  return null;
}

/** The frame's path; keys are shown as storable text, so the answer itself stays well-formed. */
function pathOf(frame: Frame): string {
  const keys: string[] = [];
  for (let f: Frame | null = frame; f !== null; f = f.parent)
    keys.push(f.key.replace(LONE_SURROGATE_ALL, '\uFFFD').replaceAll('\u0000', ''));
  return keys.reverse().join('/');
}
