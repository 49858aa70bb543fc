import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';

/*
 * Suppression (issue 15): silences (Alertmanager's), maintenance windows (one-off or recurring in a time zone,
 * scoped to CIs, checks, tags or label matchers) and the routing configuration (Alertmanager's `route`,
 * `receivers`, `inhibit_rules` and `time_intervals`, pasted as YAML). Routes live under `/api/v1/silences`,
 * `/api/v1/maintenance-windows` and `/api/v1/alert-routing`.
 */

const enumOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** The four matcher operators of Alertmanager. */
export const MATCH_TYPES = ['=', '!=', '=~', '!~'] as const;

/** One label matcher; regexes are fully anchored, as in Alertmanager. */
export const LabelMatcher = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    type: enumOf(MATCH_TYPES),
    value: Type.String({ maxLength: 4_096 }),
  },
  { additionalProperties: false },
);
export type LabelMatcher = Static<typeof LabelMatcher>;

/** Matchers as Alertmanager's text (`{team="db", env=~"prod.*"}`) or as a list of objects. */
export const MatchersInput = Type.Union([Type.String({ maxLength: 8_192 }), Type.Array(LabelMatcher, { maxItems: 64 })]);
export type MatchersInput = Static<typeof MatchersInput>;

/** Where a silence stands: not started yet, muting now, or over (expired early or run out). */
export const SILENCE_STATES = ['pending', 'active', 'expired'] as const;
export type SilenceStateName = (typeof SILENCE_STATES)[number];

/** A silence: alerts whose labels every matcher accepts are not notified from `startsAt` until `endsAt`. */
export const Silence = Type.Object({
  id: Id,
  matchers: Type.Array(LabelMatcher),
  /** The matchers in Alertmanager's text form. */
  matchersText: Type.String(),
  startsAt: EpochMs,
  endsAt: EpochMs,
  comment: Type.String(),
  /** The author the silence names (the creating user's email unless given). */
  createdBy: Type.String(),
  state: enumOf(SILENCE_STATES),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  version: Type.Integer({ minimum: 1 }),
});
export type Silence = Static<typeof Silence>;

