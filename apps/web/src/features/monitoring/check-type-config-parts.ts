/*
 * What every family of typed check fields (check-type-config-*.ts) is made of: the shape of one type's fields and the
 * small readers and writers they share. check-type-config.ts puts the families together.
 */

/** A number input's value: blank leaves the setting out, so the server's default applies. */
export type OptionalNumber = number | '';

/** A configuration the fields make, or their complaints keyed by field name within the type (`host`, `oids`). */
export type Built = { config: Record<string, unknown> } | { errors: Record<string, string> };

/**
 * One check type's dedicated fields: which settings they cover, how they are read from a configuration and how they
 * make one again. `build(read(config), kept)` gives `config` back for every configuration the type's example and
 * saved checks hold, except that an explicit default (`"verify": true`) may be left out.
 */
export interface TypedFields<V> {
  /** The configuration settings the fields cover; a saved check's other settings are kept as they are. */
  readonly covered: readonly string[];
  /** The fields blank, as a form of another type holds them. */
  blank(): V;
  /** The fields read from a configuration (a saved check's, or the type's example). */
  read(config: Record<string, unknown>): V;
  /**
   * The configuration the fields make on top of `kept` (the saved settings they do not cover); blank optional fields
   * are left out so the server's defaults apply.
   */
  build(values: V, kept: Record<string, unknown>): Built;
  /**
   * The field a server error on `setting` (`walk.name`, `oids[2]`, `starttls`) lands on, when that is not the
   * setting's own first name; undefined falls back to it.
   */
  fieldOf?(setting: string): string | undefined;
  /** The secrets the fields use as filled in (SNMP v2c: only the community); absent: every secret of the type. */
  secrets?(values: V): readonly string[];
}

/** Text from a configuration value, `fallback` when it is not text. */
export const text = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);

/** A number from a configuration value, blank when it is not a number. */
export const num = (value: unknown): OptionalNumber => (typeof value === 'number' ? value : '');

/** A boolean from a configuration value, `fallback` when it is not one. */
export const bool = (value: unknown, fallback: boolean): boolean => (typeof value === 'boolean' ? value : fallback);

/** A list of text values one per line (a configuration's list, or blank). */
export const lines = (value: unknown): string => (Array.isArray(value) ? value.map(String).join('\n') : '');

/** The non-blank lines of a text field, trimmed. */
export const listOf = (value: string): string[] =>
  value
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** `config` with `key` set to the number, unless it is blank. */
export function withNumber(config: Record<string, unknown>, key: string, value: OptionalNumber): Record<string, unknown> {
  return value === '' ? config : { ...config, [key]: value };
}

/** `config` with `key` set to the trimmed text, unless it is blank. */
export function withText(config: Record<string, unknown>, key: string, value: string): Record<string, unknown> {
  return value.trim() === '' ? config : { ...config, [key]: value.trim() };
}

/** `config` with each of `texts` set, trimmed, unless it is blank. */
export function withTexts(config: Record<string, unknown>, texts: Record<string, string>): Record<string, unknown> {
  return Object.entries(texts).reduce((c, [key, value]) => withText(c, key, value), config);
}

/**
 * `{ errors }` naming every required field left blank (`[field, value, message]` each), or undefined when none is.
 */
export function missing(...fields: (readonly [field: string, value: string, message: string])[]): Built | undefined {
  const errors = Object.fromEntries(fields.filter(([, value]) => value.trim() === '').map(([field, , message]) => [field, message]));
  return Object.keys(errors).length > 0 ? { errors } : undefined;
}
