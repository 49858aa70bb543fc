// With the `u` flag a paired surrogate is one code point, so only a lone one matches.
const LONE_SURROGATE = /\p{Surrogate}/gu;

/**
 * The text both stores keep exactly: lone UTF-16 surrogates (which the drivers write as U+FFFD, and which JSON.stringify
 * escapes instead) and U+0000 (which PostgreSQL refuses) become U+FFFD. Well-formed text comes back unchanged.
 */
export function storableText(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replaceAll('\u0000', '\uFFFD');
}

/**
 * A JSON value (as JSON.stringify would write it, so dates, `toJSON` and `undefined` are already resolved) whose every
 * string, key or value, is `storableText`: hashing it hashes exactly what SQLite's text and PostgreSQL's jsonb give back.
 */
export function storableJson(value: unknown): unknown {
  if (value === undefined) return null;
  return storable(JSON.parse(JSON.stringify(value) ?? 'null'));
}

function storable(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [storableText(key), storable(v)]));
  }
  return value;
}

/** `storableText` for a column that may be null. */
export function storableOrNull(text: string | null): string | null {
  return text === null ? null : storableText(text);
}