/** Lists silences, newest end first. */
export const SilenceListQuery = Type.Object(
  {
    state: Type.Optional(enumOf(SILENCE_STATES)),
    /** Text the matchers' text form must contain (case-insensitive), such as `team="db"`. */
    matcher: Type.Optional(Type.String({ maxLength: 512 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type SilenceListQuery = Static<typeof SilenceListQuery>;

/** Creates a silence; it starts now unless `startsAt` is given. */
export const CreateSilenceRequest = Type.Object(
  {
    matchers: MatchersInput,
    startsAt: Type.Optional(EpochMs),
    endsAt: EpochMs,
    comment: Type.String({ minLength: 1, maxLength: 4_000 }),
    createdBy: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type CreateSilenceRequest = Static<typeof CreateSilenceRequest>;

/** Changes a silence (If-Match required); an expired silence cannot be changed. */
export const UpdateSilenceRequest = Type.Object(
  {
    matchers: Type.Optional(MatchersInput),
    startsAt: Type.Optional(EpochMs),
    endsAt: Type.Optional(EpochMs),
    comment: Type.Optional(Type.String({ minLength: 1, maxLength: 4_000 })),
  },
  { additionalProperties: false },
);
export type UpdateSilenceRequest = Static<typeof UpdateSilenceRequest>;

/** ISO weekdays, Monday first. */
export const WEEKDAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const LocalDateTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?$',
  description: 'Wall-clock date-time in the window zone',
});
const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const TimeOfDay = Type.String({ pattern: '^\\d{2}:\\d{2}$', description: 'HH:MM, 24-hour, in the window zone' });
const Recurring = {
  startTime: TimeOfDay,
  durationMinutes: Type.Integer({ minimum: 1, maximum: 10_080, description: 'Elapsed minutes (at most a week)' }),
  from: Type.Optional(LocalDate),
  until: Type.Optional(LocalDate),
};

/**
 * When a maintenance window holds, in its time zone: once (local start and end), or daily, on weekdays, or on a
 * day of the month (-1: the last) at a local time for a duration. A start the clocks skip happens when they jump;
 * one they repeat happens at its first occurrence.
 */
export const MaintenanceSchedule = Type.Union([
  Type.Object({ kind: Type.Literal('once'), start: LocalDateTime, end: LocalDateTime }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('daily'), ...Recurring }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('weekly'),
      days: Type.Array(enumOf(WEEKDAY_NAMES), { minItems: 1, maxItems: 7, uniqueItems: true }),
      ...Recurring,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('monthly'), dayOfMonth: Type.Integer({ minimum: -1, maximum: 31 }), ...Recurring },
    { additionalProperties: false },
  ),
]);
export type MaintenanceSchedule = Static<typeof MaintenanceSchedule>;

/** What a window covers: alerts about any of these CIs or checks, CIs with any of these tags, or alerts whose labels every matcher accepts. */
export const MaintenanceScopeInput = Type.Object(
  {
    ciIds: Type.Optional(Type.Array(Id, { maxItems: 500 })),
    checkIds: Type.Optional(Type.Array(Id, { maxItems: 500 })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 100 })),
    matchers: Type.Optional(MatchersInput),
  },
  { additionalProperties: false },
);
export type MaintenanceScopeInput = Static<typeof MaintenanceScopeInput>;

export const MaintenanceScope = Type.Object({
  ciIds: Type.Array(Id),
  checkIds: Type.Array(Id),
  tags: Type.Array(Type.String()),
  matchers: Type.Array(LabelMatcher),
  matchersText: Type.String(),
});
export type MaintenanceScope = Static<typeof MaintenanceScope>;

const OccurrenceSpan = Type.Object({ start: EpochMs, end: EpochMs });

/** A maintenance window. */
export const MaintenanceWindow = Type.Object({
  id: Id,
  name: Type.String(),
  description: Type.String(),
  timeZone: Type.String(),
  schedule: MaintenanceSchedule,
  scope: MaintenanceScope,
  /** The occurrence holding now, if any. */
  current: nullable(OccurrenceSpan),
  /** The next occurrence starting after now (within a year), if any. */
  next: nullable(OccurrenceSpan),
  createdBy: nullable(Type.String()),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  version: Type.Integer({ minimum: 1 }),
});
export type MaintenanceWindow = Static<typeof MaintenanceWindow>;

export const CreateMaintenanceWindowRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 4_000 })),
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Berlin' }),
    schedule: MaintenanceSchedule,
    scope: MaintenanceScopeInput,
  },
  { additionalProperties: false },
);
export type CreateMaintenanceWindowRequest = Static<typeof CreateMaintenanceWindowRequest>;

export const UpdateMaintenanceWindowRequest = Type.Partial(CreateMaintenanceWindowRequest, { additionalProperties: false });
export type UpdateMaintenanceWindowRequest = Static<typeof UpdateMaintenanceWindowRequest>;

export const MaintenanceWindowListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type MaintenanceWindowListQuery = Static<typeof MaintenanceWindowListQuery>;

/** A range of at most 62 days. */
export const OccurrenceQuery = Type.Object({ from: EpochMs, to: EpochMs }, { additionalProperties: false });
export type OccurrenceQuery = Static<typeof OccurrenceQuery>;

/** One occurrence of a window, for a calendar. */
export const MaintenanceOccurrence = Type.Object({ windowId: Id, name: Type.String(), start: EpochMs, end: EpochMs });
export type MaintenanceOccurrence = Static<typeof MaintenanceOccurrence>;
export const MaintenanceOccurrenceList = Type.Object({ items: Type.Array(MaintenanceOccurrence) });
export type MaintenanceOccurrenceList = Static<typeof MaintenanceOccurrenceList>;

export const ActiveMaintenanceQuery = Type.Object({ at: Type.Optional(EpochMs) }, { additionalProperties: false });
export type ActiveMaintenanceQuery = Static<typeof ActiveMaintenanceQuery>;
export const ActiveMaintenanceList = Type.Object({ at: EpochMs, items: Type.Array(MaintenanceWindow) });
export type ActiveMaintenanceList = Static<typeof ActiveMaintenanceList>;

