/*
 * The routing tree editor's model: reads the route tree out of the Alertmanager YAML being edited and writes one
 * route's change back into that same text. The YAML stays the one source of truth: an edit in the tree rewrites only
 * the keys of the route it touched (comments, key order and everything else in the file are kept), and the server
 * validates the whole configuration when it is saved.
 */
import { type Document, isMap, isScalar, isSeq, parseDocument, type YAMLMap } from 'yaml';
import { type MatcherRow, parseMatcherText } from './matcher-text';

/** Alertmanager's defaults, which the root route falls back to. */
export const ROUTE_DEFAULTS = { groupWait: '30s', groupInterval: '5m', repeatInterval: '4h' } as const;

/** A route as written in the YAML: its own settings (undefined where it inherits) and its children. */
export interface EditableRoute {
  /** Indexes from the root: [] is `route`, [1, 0] is `route.routes[1].routes[0]`. */
  path: number[];
  receiver: string | undefined;
  /** Its matchers (`matchers`, `match` and `match_re` together); null when one is not in a form the editor reads. */
  matchers: MatcherRow[] | null;
  groupBy: string[] | undefined;
  groupWait: string | undefined;
  groupInterval: string | undefined;
  repeatInterval: string | undefined;
  continue: boolean;
  muteTimeIntervals: string[];
  activeTimeIntervals: string[];
  children: EditableRoute[];
}

/** What the editor offers: the tree, and the receiver and time-interval names a route may name. */
export interface RoutingDraft {
  root: EditableRoute;
  receivers: string[];
  timeIntervals: string[];
}

/** A change to one route: a key given as undefined (or [] / false where that is the default) is removed. */
export type RoutePatch = Partial<Omit<EditableRoute, 'path' | 'children' | 'matchers'>> & { matchers?: MatcherRow[] };

/** Reads the draft, or says why it cannot (YAML that does not parse, no `route` mapping). */
export function readRoutingDraft(text: string): RoutingDraft | { error: string } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { error: doc.errors[0]?.message.split('\n')[0] ?? 'The YAML does not parse.' };
  const route = doc.get('route');
  if (!isMap(route)) return { error: 'There is no `route` mapping to edit.' };
  return {
    root: readRoute(route, []),
    receivers: namesOf(doc.get('receivers')),
    timeIntervals: [...namesOf(doc.get('time_intervals')), ...namesOf(doc.get('mute_time_intervals'))],
  };
}

function namesOf(node: unknown): string[] {
  if (!isSeq(node)) return [];
  return node.items.flatMap((item) => {
    const name = isMap(item) ? item.get('name') : undefined;
    return typeof name === 'string' && name !== '' ? [name] : [];
  });
}

function readRoute(node: YAMLMap, path: number[]): EditableRoute {
  const js = node.toJSON() as Record<string, unknown>;
  const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : undefined);
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
  const children = node.get('routes');
  return {
    path,
    receiver: text(js.receiver),
    matchers: readMatchers(js),
    groupBy: strings(js.group_by),
    groupWait: text(js.group_wait),
    groupInterval: text(js.group_interval),
    repeatInterval: text(js.repeat_interval),
    continue: js.continue === true,
    muteTimeIntervals: strings(js.mute_time_intervals) ?? [],
    activeTimeIntervals: strings(js.active_time_intervals) ?? [],
    children: isSeq(children) ? children.items.flatMap((child, index) => (isMap(child) ? [readRoute(child, [...path, index])] : [])) : [],
  };
}

function readMatchers(js: Record<string, unknown>): MatcherRow[] | null {
  const rows: MatcherRow[] = [];
  for (const [type, key] of [
    ['=', 'match'],
    ['=~', 'match_re'],
  ] as const) {
    const map = js[key];
    if (map === undefined) continue;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) return null;
    for (const [name, value] of Object.entries(map)) rows.push({ name, type, value: String(value) });
  }
  if (js.matchers !== undefined) {
    if (!Array.isArray(js.matchers)) return null;
    for (const item of js.matchers) {
      const parsed = typeof item === 'string' ? parseMatcherText(item) : null;
      if (!parsed) return null;
      rows.push(...parsed);
    }
  }
  return rows;
}

/** The YAML path of a route. */
function nodePath(path: readonly number[]): (string | number)[] {
  return ['route', ...path.flatMap((index) => ['routes', index])];
}

function edit(text: string, change: (doc: Document) => void): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error('The YAML does not parse.');
  change(doc);
  return doc.toString({ flowCollectionPadding: false });
}

/** One matcher as Alertmanager's `matchers` list writes it: `name="value"`, the value quoted and escaped. */
function matcherString(m: MatcherRow): string {
  return `${m.name}${m.type}${JSON.stringify(m.value)}`;
}

