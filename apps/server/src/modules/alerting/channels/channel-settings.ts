/*
 * A channel's settings as data: each field says what it holds and whether it is a secret, so one validator checks
 * every channel, storage seals the secret fields, and a form can be built from the same list.
 */

/** What a settings field holds. `template` is Liquid text; `headers` is a name → value map; `list` is strings. */
export type ChannelFieldKind = 'string' | 'url' | 'template' | 'enum' | 'integer' | 'boolean' | 'headers' | 'list';

/** One settings field of a channel type. */
export interface ChannelField {
  name: string;
  label: string;
  kind: ChannelFieldKind;
  required?: boolean;
  /**
   * A secret (token, password, key, or a webhook URL that embeds one): storage seals it at rest, answers never show
   * it, and no message, log or delivery verdict contains it.
   */
  secret?: boolean;
  /** The value a missing field takes. */
  default?: string | number | boolean | readonly string[];
  /** For `enum`: the allowed values. */
  options?: readonly string[];
  /** For `integer`: inclusive bounds. */
  min?: number;
  max?: number;
  /** For `url`: allowed schemes (default http and https). */
  schemes?: readonly string[];
  /** One sentence of help for the form. */
  help?: string;
}

/** One problem with a settings value, naming the field as the form shows it. */
export interface SettingsIssue {
  field: string;
  message: string;
}

/** Settings a channel type refuses; `issues` name every bad field, so a form can mark each. */
export class ChannelSettingsError extends Error {
  constructor(
    readonly channelType: string,
    readonly issues: readonly SettingsIssue[],
  ) {
    super(`Invalid ${channelType} settings: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
    this.name = 'ChannelSettingsError';
  }
}

/** Longest text a single field may hold (templates included). */
const MAX_FIELD_CHARS = 16_384;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

type Value = string | number | boolean | string[] | Record<string, string> | undefined;

function checkField(field: ChannelField, raw: unknown, issues: SettingsIssue[]): Value {
  const issue = (message: string) => {
    issues.push({ field: field.name, message });
    return undefined;
  };
  if (raw === undefined || raw === null || raw === '') {
    if (field.default !== undefined) return Array.isArray(field.default) ? [...field.default] : (field.default as Value);
    return field.required ? issue('is required') : undefined;
  }
  switch (field.kind) {
    case 'string':
    case 'template':
    case 'url':
    case 'enum': {
      if (typeof raw !== 'string') return issue('must be text');
      if (raw.length > MAX_FIELD_CHARS) return issue(`must be at most ${MAX_FIELD_CHARS} characters`);
      if (field.kind === 'enum' && !field.options?.includes(raw)) return issue(`must be one of ${field.options?.join(', ')}`);
      if (field.kind === 'url') {
        let url: URL;
        try {
          url = new URL(raw);
        } catch {
          // The value itself may be a secret: the message does not repeat it.
          return issue('must be an absolute URL');
        }
        const schemes = field.schemes ?? ['http', 'https'];
        if (!schemes.includes(url.protocol.slice(0, -1))) return issue(`must be a ${schemes.join(' or ')} URL`);
        if (url.username || url.password) return issue('must not carry a user name or password; use the credential fields');
      }
      return raw;
    }
    case 'integer': {
      const value = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
      if (typeof value !== 'number' || !Number.isInteger(value)) return issue('must be a whole number');
      if (field.min !== undefined && value < field.min) return issue(`must be at least ${field.min}`);
      if (field.max !== undefined && value > field.max) return issue(`must be at most ${field.max}`);
      return value;
    }
    case 'boolean':
      return typeof raw === 'boolean' ? raw : issue('must be true or false');
    case 'list': {
      const items = typeof raw === 'string' ? raw.split(/[,\n]/).map((s) => s.trim()) : raw;
      if (!Array.isArray(items) || items.some((s) => typeof s !== 'string')) return issue('must be a list of text');
      const kept = (items as string[]).filter((s) => s !== '');
      if (field.required && kept.length === 0) return issue('needs at least one entry');
      return kept;
    }
    case 'headers': {
      if (typeof raw !== 'object' || Array.isArray(raw)) return issue('must be a map of header names to values');
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
        if (!HEADER_NAME.test(name)) return issue(`"${name}" is not a valid header name`);
        if (typeof value !== 'string' || /[\r\n]/.test(value)) return issue(`the value of ${name} must be one line of text`);
        out[name] = value;
      }
      return out;
    }
  }
}

/**
 * Checks `raw` against `fields` and returns the settings with defaults filled in; unknown fields are refused (a typo
 * must not silently drop a setting). Throws a {@link ChannelSettingsError} listing every bad field.
 */
export function validateFields(channelType: string, fields: readonly ChannelField[], raw: unknown): Record<string, Value> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ChannelSettingsError(channelType, [{ field: '', message: 'settings must be an object' }]);
  }
  const issues: SettingsIssue[] = [];
  const out: Record<string, Value> = {};
  const known = new Set(fields.map((f) => f.name));
  for (const name of Object.keys(raw)) {
    if (!known.has(name)) issues.push({ field: name, message: 'is not a setting of this channel' });
  }
  for (const field of fields) {
    const value = checkField(field, (raw as Record<string, unknown>)[field.name], issues);
    if (value !== undefined) out[field.name] = value;
  }
  if (issues.length > 0) throw new ChannelSettingsError(channelType, issues);
  return out;
}

/** The names of the secret fields: what storage seals and what answers leave out. */
export function secretFieldNames(fields: readonly ChannelField[]): string[] {
  return fields.filter((f) => f.secret).map((f) => f.name);
}
