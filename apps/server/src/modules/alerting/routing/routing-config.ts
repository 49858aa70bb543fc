/*
 * The routing configuration in Alertmanager's own shape — `route`, `receivers`, `inhibit_rules`, `time_intervals`,
 * `mute_time_intervals` — so a user can paste theirs. Parsing reports every problem at its path; the result is
 * plain, validated data with defaults and inheritance already applied.
 */
import { parseDocument } from 'yaml';
import { parseDuration } from '../prometheus-duration';
import { type ConfigIssue, checkKeys, child, Issues, isRecord, item, RoutingConfigError, stringList } from './config-issues';
import { createMatcher, formatMatchers, type Matcher, parseMatchers } from './matchers';
import { parseTimeInterval, type TimeInterval } from './time-intervals';

/** A node of the route tree with every inherited setting resolved. Durations are milliseconds. */
export interface Route {
  /** Where the route is in the config: `route`, `route.routes[1].routes[0]`; unique. */
  readonly path: string;
  /** Alertmanager's route key: the matcher sets from the root down, `{}/{team="db"}`; unique within a tree. */
  readonly key: string;
  readonly receiver: string;
  readonly matchers: readonly Matcher[];
  /** Label names alerts are grouped by; ignored when {@link Route.groupByAll} (`group_by: ['...']`). */
  readonly groupBy: readonly string[];
  readonly groupByAll: boolean;
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
  /** Whether matching goes on to the next siblings after this route matched. */
  readonly continue: boolean;
  /** Names of time intervals muting this route (not inherited, as in Alertmanager). */
  readonly muteTimeIntervals: readonly string[];
  /** Names of time intervals outside which this route is muted; empty means always active (not inherited). */
  readonly activeTimeIntervals: readonly string[];
  readonly routes: readonly Route[];
}

/** A receiver: its name and its integrations, kept as written for the notification channels to read. */
export interface Receiver {
  readonly name: string;
  readonly integrations: Readonly<Record<string, unknown>>;
}

/** An inhibit rule: a firing source alert mutes target alerts that agree with it on every `equal` label. */
export interface InhibitRule {
  readonly sourceMatchers: readonly Matcher[];
  readonly targetMatchers: readonly Matcher[];
  readonly equal: readonly string[];
}

/** A validated routing configuration. */
export interface RoutingConfig {
  readonly route: Route;
  readonly receivers: ReadonlyMap<string, Receiver>;
  readonly inhibitRules: readonly InhibitRule[];
  /** `time_intervals` and `mute_time_intervals` together, by name. */
  readonly timeIntervals: ReadonlyMap<string, TimeInterval>;
  /** `global` and `templates`, kept as written for the channels. */
  readonly global: Readonly<Record<string, unknown>>;
  readonly templates: readonly string[];
}

/** Alertmanager's defaults for the root route. */
export const ROUTE_DEFAULTS = { groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000 };

const TOP_KEYS = ['global', 'route', 'receivers', 'inhibit_rules', 'time_intervals', 'mute_time_intervals', 'templates'];
const ROUTE_KEYS = [
  'receiver',
  'group_by',
  'continue',
  'matchers',
  'match',
  'match_re',
  'group_wait',
  'group_interval',
  'repeat_interval',
  'mute_time_intervals',
  'active_time_intervals',
  'routes',
];
const INHIBIT_KEYS = ['source_match', 'source_match_re', 'source_matchers', 'target_match', 'target_match_re', 'target_matchers', 'equal'];

/**
 * Parses a configuration from YAML or JSON text, or from an already parsed object. Throws {@link RoutingConfigError}
 * listing every problem with its path; never returns a half-valid config.
 */
