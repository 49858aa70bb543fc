/*
 * Reading one inline Alertmanager integration (`slack_configs[0]`, …): each field a mapper asks for is checked and
 * marked as used, `global` defaults fill what the integration leaves out, `*_file` fields are refused (Estate does
 * not read files on its server), and whatever is left unread at the end is reported, so no setting is silently lost.
 */
import { parseDuration } from '../../prometheus-duration';

/** A problem or a note at a YAML path such as `receivers[2].slack_configs[0].api_url`. */
export interface ImportIssue {
  path: string;
  message: string;
}

/** Go template text: Estate's channels use their own (Liquid) templates, so such a value cannot be carried over. */
export function isTemplate(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}

/**
 * One integration being read. Every accessor records the field as used and the Alertmanager path of the Estate
 * setting it fills ({@link sources}), so a refusal from the channel type names the field the user wrote.
 */
export class IntegrationReader {
  readonly errors: ImportIssue[] = [];
  readonly ignored: ImportIssue[] = [];
  /** Estate setting name → the Alertmanager path its value came from. */
  readonly sources: Record<string, string> = {};
  private readonly used = new Set<string>(['send_resolved']);

  constructor(
    readonly raw: Readonly<Record<string, unknown>>,
    /** The integration's path, `receivers[0].webhook_configs[1]`. */
    readonly path: string,
    private readonly global: Readonly<Record<string, unknown>>,
  ) {}

  /** The path of a field of this integration. */
  at(key: string): string {
    return `${this.path}.${key}`;
  }

  /** Adds a problem that refuses the whole configuration. */
  error(key: string | null, message: string): void {
    this.errors.push({ path: key === null ? this.path : this.at(key), message });
  }

  /**
   * A text field, from the integration or else from `global[globalKey]`; `<key>_file` (here or in global) is a 400.
   * Numbers are read as their text (a Telegram chat id is often written as a number). `estate` names the setting it
   * fills, for {@link sources}.
   */
  text(key: string, options: { estate?: string; globalKey?: string; required?: boolean } = {}): string | undefined {
    this.used.add(key);
    this.refuseFile(key, `${key}_file`);
    let value: unknown = this.raw[key];
    let from = this.at(key);
    if ((value === undefined || value === null || value === '') && options.globalKey) {
      this.refuseFile(key, `${options.globalKey}_file`, true);
      value = this.global[options.globalKey];
      from = `global.${options.globalKey}`;
    }
    if (value === undefined || value === null || value === '') {
      if (options.required) {
        this.error(key, options.globalKey ? `is required (or global.${options.globalKey})` : 'is required');
      }
      return undefined;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      this.errors.push({ path: from, message: 'must be text' });
      return undefined;
    }
    if (options.estate) this.sources[options.estate] = from;
    return String(value);
  }

  /** A boolean field (or its global default); undefined when absent. */
  bool(key: string, options: { estate?: string; globalKey?: string } = {}): boolean | undefined {
    this.used.add(key);
    let value = this.raw[key];
    let from = this.at(key);
    if (value === undefined && options.globalKey) {
      value = this.global[options.globalKey];
      from = `global.${options.globalKey}`;
    }
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') {
      this.errors.push({ path: from, message: 'must be true or false' });
      return undefined;
    }
    if (options.estate) this.sources[options.estate] = from;
    return value;
  }

  /** A whole number (or its text); undefined when absent or a Go template (noted as ignored). */
  integer(key: string, estate?: string): number | undefined {
    this.used.add(key);
    const value = this.raw[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (isTemplate(value)) {
      this.ignore(key, 'is a Go template; Estate decides this from the alerts itself');
      return undefined;
    }
    const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number)) {
      this.error(key, 'must be a whole number');
      return undefined;
    }
    if (estate) this.sources[estate] = this.at(key);
    return number;
  }

  /** A duration (`1m`, `1h`) in whole seconds; undefined when absent. */
  seconds(key: string, estate?: string): number | undefined {
    this.used.add(key);
    const value = this.raw[key];
    if (value === undefined || value === null || value === '') return undefined;
    const ms = typeof value === 'string' ? parseDuration(value) : null;
    if (ms === null) {
      this.error(key, 'must be a duration like 30s or 1h');
      return undefined;
    }
    if (estate) this.sources[estate] = this.at(key);
    return Math.round(ms / 1000);
  }

  /** A literal value Estate can use, or undefined when absent or a Go template (noted as ignored). */
  literal(key: string, estate: string, templateNote: string): string | undefined {
    const value = this.raw[key];
    if (isTemplate(value)) {
      this.used.add(key);
      this.ignore(key, templateNote);
      return undefined;
    }
    return this.text(key, { estate });
  }

  /** The raw value of a structured field, marked as used (the caller checks its shape). */
  take(key: string): unknown {
    this.used.add(key);
    this.refuseFile(key, `${key}_file`);
    return this.raw[key];
  }

  /** Marks presentation fields as carried over by Estate's own templates, noting each one present. */
  presentation(keys: readonly string[]): void {
    for (const key of keys) this.ignore(key, "Estate's channel uses its own message templates (edit them on the channel)");
  }

  /** Notes a field that has no effect in Estate, when it was written. */
  ignore(key: string, message: string): void {
    this.used.add(key);
    if (this.raw[key] !== undefined) this.ignored.push({ path: this.at(key), message });
  }

  /** Reports every field no mapper read: an unknown or unsupported setting refuses the configuration. */
  finish(kind: string): void {
    for (const key of Object.keys(this.raw)) {
      if (this.used.has(key)) continue;
      this.error(
        key,
        key.endsWith('_file')
          ? 'points at a file: Estate does not read files on its server; paste the value itself (it is stored sealed)'
          : `is not a setting Estate can carry over for ${kind}`,
      );
    }
  }

  private refuseFile(key: string, fileKey: string, inGlobal = false): void {
    const holder = inGlobal ? this.global : this.raw;
    if (!inGlobal) this.used.add(fileKey);
    if (holder[fileKey] === undefined || holder[fileKey] === null) return;
    this.errors.push({
      path: inGlobal ? `global.${fileKey}` : this.at(fileKey),
      message: `points at a file: Estate does not read files on its server; set ${inGlobal ? `global.${fileKey.replace(/_file$/, '')}` : key} to the value itself (it is stored sealed)`,
    });
  }
}
