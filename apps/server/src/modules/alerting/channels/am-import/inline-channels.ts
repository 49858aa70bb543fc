/*
 * Turning a pasted Alertmanager configuration's inline integrations into Estate channels, without touching the
 * store: every receiver's `<kind>_configs` entries are read into channel drafts (validated by the channel type, so a
 * refusal names the YAML field), and the text is rewritten so each receiver names its channels with
 * `estate_channels` and no inline block or `global` integration default (where secrets live) remains.
 */
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { HttpProblem } from '../../../../platform/http/problem';
import { channelType } from '../channel-registry';
import { prepareChannelSettings, type SecretValue } from '../channel-secrets';
import { INTEGRATION_KINDS, type IntegrationKind, isIntegrationDefault, UNSUPPORTED_KINDS } from './integration-kinds';
import { type ImportIssue, IntegrationReader } from './integration-reader';

export type { ImportIssue } from './integration-reader';

/** One inline integration as the Estate channel it becomes (nothing stored yet). */
export interface ChannelDraft {
  /** The name it is created under unless taken: receiver, kind and index, `team-a/slack/0`. */
  name: string;
  receiver: string;
  /** Where it was written: `receivers[2].slack_configs[0]`. */
  path: string;
  /** The Estate channel type. */
  type: string;
  /** The type's validated public settings and its secret fields, ready to store. */
  settings: Record<string, unknown>;
  secrets: Record<string, SecretValue>;
  sendResolved: boolean;
}

