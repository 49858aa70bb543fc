import { type RawBuilder, sql } from 'kysely';

/**
 * Selects a JSON column as JSON text on both engines. The pg driver hands jsonb back already parsed, so a
 * top-level JSON string (`"hello"`) would arrive as `hello` and could not be told apart from JSON text; casting to
 * text makes every value, strings included, come back the same way from PostgreSQL and SQLite.
 */
export function jsonText(column: string): RawBuilder<string | null> {
  return sql<string | null>`cast(${sql.ref(column)} as text)`;
}

/** Parses what {@link jsonText} selected; SQL NULL becomes null. */
export function parseJsonText(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}
