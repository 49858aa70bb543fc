/*
 * A stored channel's settings in two parts: the public settings (stored as JSON, shown to readers) and the secret
 * fields (sealed with the secret box, bound to the channel's id, never shown). Validation joins them, so the type
 * checks the whole; storage splits them again.
 */
import type { SecretBox } from '../../../platform/crypto/secret-box';
import type { FieldError } from '../../../platform/http/problem';
import { problems } from '../../../platform/http/problem';
import { ChannelSettingsError } from './channel-settings';
import type { AnyChannelType } from './channel-type';

/** A secret field's value: text, or a header map. */
export type SecretValue = string | Record<string, string>;

/** What a channel's type accepted, ready to store: public settings, the secret fields, and the whole for sending. */
export interface PreparedChannelSettings {
  settings: Record<string, unknown>;
  secrets: Record<string, SecretValue>;
  /** Public settings and secrets together, validated and with defaults filled: what `render` takes. */
  validated: unknown;
}

const aad = (channelId: string) => `notification-channel:${channelId}`;

/** The secrets sealed for storage, or null when there are none. */
export function sealChannelSecrets(box: SecretBox, channelId: string, secrets: Readonly<Record<string, SecretValue>>): string | null {
  return Object.keys(secrets).length === 0 ? null : box.encrypt(JSON.stringify(secrets), aad(channelId));
}

/** The stored secrets, unsealed (only ever in memory). Throws when the ciphertext belongs to another channel. */
export function unsealChannelSecrets(box: SecretBox, channelId: string, sealed: string | null): Record<string, SecretValue> {
  return sealed === null ? {} : (JSON.parse(box.decrypt(sealed, aad(channelId))) as Record<string, SecretValue>);
}

/** Secrets without those set to "" (a change's way of removing one). */
export function withoutEmpty(secrets: Readonly<Record<string, SecretValue>>): Record<string, SecretValue> {
  return Object.fromEntries(Object.entries(secrets).filter(([, value]) => value !== ''));
}

/**
 * Validates `settings` and `secrets` through `type`: a secret sent among the settings, a non-secret among the
 * secrets, and every field the type refuses become one 400 naming each field as the request spells it
 * (`settings.url`, `secrets.password`).
 */
export function prepareChannelSettings(
  type: AnyChannelType,
  settings: Readonly<Record<string, unknown>>,
  secrets: Readonly<Record<string, SecretValue>>,
): PreparedChannelSettings {
  const secretNames = new Set(type.fields.filter((f) => f.secret).map((f) => f.name));
  const errors: FieldError[] = [];
  for (const name of Object.keys(settings)) {
    if (secretNames.has(name))
      errors.push({ path: `settings.${name}`, message: 'is a secret: send it in secrets, which are sealed and never shown' });
  }
  for (const name of Object.keys(secrets)) {
    if (!secretNames.has(name)) errors.push({ path: `secrets.${name}`, message: `is not a secret of a ${type.type} channel` });
  }
  if (errors.length > 0) throw validationProblem(errors);
  let validated: unknown;
  try {
    validated = type.validate({ ...settings, ...secrets });
  } catch (err) {
    if (!(err instanceof ChannelSettingsError)) throw err;
    throw validationProblem(
      err.issues.map((issue) => ({
        path: issue.field === '' ? 'settings' : `${secretNames.has(issue.field) ? 'secrets' : 'settings'}.${issue.field}`,
        message: issue.message,
      })),
    );
  }
  const publicPart: Record<string, unknown> = {};
  const secretPart: Record<string, SecretValue> = {};
  for (const [name, value] of Object.entries(validated as Record<string, unknown>)) {
    if (value === undefined) continue;
    if (secretNames.has(name)) {
      // An empty header map is no secret worth sealing.
      if (typeof value === 'object' && value !== null && Object.keys(value).length === 0) continue;
      secretPart[name] = value as SecretValue;
    } else publicPart[name] = value;
  }
  return { settings: publicPart, secrets: secretPart, validated };
}

function validationProblem(errors: FieldError[]) {
  return problems.validation(errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
}
