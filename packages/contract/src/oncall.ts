import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';

/*
 * On-call: schedules of layered rotations with restrictions and overrides, who is on call, the final shifts of a
 * calendar, escalation policies, and iCalendar feeds. Persons are Estate users, named by their user id. Routes live
 * under `/api/v1/schedules`, `/api/v1/escalation-policies` and `/api/v1/oncall`.
 */

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const TimeOfDay = Type.String({ maxLength: 5, description: 'Wall-clock time HH:MM (24-hour) in the schedule zone' });
const Weekday = Type.Unsafe<1 | 2 | 3 | 4 | 5 | 6 | 7>({
  type: 'integer',
  minimum: 1,
  maximum: 7,
  description: 'ISO weekday: 1 Monday … 7 Sunday',
});
const Name = Type.String({ minLength: 1, maxLength: 200 });
const LocalId = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });

/** A window in which a layer applies: daily (optionally on some weekdays only) or weekly. */
export const Restriction = Type.Union([
  Type.Object(
    { kind: Type.Literal('daily'), start: TimeOfDay, end: TimeOfDay, days: Type.Optional(Type.Array(Weekday, { maxItems: 7 })) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('weekly'), startDay: Weekday, start: TimeOfDay, endDay: Weekday, end: TimeOfDay },
    { additionalProperties: false },
  ),
]);
export type Restriction = Static<typeof Restriction>;

/** Participants take turns in list order from `startDate` at `handoffTime`, each for `shiftLength`. */
export const Rotation = Type.Object(
  {
    participants: Type.Array(Id, { maxItems: 100, description: 'User ids in turn order' }),
    handoffTime: TimeOfDay,
    shiftLength: Type.Object(
      {
        count: Type.Integer({ minimum: 1, maximum: 1000 }),
        unit: Type.Union([Type.Literal('hours'), Type.Literal('days'), Type.Literal('weeks')]),
      },
      { additionalProperties: false },
    ),
    startDate: Type.String({ maxLength: 10, description: 'YYYY-MM-DD of the first handoff, in the schedule zone' }),
  },
  { additionalProperties: false },
);
export type Rotation = Static<typeof Rotation>;