/** One node of the route tree, depth first; its parent is the nearest earlier node one level up. */
export const RoutingTreeNode = Type.Object({
  path: Type.String(),
  depth: Type.Integer({ minimum: 0 }),
  receiver: Type.String(),
  matchers: Type.String(),
  groupBy: Type.Array(Type.String()),
  groupByAll: Type.Boolean(),
  groupWaitMs: Type.Integer(),
  groupIntervalMs: Type.Integer(),
  repeatIntervalMs: Type.Integer(),
  continue: Type.Boolean(),
  muteTimeIntervals: Type.Array(Type.String()),
  activeTimeIntervals: Type.Array(Type.String()),
});
export type RoutingTreeNode = Static<typeof RoutingTreeNode>;

/**
 * What a save (or its preview) made of the pasted receivers' inline Alertmanager integrations: each became a stored
 * notification channel (or reused an identical one), and the receiver names it in `estate_channels` instead.
 */
export const RoutingChannelImport = Type.Object({
  channels: Type.Array(
    Type.Object({
      /** The channel's name, as the receiver's `estate_channels` now lists it. */
      name: Type.String(),
      /** The stored channel; null in a preview for a channel not created yet. */
      id: nullable(Type.String()),
      type: Type.String(),
      receiver: Type.String(),
      /** Where the integration was written: `receivers[2].slack_configs[0]`. */
      path: Type.String(),
      /** True when an identical stored channel was used rather than a new one created. */
      reused: Type.Boolean(),
    }),
  ),
  /** Fields without effect in Estate (Go-template presentation, timeouts), by path. */
  ignored: Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
  /** `global` keys dropped: integration defaults, which only the inline integrations used. */
  removedGlobals: Type.Array(Type.String()),
});
export type RoutingChannelImport = Static<typeof RoutingChannelImport>;

/** The current routing configuration: as pasted, and parsed for display. */
export const AlertRouting = Type.Object({
  yaml: Type.String(),
  /** 0 while the built-in default is in use. */
  version: Type.Integer({ minimum: 0 }),
  isDefault: Type.Boolean(),
  updatedBy: nullable(Type.String()),
  updatedAt: nullable(EpochMs),
  routes: Type.Array(RoutingTreeNode),
  receivers: Type.Array(Type.Object({ name: Type.String(), integrations: Type.Array(Type.String()) })),
  inhibitRules: Type.Array(Type.Object({ source: Type.String(), target: Type.String(), equal: Type.Array(Type.String()) })),
  timeIntervals: Type.Array(Type.String()),
  /** Present in the answer of a save or preview: what the inline integrations became. */
  channelImport: Type.Optional(RoutingChannelImport),
});
export type AlertRouting = Static<typeof AlertRouting>;

/** Replaces the routing configuration (If-Match required); an invalid one is a 400 listing each issue by path. */
export const PutAlertRoutingRequest = Type.Object(
  { yaml: Type.String({ minLength: 1, maxLength: 262_144 }) },
  { additionalProperties: false },
);
export type PutAlertRoutingRequest = Static<typeof PutAlertRoutingRequest>;

/** Which routes an alert with these labels takes; `yaml` tests an unsaved configuration instead of the current one. */
export const TestAlertRoutingRequest = Type.Object(
  {
    labels: Type.Record(Type.String({ minLength: 1, maxLength: 256 }), Type.String({ maxLength: 4_096 })),
    at: Type.Optional(EpochMs),
    yaml: Type.Optional(Type.String({ minLength: 1, maxLength: 262_144 })),
  },
  { additionalProperties: false },
);
export type TestAlertRoutingRequest = Static<typeof TestAlertRoutingRequest>;

export const AlertRoutingTestAnswer = Type.Object({
  matches: Type.Array(
    Type.Object({
      routePath: Type.String(),
      receiver: Type.String(),
      groupKey: Type.String(),
      /** Why the route sends nothing now: a mute time interval, or outside its active intervals. */
      mutedBy: nullable(Type.String()),
      /** The silences that mute the alert now. */
      silencedBy: Type.Array(Type.String()),
    }),
  ),
});
export type AlertRoutingTestAnswer = Static<typeof AlertRoutingTestAnswer>;

export const AlertRoutingVersion = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  updatedBy: nullable(Type.String()),
  updatedAt: EpochMs,
  yaml: Type.String(),
});
export type AlertRoutingVersion = Static<typeof AlertRoutingVersion>;

export const AlertRoutingVersionQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type AlertRoutingVersionQuery = Static<typeof AlertRoutingVersionQuery>;
