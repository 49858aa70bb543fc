import Type, { type Static } from 'typebox';
import { Id } from './common';
import { LifecycleStatusSchema, RelationshipTypeSchema } from './inventory';

/** One relationship type's rules: names, symmetry, cycle rule, allowed CI types at each end, and its impact. */
export const RelationshipTypeInfo = Type.Object({
  id: RelationshipTypeSchema,
  name: Type.String(),
  inverseName: Type.String(),
  symmetric: Type.Boolean(),
  /** Refused when it would close a cycle through relationships of the same type. */
  acyclic: Type.Boolean(),
  sourceTypes: Type.Array(Type.String()),
  targetTypes: Type.Array(Type.String()),
  /** Which end is impacted when the other fails; `both` for symmetric links, `none` when it carries no impact. */
  impacted: Type.Union([Type.Literal('source'), Type.Literal('target'), Type.Literal('both'), Type.Literal('none')]),
  description: Type.String(),
});
export type RelationshipTypeInfo = Static<typeof RelationshipTypeInfo>;
export const RelationshipTypeList = Type.Object({ items: Type.Array(RelationshipTypeInfo) });
export type RelationshipTypeList = Static<typeof RelationshipTypeList>;

const pageFields = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
};

export const EXPIRY_KINDS = ['warranty', 'end_of_life', 'contract', 'licence'] as const;
export type ExpiryKind = (typeof EXPIRY_KINDS)[number];
export const ExpiryKindSchema = Type.Unsafe<ExpiryKind>({ type: 'string', enum: [...EXPIRY_KINDS] });

export const ExpiringQuery = Type.Object(
  {
    /** Days from today (UTC) to look ahead. */
    within: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, default: 90 })),
    kind: Type.Optional(ExpiryKindSchema),
    ...pageFields,
  },
  { additionalProperties: false },
);
export type ExpiringQuery = Static<typeof ExpiringQuery>;

/** A warranty, end of life, contract end or licence expiry falling within the window. */
export const ExpiringItem = Type.Object({
  kind: ExpiryKindSchema,
  /** `YYYY-MM-DD`. */
  date: Type.String(),
  daysLeft: Type.Integer(),
  ciId: Id,
  ciType: Type.String(),
  name: Type.String(),
  status: LifecycleStatusSchema,
});
export type ExpiringItem = Static<typeof ExpiringItem>;

export const LicenceUsageQuery = Type.Object(pageFields, { additionalProperties: false });
export type LicenceUsageQuery = Static<typeof LicenceUsageQuery>;

/** A licence's seats against its use: the number of `licensed_by` relationships pointing at it. */
export const LicenceUsage = Type.Object({
  ciId: Id,
  name: Type.String(),
  status: LifecycleStatusSchema,
  /** Null when the licence does not say how many seats it has. */
  seats: Type.Union([Type.Number(), Type.Null()]),
  used: Type.Integer({ minimum: 0 }),
  available: Type.Union([Type.Number(), Type.Null()]),
  overUsed: Type.Boolean(),
  expires: Type.Union([Type.String(), Type.Null()]),
});
export type LicenceUsage = Static<typeof LicenceUsage>;

export const REFRESH_HORIZONS = ['quarter', 'year'] as const;
export const RefreshPlanQuery = Type.Object(
  {
    horizon: Type.Optional(
      Type.Unsafe<(typeof REFRESH_HORIZONS)[number]>({ type: 'string', enum: [...REFRESH_HORIZONS], default: 'quarter' }),
    ),
    ...pageFields,
  },
  { additionalProperties: false },
);
export type RefreshPlanQuery = Static<typeof RefreshPlanQuery>;

/** Hardware to replace: its warranty or end of life (whichever is earlier) falls before the horizon's end. */
export const RefreshPlanItem = Type.Object({
  ciId: Id,
  ciType: Type.String(),
  name: Type.String(),
  status: LifecycleStatusSchema,
  /** `YYYY-MM-DD`: the earlier of warranty end and end of life. */
  date: Type.String(),
  reason: Type.Union([Type.Literal('warranty'), Type.Literal('end_of_life')]),
  /** The date has already passed. */
  overdue: Type.Boolean(),
  /** `YYYY-Qn` of the date. */
  quarter: Type.String(),
  monthlyCost: Type.Union([Type.Number(), Type.Null()]),
});
export type RefreshPlanItem = Static<typeof RefreshPlanItem>;

export const RefreshPlanTotal = Type.Object({ quarter: Type.String(), count: Type.Integer(), monthlyCost: Type.Number() });

/** The refresh plan: one page of items, ordered by date, with totals over the whole plan per quarter. */
export const RefreshPlan = Type.Object({
  horizon: Type.Union([Type.Literal('quarter'), Type.Literal('year')]),
  /** Today (UTC) and the horizon's last day, `YYYY-MM-DD`. */
  from: Type.String(),
  to: Type.String(),
  items: Type.Array(RefreshPlanItem),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
  quarters: Type.Array(RefreshPlanTotal),
  total: Type.Object({ count: Type.Integer(), monthlyCost: Type.Number() }),
});
export type RefreshPlan = Static<typeof RefreshPlan>;