/** Applies `patch` to the route at `path`; keys not in the patch are left as written. */
export function updateRoute(text: string, path: readonly number[], patch: RoutePatch): string {
  return edit(text, (doc) => {
    const at = nodePath(path);
    const set = (key: string, value: unknown, remove: boolean, flow = false) => {
      if (remove) doc.deleteIn([...at, key]);
      else doc.setIn([...at, key], flow ? Object.assign(doc.createNode(value), { flow: true }) : value);
    };
    if ('receiver' in patch) set('receiver', patch.receiver, !patch.receiver);
    if ('matchers' in patch) {
      doc.deleteIn([...at, 'match']);
      doc.deleteIn([...at, 'match_re']);
      const rows = (patch.matchers ?? []).filter((m) => m.name !== '');
      set('matchers', rows.map(matcherString), rows.length === 0);
    }
    if ('groupBy' in patch) set('group_by', patch.groupBy, patch.groupBy === undefined, true);
    if ('groupWait' in patch) set('group_wait', patch.groupWait, !patch.groupWait);
    if ('groupInterval' in patch) set('group_interval', patch.groupInterval, !patch.groupInterval);
    if ('repeatInterval' in patch) set('repeat_interval', patch.repeatInterval, !patch.repeatInterval);
    if ('continue' in patch) set('continue', true, patch.continue !== true);
    if ('muteTimeIntervals' in patch) set('mute_time_intervals', patch.muteTimeIntervals, !patch.muteTimeIntervals?.length, true);
    if ('activeTimeIntervals' in patch) set('active_time_intervals', patch.activeTimeIntervals, !patch.activeTimeIntervals?.length, true);
    const route = doc.getIn(at);
    if (isMap(route)) tidy(route);
  });
}

/** Keys in reading order after an edit appended some: the matchers first, the child routes last. */
function tidy(route: YAMLMap): void {
  const keyOf = (pair: (typeof route.items)[number]) => (isScalar(pair.key) ? pair.key.value : pair.key);
  const rank = (pair: (typeof route.items)[number]) => (keyOf(pair) === 'matchers' ? 0 : keyOf(pair) === 'routes' ? 2 : 1);
  route.items.sort((a, b) => rank(a) - rank(b));
}

/** Adds a child route at the end of `parent`'s routes, matching `matchers` (it inherits everything else). */
export function addRoute(text: string, parent: readonly number[], matchers: MatcherRow[]): string {
  return edit(text, (doc) => {
    const at = [...nodePath(parent), 'routes'];
    const route = { matchers: matchers.filter((m) => m.name !== '').map(matcherString) };
    const routes = doc.getIn(at);
    if (isSeq(routes)) routes.add(doc.createNode(route));
    else doc.setIn(at, doc.createNode([route]));
  });
}

/** Removes the route at `path` (never the root), with its children. */
export function removeRoute(text: string, path: readonly number[]): string {
  if (path.length === 0) throw new Error('The root route cannot be removed.');
  return edit(text, (doc) => {
    const parent = [...nodePath(path.slice(0, -1)), 'routes'];
    doc.deleteIn([...parent, path[path.length - 1] as number]);
    const left = doc.getIn(parent);
    if (isSeq(left) && left.items.length === 0) doc.deleteIn(parent);
  });
}

/**
 * Moves the route at `path` one place up (-1) or down (+1) among its siblings: order matters, the first matching
 * sibling takes an alert unless it has `continue`.
 */
export function moveRoute(text: string, path: readonly number[], delta: -1 | 1): string {
  return edit(text, (doc) => {
    const routes = doc.getIn([...nodePath(path.slice(0, -1)), 'routes']);
    const from = path[path.length - 1] as number;
    const to = from + delta;
    if (!isSeq(routes) || to < 0 || to >= routes.items.length) return;
    const [moved] = routes.items.splice(from, 1);
    routes.items.splice(to, 0, moved);
  });
}

/** A Prometheus duration (`30s`, `1h30m`, `2d`); empty means "inherit". */
export function isDuration(text: string): boolean {
  return /^((\d+)(ms|s|m|h|d|w|y))+$/.test(text);
}

/** The values a route ends up with: its own, else its parent's, else Alertmanager's defaults. */
export function effective(route: EditableRoute, parent?: EffectiveRoute): EffectiveRoute {
  return {
    receiver: route.receiver ?? parent?.receiver ?? '',
    groupBy: route.groupBy ?? parent?.groupBy ?? [],
    groupWait: route.groupWait ?? parent?.groupWait ?? ROUTE_DEFAULTS.groupWait,
    groupInterval: route.groupInterval ?? parent?.groupInterval ?? ROUTE_DEFAULTS.groupInterval,
    repeatInterval: route.repeatInterval ?? parent?.repeatInterval ?? ROUTE_DEFAULTS.repeatInterval,
  };
}

/** A route's settings after inheritance. */
export interface EffectiveRoute {
  receiver: string;
  groupBy: string[];
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
}
