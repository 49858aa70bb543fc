import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';
import { CiCommonFields, CriticalitySchema, EnvironmentSchema, LifecycleStatusSchema } from './inventory';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/**
 * A CI filter as the list route takes it in its query string (`type`, `status`, `environment`, `criticality`,
 * `ownerTeamId`, `locationId`, `tag`, `q`, `attr.<key>`, `cf.<key>`): parameter name → value. Saved views may also
 * hold `sort`. Unknown names are refused with 400 by the server.
 */
export const CiFilterParams = Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.String({ maxLength: 200 }), {
  maxProperties: 40,
});
export type CiFilterParams = Static<typeof CiFilterParams>;

/** A named, per-user list query (filters and sort) for a resource. Only its owner sees it. */
export const SavedView = Type.Object({
  id: Id,
  resource: Type.Literal('cis'),
  name: Type.String(),
  query: CiFilterParams,
  createdAt: EpochMs,
});
export type SavedView = Static<typeof SavedView>;

export const CreateSavedViewRequest = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    resource: Type.Optional(Type.Literal('cis')),
    query: CiFilterParams,
  },
  { additionalProperties: false },
);
export type CreateSavedViewRequest = Static<typeof CreateSavedViewRequest>;

export const SavedViewListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    resource: Type.Optional(Type.Literal('cis')),
  },
  { additionalProperties: false },
);
export type SavedViewListQuery = Static<typeof SavedViewListQuery>;

/** The most CIs one bulk request may name by id. */
export const BULK_MAX_IDS = 1000;

/** Which CIs a bulk operation targets: listed ids, or every CI matching a filter. Exactly one of the two. */
const BulkTarget = {
  ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: BULK_MAX_IDS, uniqueItems: true })),
  filter: Type.Optional(CiFilterParams),
  /** The number of CIs targeted, as the client expects it; any other number is a 409 and nothing changes. */
  confirm: Type.Integer({ minimum: 0 }),
};

/** The fields a bulk update may set on every targeted CI. Names, serials and asset tags identify one CI each. */
export const BulkCiPatch = Type.Object(
  {
    status: Type.Optional(LifecycleStatusSchema),
    environment: Type.Optional(nullable(EnvironmentSchema)),
    criticality: Type.Optional(nullable(CriticalitySchema)),
    ownerTeamId: Type.Optional(CiCommonFields.ownerTeamId),
    locationId: Type.Optional(CiCommonFields.locationId),
    manufacturer: Type.Optional(CiCommonFields.manufacturer),
    model: Type.Optional(CiCommonFields.model),
    purchaseDate: Type.Optional(CiCommonFields.purchaseDate),
    warrantyEnd: Type.Optional(CiCommonFields.warrantyEnd),
    endOfLife: Type.Optional(CiCommonFields.endOfLife),
    monthlyCost: Type.Optional(CiCommonFields.monthlyCost),
    /** Tags added to every targeted CI (kept when already present). */
    addTags: Type.Optional(CiCommonFields.tags),
    /** Tags removed from every targeted CI. */
    removeTags: Type.Optional(CiCommonFields.tags),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type BulkCiPatch = Static<typeof BulkCiPatch>;

export const BulkUpdateRequest = Type.Object({ ...BulkTarget, patch: BulkCiPatch }, { additionalProperties: false });
export type BulkUpdateRequest = Static<typeof BulkUpdateRequest>;

export const BulkDeleteRequest = Type.Object(BulkTarget, { additionalProperties: false });
export type BulkDeleteRequest = Static<typeof BulkDeleteRequest>;

/** What a bulk operation did: the CIs it changed (or deleted), all in one transaction. */
export const BulkResult = Type.Object({
  count: Type.Integer({ minimum: 0 }),
  ids: Type.Array(Id),
});
export type BulkResult = Static<typeof BulkResult>;

export const EXPORT_FORMATS = ['csv', 'json'] as const;
/** Query of the export route: a format, plus the list's filters and sort. */
export const CiExportQuery = Type.Object(
  {
    format: Type.Optional(Type.Unsafe<(typeof EXPORT_FORMATS)[number]>({ type: 'string', enum: [...EXPORT_FORMATS], default: 'csv' })),
  },
  { additionalProperties: true },
);
export type CiExportQuery = Static<typeof CiExportQuery>;
