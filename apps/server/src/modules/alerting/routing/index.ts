/*
 * Alert routing, Alertmanager's model as a pure library: parse a pasted config (`route`, `receivers`,
 * `inhibit_rules`, `time_intervals`, `mute_time_intervals`), route alerts through the tree, and run aggregation
 * groups and the notification pipeline on time the caller passes in. No storage, no I/O; the alerting module wires
 * it to its repositories (silences, exported dispatcher state) and to the channels that deliver notifications.
 *
 * Where it knowingly differs from Alertmanager:
 * - The notification log remembers each firing episode (fingerprint and start), not only the fingerprint, so an
 *   alert that resolves and fires again is news even within repeat_interval.
 * - A recovery goes only to a receiver that was told about that firing (Alertmanager may list a resolved alert the
 *   receiver never saw); resolved alerts are sent whether or not an integration wants them (`send_resolved` is the
 *   channel's to honour).
 * - repeat_interval counts from the last notification inclusive (Alertmanager's is strictly after, which usually
 *   delays a repeat by one group_interval).
 * - Regexes are Go RE2 syntax run by JavaScript: leading `(?i)`/`(?s)`/`(?m)` are honoured; constructs JavaScript
 *   lacks fail at parse time with the path named.
 * - Delivery is assumed to succeed: retries and failure handling belong to the channels.
 */

export { type ConfigIssue, RoutingConfigError } from './config-issues';
export {
  type DispatcherOptions,
  type DispatcherState,
  type GroupSnapshot,
  type Notification,
  NotificationDispatcher,
  type NotifiedAlert,
  type RouteExplanation,
  type RouteMute,
} from './dispatcher';
export {
  createMatcher,
  formatMatcher,
  formatMatchers,
  type Matcher,
  MatcherSyntaxError,
  type MatchType,
  matchersMatch,
  parseMatchers,
} from './matchers';
export { formatLabels, groupKeyOf, groupLabelsOf, matchRoutes } from './route-matching';
export {
  type InhibitRule,
  parseRoutingConfig,
  type Receiver,
  ROUTE_DEFAULTS,
  type Route,
  type RoutingConfig,
} from './routing-config';
export {
  type AlertSuppressor,
  Inhibitor,
  MarkedSuppressions,
  type Silence,
  type SilenceState,
  type SuppressionCause,
  silenceMutes,
  silenceProblems,
  silenceState,
} from './suppression';
export { intervalContains, type TimeInterval, type TimeIntervalSpec } from './time-intervals';