/** What a configuration's inline integrations become. */
export interface InlinePlan {
  drafts: ChannelDraft[];
  /** Problems that refuse the configuration, each at its YAML path. */
  errors: ImportIssue[];
  /** Fields with no effect in Estate (Go-template presentation, timeouts), each at its YAML path. */
  ignored: ImportIssue[];
  /** The `global` keys dropped (integration defaults, which may hold secrets). */
  removedGlobals: string[];
  /**
   * The configuration text with each receiver's drafts replaced by `estate_channels` naming `names` (one per draft,
   * in order: the names the channels were stored under). Unchanged text when there was nothing to carry over.
   */
  rewrite(names: readonly string[]): string;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads the inline integrations of a configuration that already parsed as a routing configuration. */
export function planInlineChannels(yaml: string): InlinePlan {
  const raw = parseDocument(yaml).toJS() as Record<string, unknown>;
  const global = isRecord(raw.global) ? raw.global : {};
  const receivers = Array.isArray(raw.receivers) ? raw.receivers : [];
  const drafts: ChannelDraft[] = [];
  const errors: ImportIssue[] = [];
  const ignored: ImportIssue[] = [];
  const inlineKeys: string[][] = [];
  receivers.forEach((receiver, index) => {
    const keys: string[] = [];
    inlineKeys.push(keys);
    if (!isRecord(receiver) || typeof receiver.name !== 'string') return;
    const base = `receivers[${index}]`;
    for (const [key, value] of Object.entries(receiver)) {
      if (key === 'name' || key.startsWith('estate_')) continue;
      keys.push(key);
      const kind = INTEGRATION_KINDS.get(key);
      if (!kind) {
        errors.push({
          path: `${base}.${key}`,
          message: UNSUPPORTED_KINDS.has(key)
            ? 'Estate has no channel for this integration; create a channel and name it in estate_channels'
            : 'is not an integration Estate knows',
        });
        continue;
      }
      if (!Array.isArray(value)) {
        errors.push({ path: `${base}.${key}`, message: 'must be a list' });
        continue;
      }
      value.forEach((entry, at) => {
        const path = `${base}.${key}[${at}]`;
        if (!isRecord(entry)) {
          errors.push({ path, message: 'must be a mapping' });
          return;
        }
        const draft = draftOf(kind, entry, path, receiver.name as string, at, global, errors, ignored);
        if (draft) drafts.push(draft);
      });
    }
  });
  const removedGlobals = Object.keys(global).filter(isIntegrationDefault);
  return {
    drafts,
    errors,
    ignored,
    removedGlobals,
    rewrite(names) {
      if (drafts.length === 0 && removedGlobals.length === 0 && inlineKeys.every((keys) => keys.length === 0)) return yaml;
      return rewriteYaml(yaml, drafts, names, inlineKeys, removedGlobals);
    },
  };
}

function draftOf(
  kind: IntegrationKind,
  entry: Record<string, unknown>,
  path: string,
  receiver: string,
  index: number,
  global: Record<string, unknown>,
  errors: ImportIssue[],
  ignored: ImportIssue[],
): ChannelDraft | null {
  const reader = new IntegrationReader(entry, path, global);
  const sendResolved = reader.bool('send_resolved') ?? kind.sendResolved;
  const mapped = { ...kind.map(reader), ...httpCredentials(kind, reader, global) };
  reader.finish(kind.key);
  ignored.push(...reader.ignored);
  if (reader.errors.length > 0) {
    errors.push(...reader.errors);
    return null;
  }
  const type = channelType(kind.channelType);
  if (!type) throw new Error(`no channel type ${kind.channelType}`);
  const secretNames = new Set(type.fields.filter((f) => f.secret).map((f) => f.name));
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, SecretValue> = {};
  for (const [name, value] of Object.entries(mapped)) {
    if (value === undefined) continue;
    if (secretNames.has(name)) secrets[name] = value as SecretValue;
    else settings[name] = value;
  }
  try {
    const prepared = prepareChannelSettings(type, settings, secrets);
    return {
      name: `${receiver}/${kind.short}/${index}`,
      receiver,
      path,
      type: type.type,
      settings: prepared.settings,
      secrets: prepared.secrets,
      sendResolved,
    };
  } catch (error) {
    if (!(error instanceof HttpProblem)) throw error;
    for (const issue of error.errors ?? []) {
      const field = issue.path.replace(/^(settings|secrets)\.?/, '');
      errors.push({ path: reader.sources[field] ?? `${path} (${field || 'settings'})`, message: issue.message });
    }
    return null;
  }
}

/**
 * `http_config` (the integration's, else global's): basic auth and bearer credentials become a webhook channel's
 * own; redirect and HTTP/2 switches have no effect; anything else (proxies, client TLS, OAuth2, credentials for a
 * channel that cannot send them) refuses the configuration rather than delivering differently.
 */
function httpCredentials(kind: IntegrationKind, r: IntegrationReader, global: Record<string, unknown>): Record<string, unknown> {
  const own = r.take('http_config');
  const config = own ?? global.http_config;
  const at = own === undefined ? 'global.http_config' : r.at('http_config');
  if (config === undefined || config === null) return {};
  if (!isRecord(config)) {
    r.errors.push({ path: at, message: 'must be a mapping' });
    return {};
  }
  const out: Record<string, unknown> = {};
  const refuse = (key: string, message: string) => r.errors.push({ path: `${at}.${key}`, message });
  const file = 'points at a file: Estate does not read files on its server; paste the value itself (it is stored sealed)';
  for (const [key, value] of Object.entries(config)) {
    if (key === 'follow_redirects' || key === 'enable_http2') continue;
    if (key.endsWith('_file')) refuse(key, file);
    else if (!kind.httpAuth || !['basic_auth', 'authorization', 'bearer_token'].includes(key)) {
      refuse(key, `is not supported for ${kind.key} in Estate`);
    } else if (key === 'bearer_token') {
      out.bearerToken = value;
      r.sources.bearerToken = `${at}.${key}`;
    } else if (!isRecord(value)) refuse(key, 'must be a mapping');
    else if (key === 'basic_auth') {
      if (value.password_file !== undefined) refuse('basic_auth.password_file', file);
      out.username = value.username;
      out.password = value.password;
      r.sources.username = `${at}.basic_auth.username`;
      r.sources.password = `${at}.basic_auth.password`;
    } else {
      if (value.credentials_file !== undefined) refuse('authorization.credentials_file', file);
      if (value.type !== undefined && String(value.type).toLowerCase() !== 'bearer')
        refuse('authorization.type', 'only Bearer is supported');
      out.bearerToken = value.credentials;
      r.sources.bearerToken = `${at}.authorization.credentials`;
    }
  }
  return out;
}

/** The text with inline integrations replaced by channel names and integration defaults dropped from `global`. */
function rewriteYaml(
  yaml: string,
  drafts: readonly ChannelDraft[],
  names: readonly string[],
  inlineKeys: readonly string[][],
  removedGlobals: readonly string[],
): string {
  const document = parseDocument(yaml);
  const byReceiver = new Map<string, string[]>();
  drafts.forEach((draft, index) => {
    const list = byReceiver.get(draft.receiver) ?? [];
    list.push(names[index] ?? draft.name);
    byReceiver.set(draft.receiver, list);
  });
  const receivers = document.get('receivers');
  if (isSeq(receivers)) {
    receivers.items.forEach((node, index) => {
      if (!isMap(node)) return;
      const receiver = node as YAMLMap;
      const keys = inlineKeys[index] ?? [];
      if (keys.length === 0) return;
      for (const key of keys) receiver.delete(key);
      const existing = receiver.toJSON().estate_channels as unknown;
      const named = existing === undefined ? [] : (Array.isArray(existing) ? existing : [existing]).map(String);
      const added = byReceiver.get(String(receiver.get('name'))) ?? [];
      const all = [...new Set([...named, ...added])];
      const seq = document.createNode(all);
      seq.flow = true;
      receiver.set('estate_channels', seq);
    });
  }
  const global = document.get('global');
  if (isMap(global)) {
    for (const key of removedGlobals) global.delete(key);
    if (global.items.length === 0) document.delete('global');
  }
  return document.toString();
}
