import type {
  ChannelFieldInfo,
  CreateNotificationChannelRequest,
  NotificationChannel,
  NotificationChannelType,
  TestNotificationChannelRequest,
  UpdateNotificationChannelRequest,
} from '@estate/contract';

/**
 * The channel form's state and how it becomes a request. Every field is edited as text (or a boolean), in the shape
 * its kind suggests: a list one entry per line, headers one `Name: value` per line. Secret fields start empty: an
 * empty secret keeps the stored one.
 */
export interface ChannelFormValues {
  name: string;
  type: string;
  enabled: boolean;
  sendResolved: boolean;
  /** By field name. */
  fields: Record<string, string | boolean>;
}

/** The form's starting values for `type`, from a saved channel or the type's defaults. */
export function initialValues(type: NotificationChannelType, channel?: NotificationChannel): ChannelFormValues {
  const fields: Record<string, string | boolean> = {};
  for (const field of type.fields) {
    const saved = field.secret ? undefined : channel?.settings[field.name];
    fields[field.name] = toText(field, saved !== undefined ? saved : channel ? undefined : field.default);
  }
  return {
    name: channel?.name ?? '',
    type: type.type,
    enabled: channel?.enabled ?? true,
    sendResolved: channel?.sendResolved ?? true,
    fields,
  };
}

/** A stored or default value as the form edits it. */
export function toText(field: ChannelFieldInfo, value: unknown): string | boolean {
  if (field.kind === 'boolean') return value === true;
  if (value === undefined || value === null) return '';
  if (field.kind === 'list' && Array.isArray(value)) return value.join('\n');
  if (field.kind === 'headers' && typeof value === 'object')
    return Object.entries(value as Record<string, string>)
      .map(([name, v]) => `${name}: ${v}`)
      .join('\n');
  return String(value);
}

/** A form value as the API takes it; undefined when left empty. */
export function fromText(field: ChannelFieldInfo, value: string | boolean | undefined): unknown {
  if (field.kind === 'boolean') return value === true;
  const text = typeof value === 'string' ? value : '';
  if (text.trim() === '') return undefined;
  if (field.kind === 'integer') return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
  if (field.kind === 'list')
    return text
      .split(/[\n,]/)
      .map((s) => s.trim())
      .filter((s) => s !== '');
  if (field.kind === 'headers') {
    const headers: Record<string, string> = {};
    for (const line of text.split('\n')) {
      const at = line.indexOf(':');
      if (line.trim() === '') continue;
      if (at <= 0) headers[line.trim()] = '';
      else headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
    }
    return headers;
  }
  return text;
}

/** The settings and the secrets typed, split as the API takes them (empty secrets left out: the stored ones stay). */
export function settingsOf(type: NotificationChannelType, values: ChannelFormValues) {
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, string | Record<string, string>> = {};
  for (const field of type.fields) {
    const value = fromText(field, values.fields[field.name]);
    if (value === undefined) continue;
    if (field.secret) secrets[field.name] = value as string | Record<string, string>;
    else settings[field.name] = value;
  }
  return { settings, secrets };
}

/** The request that creates a channel from the form. */
export function createRequest(type: NotificationChannelType, values: ChannelFormValues): CreateNotificationChannelRequest {
  return {
    name: values.name.trim(),
    type: type.type,
    enabled: values.enabled,
    sendResolved: values.sendResolved,
    ...settingsOf(type, values),
  };
}

/** The change of a saved channel: every setting, and only the secrets typed. */
export function updateRequest(type: NotificationChannelType, values: ChannelFormValues): UpdateNotificationChannelRequest {
  const { settings, secrets } = settingsOf(type, values);
  return {
    name: values.name.trim(),
    enabled: values.enabled,
    sendResolved: values.sendResolved,
    settings,
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
  };
}

/** The test send of what the form holds; a saved channel's stored secrets fill the secrets left empty. */
export function testRequest(type: NotificationChannelType, values: ChannelFormValues, channelId?: string): TestNotificationChannelRequest {
  return {
    type: type.type,
    ...settingsOf(type, values),
    ...(channelId ? { channelId } : {}),
    ...(values.name.trim() ? { name: values.name.trim() } : {}),
  };
}

/** A server's field errors (`settings.url`, `secrets.password`, `name`) by the form's field names. */
export function formErrorsOf(fieldErrors: Record<string, string>): { fields: Record<string, string>; other: Record<string, string> } {
  const fields: Record<string, string> = {};
  const other: Record<string, string> = {};
  for (const [path, message] of Object.entries(fieldErrors)) {
    const match = /^(?:settings|secrets)\.(\w+)$/.exec(path);
    if (match?.[1]) fields[match[1]] = message;
    else other[path] = message;
  }
  return { fields, other };
}