export function parseRoutingConfig(input: string | unknown): RoutingConfig {
  const issues = new Issues();
  let raw: unknown = input;
  if (typeof input === 'string') {
    const document = parseDocument(input, { uniqueKeys: true, prettyErrors: false });
    if (document.errors.length > 0) {
      throw new RoutingConfigError(document.errors.map((error): ConfigIssue => ({ path: '', message: `YAML: ${error.message}` })));
    }
    raw = document.toJS();
  }
  if (!isRecord(raw)) throw new RoutingConfigError([{ path: '', message: 'must be a mapping' }]);
  checkKeys(raw, TOP_KEYS, '', issues);

  const receivers = parseReceivers(raw.receivers, issues);
  const timeIntervals = new Map<string, TimeInterval>();
  for (const key of ['time_intervals', 'mute_time_intervals'] as const) {
    const list = raw[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) {
      issues.add(key, 'must be a list');
      continue;
    }
    list.forEach((entry, index) => {
      const interval = parseTimeInterval(entry, item(key, index), issues);
      if (!interval) return;
      if (timeIntervals.has(interval.name)) {
        issues.add(child(item(key, index), 'name'), `time interval "${interval.name}" is defined twice`);
      }
      timeIntervals.set(interval.name, interval);
    });
  }
  const context = { issues, receivers, timeIntervals };
  let route: Route | null = null;
  if (!isRecord(raw.route)) issues.add('route', 'a root route is required');
  else route = parseRoute(raw.route, 'route', null, 0, [], context);

  const inhibitRules: InhibitRule[] = [];
  if (raw.inhibit_rules !== undefined && raw.inhibit_rules !== null && !Array.isArray(raw.inhibit_rules)) {
    issues.add('inhibit_rules', 'must be a list');
  }
  (Array.isArray(raw.inhibit_rules) ? raw.inhibit_rules : []).forEach((entry, index) => {
    const path = item('inhibit_rules', index);
    if (!isRecord(entry)) {
      issues.add(path, 'must be a mapping');
      return;
    }
    checkKeys(entry, INHIBIT_KEYS, path, issues);
    inhibitRules.push({
      sourceMatchers: allMatchers(entry, 'source_', path, issues),
      targetMatchers: allMatchers(entry, 'target_', path, issues),
      equal: stringList(entry.equal, child(path, 'equal'), issues),
    });
  });

  const global = isRecord(raw.global) ? raw.global : {};
  if (raw.global !== undefined && raw.global !== null && !isRecord(raw.global)) issues.add('global', 'must be a mapping');
  const templates = stringList(raw.templates, 'templates', issues);
  issues.throwIfAny();
  if (!route) throw new RoutingConfigError([{ path: 'route', message: 'a root route is required' }]);
  return { route, receivers, inhibitRules, timeIntervals, global, templates };
}

function parseReceivers(raw: unknown, issues: Issues): Map<string, Receiver> {
  const receivers = new Map<string, Receiver>();
  if (!Array.isArray(raw)) {
    issues.add('receivers', 'a list of receivers is required');
    return receivers;
  }
  raw.forEach((entry, index) => {
    const path = item('receivers', index);
    if (!isRecord(entry)) {
      issues.add(path, 'must be a mapping');
      return;
    }
    const { name, ...integrations } = entry;
    if (typeof name !== 'string' || name === '') {
      issues.add(child(path, 'name'), 'must be a non-empty string');
      return;
    }
    if (receivers.has(name)) issues.add(child(path, 'name'), `receiver "${name}" is defined twice`);
    receivers.set(name, { name, integrations });
  });
  return receivers;
}

/** Matchers from `<prefix>matchers` (strings), `<prefix>match` (equality) and `<prefix>match_re` (regex maps). */
function allMatchers(raw: Record<string, unknown>, prefix: string, path: string, issues: Issues): Matcher[] {
  const out: Matcher[] = [];
  const listPath = child(path, `${prefix}matchers`);
  stringList(raw[`${prefix}matchers`], listPath, issues).forEach((text, index) => {
    try {
      out.push(...parseMatchers(text));
    } catch (error) {
      issues.add(item(listPath, index), (error as Error).message);
    }
  });
  const legacy: Matcher[] = [];
  for (const [key, type] of [
    [`${prefix}match`, '='],
    [`${prefix}match_re`, '=~'],
  ] as const) {
    const map = raw[key];
    if (map === undefined || map === null) continue;
    if (!isRecord(map)) {
      issues.add(child(path, key), 'must be a mapping of label names to values');
      continue;
    }
    for (const [name, value] of Object.entries(map)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        issues.add(child(child(path, key), name), 'must be a string');
        continue;
      }
      try {
        legacy.push(createMatcher(name, type, String(value)));
      } catch (error) {
        issues.add(child(child(path, key), name), `invalid regular expression: ${(error as Error).message}`);
      }
    }
  }
  // Alertmanager orders the legacy maps' matchers by name; the order only shows in the route key.
  legacy.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return [...out, ...legacy];
}

interface Context {
  issues: Issues;
  receivers: ReadonlyMap<string, Receiver>;
  timeIntervals: ReadonlyMap<string, TimeInterval>;
}

function duration(raw: unknown, path: string, fallback: number, issues: Issues, allowZero: boolean): number {
  if (raw === undefined || raw === null) return fallback;
  const ms = typeof raw === 'string' ? parseDuration(raw) : null;
  if (ms === null) {
    issues.add(path, `${JSON.stringify(raw)} is not a duration like 30s, 5m or 4h`);
    return fallback;
  }
  if (ms === 0 && !allowZero) {
    issues.add(path, 'must be greater than zero');
    return fallback;
  }
  return ms;
}

