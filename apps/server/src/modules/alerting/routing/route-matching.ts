/*
 * Which routes an alert takes, as Alertmanager's dispatcher decides: depth first, the deepest matching routes win,
 * and among siblings matching stops at the first match unless that route says `continue`.
 */
import type { Labels } from '../alert-model';
import { formatLabelName, matchersMatch } from './matchers';
import type { Route } from './routing-config';

/**
 * The routes an alert with these labels is delivered through, in config order. Empty when the root's matchers (which
 * a valid config leaves empty) reject it; otherwise at least one route, the root when no child matches.
 */
export function matchRoutes(route: Route, labels: Labels): Route[] {
  if (!matchersMatch(route.matchers, labels)) return [];
  const matched: Route[] = [];
  for (const childRoute of route.routes) {
    const found = matchRoutes(childRoute, labels);
    matched.push(...found);
    if (found.length > 0 && !childRoute.continue) break;
  }
  return matched.length > 0 ? matched : [route];
}

/** The labels an alert is grouped by on a route: all of them for `group_by: ['...']`, else the listed ones it has. */
export function groupLabelsOf(route: Route, labels: Labels): Labels {
  if (route.groupByAll) return { ...labels };
  const out: Record<string, string> = {};
  for (const name of route.groupBy) {
    const value = labels[name];
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/** A label set as Prometheus prints it, sorted by name, odd names quoted: `{alertname="Down", "service.name"="api"}`. */
export function formatLabels(labels: Labels): string {
  const names = Object.keys(labels).sort();
  return `{${names.map((name) => `${formatLabelName(name)}=${JSON.stringify(labels[name])}`).join(', ')}}`;
}

/** Alertmanager's group key: the route's key and the group labels, `{}/{team="db"}:{alertname="Down"}`. */
export function groupKeyOf(route: Route, groupLabels: Labels): string {
  return `${route.key}:${formatLabels(groupLabels)}`;
}