/** One layer: a rotation limited to its restriction windows (none: always). Later layers win over earlier ones. */
export const ScheduleLayer = Type.Object(
  {
    id: LocalId,
    name: Name,
    rotation: Rotation,
    restrictions: Type.Optional(Type.Array(Restriction, { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type ScheduleLayer = Static<typeof ScheduleLayer>;

/** One person on call over `[start, end)`, above every layer. */
export const ScheduleOverride = Type.Object({ id: LocalId, person: Id, start: EpochMs, end: EpochMs }, { additionalProperties: false });
export type ScheduleOverride = Static<typeof ScheduleOverride>;

/** Something allowed but worth seeing: overlapping overrides, or nobody on call for a while in the next two weeks. */
export const ScheduleWarning = Type.Object({ path: Type.String(), message: Type.String() });
export type ScheduleWarning = Static<typeof ScheduleWarning>;

/** A stored schedule. `warnings` describe the schedule as saved (gaps ahead, overlapping overrides). */
export const OnCallSchedule = Type.Object({
  id: Id,
  name: Type.String(),
  timeZone: Type.String(),
  layers: Type.Array(ScheduleLayer),
  overrides: Type.Array(ScheduleOverride),
  warnings: Type.Array(ScheduleWarning),
  createdBy: nullable(Type.String()),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  version: Type.Integer(),
});
export type OnCallSchedule = Static<typeof OnCallSchedule>;

export const CreateScheduleRequest = Type.Object(
  {
    name: Name,
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Berlin' }),
    layers: Type.Array(ScheduleLayer, { maxItems: 20 }),
    overrides: Type.Optional(Type.Array(ScheduleOverride, { maxItems: 500 })),
  },
  { additionalProperties: false },
);
export type CreateScheduleRequest = Static<typeof CreateScheduleRequest>;

export const UpdateScheduleRequest = Type.Partial(CreateScheduleRequest, { additionalProperties: false });
export type UpdateScheduleRequest = Static<typeof UpdateScheduleRequest>;

/** Adds an override; the server gives it an id. */
export const AddOverrideRequest = Type.Object({ person: Id, start: EpochMs, end: EpochMs }, { additionalProperties: false });
export type AddOverrideRequest = Static<typeof AddOverrideRequest>;

export const OverrideParams = Type.Object({ id: Id, overrideId: LocalId }, { additionalProperties: false });
export type OverrideParams = Static<typeof OverrideParams>;

/** A user as the on-call pages show them. */
export const OnCallPerson = Type.Object({ id: Type.String(), name: Type.String(), email: Type.String() });
export type OnCallPerson = Static<typeof OnCallPerson>;

/** What put someone on call: a layer's rotation or an override. */
export const ShiftSource = Type.Union([
  Type.Object({ kind: Type.Literal('layer'), layerId: Type.String() }),
  Type.Object({ kind: Type.Literal('override'), overrideId: Type.String() }),
]);
export type ShiftSource = Static<typeof ShiftSource>;

/** One final shift `[start, end)`. */
export const OnCallShift = Type.Object({ person: OnCallPerson, start: EpochMs, end: EpochMs, source: ShiftSource });
export type OnCallShift = Static<typeof OnCallShift>;

export const OnCallAtQuery = Type.Object({ at: Type.Optional(EpochMs) }, { additionalProperties: false });
export type OnCallAtQuery = Static<typeof OnCallAtQuery>;

/** Who a schedule has on call at `at`; `person` null when nobody is. */
export const OnCallNow = Type.Object({ at: EpochMs, person: nullable(OnCallPerson), source: nullable(ShiftSource) });
export type OnCallNow = Static<typeof OnCallNow>;

/** The longest range `/shifts` answers: 62 days. */
export const MAX_SHIFT_RANGE_MS = 62 * 86_400_000;

export const ShiftsQuery = Type.Object({ from: EpochMs, to: EpochMs }, { additionalProperties: false });
export type ShiftsQuery = Static<typeof ShiftsQuery>;

export const ShiftList = Type.Object({ from: EpochMs, to: EpochMs, items: Type.Array(OnCallShift) });
export type ShiftList = Static<typeof ShiftList>;

/** A shift of the signed-in user in one schedule. */
export const MyShift = Type.Object({ scheduleId: Type.String(), scheduleName: Type.String(), start: EpochMs, end: EpochMs });
export type MyShift = Static<typeof MyShift>;

/** The signed-in user's shifts now and next (each within the next 62 days), across schedules. */
export const MyOnCall = Type.Object({ at: EpochMs, current: Type.Array(MyShift), next: Type.Array(MyShift) });
export type MyOnCall = Static<typeof MyOnCall>;

/** Who a step notifies: a user, whoever a schedule has on call, or a notification channel (its id, opaque here). */
export const EscalationTarget = Type.Union([
  Type.Object({ kind: Type.Literal('user'), userId: Id }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('schedule'), scheduleId: Id }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('channel'), channelId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
]);
export type EscalationTarget = Static<typeof EscalationTarget>;

export const EscalationStep = Type.Object(
  {
    targets: Type.Array(EscalationTarget, { maxItems: 20 }),
    delayMinutes: Type.Integer({ minimum: 0, maximum: 10_080, description: 'Wait after this step before the next' }),
  },
  { additionalProperties: false },
);
export type EscalationStep = Static<typeof EscalationStep>;

export const EscalationPolicy = Type.Object({
  id: Id,
  name: Type.String(),
  steps: Type.Array(EscalationStep),
  repeat: Type.Integer(),
  createdBy: nullable(Type.String()),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  version: Type.Integer(),
});
export type EscalationPolicy = Static<typeof EscalationPolicy>;

export const CreateEscalationPolicyRequest = Type.Object(
  {
    name: Name,
    steps: Type.Array(EscalationStep, { maxItems: 20 }),
    repeat: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);
export type CreateEscalationPolicyRequest = Static<typeof CreateEscalationPolicyRequest>;

export const UpdateEscalationPolicyRequest = Type.Partial(CreateEscalationPolicyRequest, { additionalProperties: false });
export type UpdateEscalationPolicyRequest = Static<typeof UpdateEscalationPolicyRequest>;

/** A calendar feed token as listed: never the token itself. */
export const FeedToken = Type.Object({
  id: Id,
  kind: Type.Union([Type.Literal('user'), Type.Literal('schedule')]),
  subjectId: Type.String(),
  createdAt: EpochMs,
  revokedAt: nullable(EpochMs),
});
export type FeedToken = Static<typeof FeedToken>;

export const FeedTokenList = Type.Object({ items: Type.Array(FeedToken) });
export type FeedTokenList = Static<typeof FeedTokenList>;

/** A feed of the caller's own shifts (`user`) or of a schedule (`schedule`, naming it in `scheduleId`). */
export const CreateFeedTokenRequest = Type.Object(
  { kind: Type.Union([Type.Literal('user'), Type.Literal('schedule')]), scheduleId: Type.Optional(Id) },
  { additionalProperties: false },
);
export type CreateFeedTokenRequest = Static<typeof CreateFeedTokenRequest>;

/** A new token: `token` and `url` are shown once; the server keeps only a hash. */
export const CreatedFeedToken = Type.Object({ token: FeedToken, secret: Type.String(), url: Type.String() });
export type CreatedFeedToken = Static<typeof CreatedFeedToken>;

/** The query of a calendar feed: the feed token is the credential. */
export const FeedQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 128 })) }, { additionalProperties: false });
export type FeedQuery = Static<typeof FeedQuery>;