function intervalNames(raw: unknown, path: string, context: Context): string[] {
  const names = stringList(raw, path, context.issues);
  names.forEach((name, index) => {
    if (!context.timeIntervals.has(name)) context.issues.add(item(path, index), `no time interval named "${name}"`);
  });
  return names;
}

function parseRoute(
  raw: Record<string, unknown>,
  path: string,
  parent: Route | null,
  index: number,
  siblingKeys: string[],
  context: Context,
): Route {
  const { issues } = context;
  checkKeys(raw, ROUTE_KEYS, path, issues);
  const matchers = allMatchers(raw, '', path, issues);
  const isRoot = parent === null;
  let receiver = parent?.receiver ?? '';
  if (raw.receiver !== undefined) {
    if (typeof raw.receiver !== 'string' || raw.receiver === '') issues.add(child(path, 'receiver'), 'must be a name');
    else if (!context.receivers.has(raw.receiver)) {
      issues.add(child(path, 'receiver'), `no receiver named "${raw.receiver}"`);
    } else receiver = raw.receiver;
  } else if (isRoot) issues.add(child(path, 'receiver'), 'the root route must name a receiver');

  let groupBy = parent?.groupBy ?? [];
  let groupByAll = parent?.groupByAll ?? false;
  if (raw.group_by !== undefined && raw.group_by !== null) {
    const names = stringList(raw.group_by, child(path, 'group_by'), issues);
    groupByAll = names.includes('...');
    if (groupByAll && names.length > 1) {
      issues.add(child(path, 'group_by'), "'...' must be the only entry: it already groups by every label");
    }
    names.forEach((name, at) => {
      if (name === '') issues.add(item(child(path, 'group_by'), at), 'a label name must not be empty');
      else if (names.indexOf(name) !== at) issues.add(item(child(path, 'group_by'), at), `"${name}" is listed twice`);
    });
    groupBy = groupByAll ? [] : [...new Set(names)];
  }
  if (raw.continue !== undefined && typeof raw.continue !== 'boolean') {
    issues.add(child(path, 'continue'), 'must be true or false');
  }
  if (isRoot) {
    if (matchers.length > 0) issues.add(path, 'the root route must not have matchers: it receives every alert');
    if (raw.continue === true) issues.add(child(path, 'continue'), 'the root route cannot continue');
    for (const key of ['mute_time_intervals', 'active_time_intervals']) {
      if (Array.isArray(raw[key]) && raw[key].length > 0) {
        issues.add(child(path, key), 'the root route cannot have time intervals');
      }
    }
  }

  let key = isRoot ? formatMatchers(matchers) : `${parent.key}/${formatMatchers(matchers)}`;
  // Siblings with the same matchers would share a key, and so their groups; keep them apart by position.
  if (siblingKeys.includes(key)) key = `${key}/${index}`;
  siblingKeys.push(key);

  const route: Route & { routes: Route[] } = {
    path,
    key,
    receiver,
    matchers,
    groupBy,
    groupByAll,
    groupWaitMs: duration(raw.group_wait, child(path, 'group_wait'), parent?.groupWaitMs ?? ROUTE_DEFAULTS.groupWaitMs, issues, true),
    groupIntervalMs: duration(
      raw.group_interval,
      child(path, 'group_interval'),
      parent?.groupIntervalMs ?? ROUTE_DEFAULTS.groupIntervalMs,
      issues,
      false,
    ),
    repeatIntervalMs: duration(
      raw.repeat_interval,
      child(path, 'repeat_interval'),
      parent?.repeatIntervalMs ?? ROUTE_DEFAULTS.repeatIntervalMs,
      issues,
      false,
    ),
    continue: raw.continue === true,
    muteTimeIntervals: intervalNames(raw.mute_time_intervals, child(path, 'mute_time_intervals'), context),
    activeTimeIntervals: intervalNames(raw.active_time_intervals, child(path, 'active_time_intervals'), context),
    routes: [],
  };
  if (raw.routes !== undefined && raw.routes !== null && !Array.isArray(raw.routes)) {
    issues.add(child(path, 'routes'), 'must be a list');
  }
  const childKeys: string[] = [];
  (Array.isArray(raw.routes) ? raw.routes : []).forEach((entry, at) => {
    const childPath = item(child(path, 'routes'), at);
    if (!isRecord(entry)) {
      issues.add(childPath, 'must be a mapping');
      return;
    }
    route.routes.push(parseRoute(entry, childPath, route, at, childKeys, context));
  });
  return route;
}
