import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';

/** Lifecycle of a configuration item, in order. */
export const LIFECYCLE_STATUSES = ['planned', 'ordered', 'in_stock', 'deployed', 'in_maintenance', 'retired', 'disposed'] as const;
export type LifecycleStatus = (typeof LIFECYCLE_STATUSES)[number];
export const LifecycleStatusSchema = Type.Unsafe<LifecycleStatus>({ type: 'string', enum: [...LIFECYCLE_STATUSES] });

export const ENVIRONMENTS = ['production', 'staging', 'test', 'development', 'disaster_recovery'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const EnvironmentSchema = Type.Unsafe<Environment>({ type: 'string', enum: [...ENVIRONMENTS] });

export const CRITICALITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Criticality = (typeof CRITICALITIES)[number];
export const CriticalitySchema = Type.Unsafe<Criticality>({ type: 'string', enum: [...CRITICALITIES] });

/** Where a value came from. Manual values are never overwritten by discovered ones without a recorded conflict. */
export const SOURCES = ['manual', 'agent', 'scan', 'import'] as const;
export type Source = (typeof SOURCES)[number];
export const SourceSchema = Type.Unsafe<Source>({ type: 'string', enum: [...SOURCES] });

/** A calendar date, `YYYY-MM-DD`. */
export const DateString = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', format: 'date' });

/** One CI type as the API describes it: its attributes' JSON Schema and its custom fields. */
export const CiTypeInfo = Type.Object({
  id: Type.String(),
  label: Type.String(),
  category: Type.String(),
  description: Type.String(),
  /** JSON Schema of the type's built-in `attributes`. */
  attributes: Type.Unknown(),
  customFields: Type.Array(Type.Unknown()),
});
export type CiTypeInfo = Static<typeof CiTypeInfo>;

/** Provenance of one field: which source last set it, and when. */
export const FieldProvenance = Type.Object({ source: SourceSchema, at: EpochMs, actor: Type.Union([Type.String(), Type.Null()]) });
export type FieldProvenance = Static<typeof FieldProvenance>;

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** The common, typed fields every CI has, as clients write them. */
export const CiCommonFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  status: LifecycleStatusSchema,
  environment: nullable(EnvironmentSchema),
  criticality: nullable(CriticalitySchema),
  ownerTeamId: nullable(Id),
  locationId: nullable(Id),
  serial: nullable(Type.String({ maxLength: 200 })),
  assetTag: nullable(Type.String({ maxLength: 100 })),
  manufacturer: nullable(Type.String({ maxLength: 200 })),
  model: nullable(Type.String({ maxLength: 200 })),
  purchaseDate: nullable(DateString),
  warrantyEnd: nullable(DateString),
  endOfLife: nullable(DateString),
  monthlyCost: nullable(Type.Number({ minimum: 0, maximum: 1e9 })),
  tags: Type.Array(Type.String({ minLength: 1, maxLength: 64, pattern: '^[^,\\s][^,]*$' }), { maxItems: 50, uniqueItems: true }),
};

/** A configuration item. */
export const Ci = Type.Object({
  id: Id,
  type: Type.String(),
  ...CiCommonFields,
  /** Type-specific attributes, validated by the type's schema. */
  attributes: Type.Record(Type.String(), Type.Unknown()),
  /** Admin-defined custom fields, validated by their definitions. */
  customFields: Type.Record(Type.String(), Type.Unknown()),
  provenance: Type.Record(Type.String(), FieldProvenance),
  firstSeen: nullable(EpochMs),
  lastSeen: nullable(EpochMs),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  version: Type.Integer({ minimum: 1 }),
});
export type Ci = Static<typeof Ci>;

/** Fields a client may write besides `type` and `name`; all optional in both create and update. */
const CiWritable = {
  status: Type.Optional(LifecycleStatusSchema),
  environment: Type.Optional(CiCommonFields.environment),
  criticality: Type.Optional(CiCommonFields.criticality),
  ownerTeamId: Type.Optional(CiCommonFields.ownerTeamId),
  locationId: Type.Optional(CiCommonFields.locationId),
  serial: Type.Optional(CiCommonFields.serial),
  assetTag: Type.Optional(CiCommonFields.assetTag),
  manufacturer: Type.Optional(CiCommonFields.manufacturer),
  model: Type.Optional(CiCommonFields.model),
  purchaseDate: Type.Optional(CiCommonFields.purchaseDate),
  warrantyEnd: Type.Optional(CiCommonFields.warrantyEnd),
  endOfLife: Type.Optional(CiCommonFields.endOfLife),
  monthlyCost: Type.Optional(CiCommonFields.monthlyCost),
  tags: Type.Optional(CiCommonFields.tags),
  /** On update, merged key by key; a key set to null is removed. */
  attributes: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  customFields: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
};

export const CreateCiRequest = Type.Object(
  { type: Type.String({ minLength: 1, maxLength: 64 }), name: CiCommonFields.name, ...CiWritable },
  { additionalProperties: false },
);
export type CreateCiRequest = Static<typeof CreateCiRequest>;

/** A partial update (merge): omitted fields are unchanged; `null` clears a nullable field. Needs If-Match. */
export const UpdateCiRequest = Type.Object(
  { name: Type.Optional(CiCommonFields.name), ...CiWritable },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCiRequest = Static<typeof UpdateCiRequest>;

export const CI_SORTS = ['name', '-name', 'updatedAt', '-updatedAt', 'createdAt', '-createdAt'] as const;
export const CiListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    type: Type.Optional(Type.String({ maxLength: 64, description: 'One type, or several separated by commas' })),
    status: Type.Optional(Type.String({ maxLength: 200, description: 'One status, or several separated by commas' })),
    environment: Type.Optional(EnvironmentSchema),
    criticality: Type.Optional(CriticalitySchema),
    ownerTeamId: Type.Optional(Id),
    locationId: Type.Optional(Id),
    tag: Type.Optional(Type.String({ maxLength: 64 })),
    q: Type.Optional(Type.String({ maxLength: 200, description: 'Full-text search over names, attributes, IPs, serials, tags' })),
    /** `attr.<key>=value` and `cf.<key>=value` filters are accepted as extra query parameters. */
    sort: Type.Optional(Type.Unsafe<(typeof CI_SORTS)[number]>({ type: 'string', enum: [...CI_SORTS] })),
  },
  { additionalProperties: true },
);
export type CiListQuery = Static<typeof CiListQuery>;

/** Relationship types, with their inverse names (as read from the target). */
export const RELATIONSHIP_TYPES = [
  'runs_on',
  'depends_on',
  'connected_to',
  'located_in',
  'member_of',
  'backs_up',
  'licensed_by',
  'supported_by',
  'owned_by',
] as const;
export type RelationshipType = (typeof RELATIONSHIP_TYPES)[number];
export const RelationshipTypeSchema = Type.Unsafe<RelationshipType>({ type: 'string', enum: [...RELATIONSHIP_TYPES] });

export const Relationship = Type.Object({
  id: Id,
  type: RelationshipTypeSchema,
  sourceId: Id,
  targetId: Id,
  /** The name read from the source ("runs on") and from the target ("hosts"). */
  name: Type.String(),
  inverseName: Type.String(),
  source: SourceSchema,
  createdAt: EpochMs,
  /** Names and types of both ends, included in lists so a client needs no request per row. */
  sourceName: Type.Optional(Type.String()),
  sourceType: Type.Optional(Type.String()),
  targetName: Type.Optional(Type.String()),
  targetType: Type.Optional(Type.String()),
});
export type Relationship = Static<typeof Relationship>;
export const CreateRelationshipRequest = Type.Object(
  { type: RelationshipTypeSchema, sourceId: Id, targetId: Id },
  { additionalProperties: false },
);
export type CreateRelationshipRequest = Static<typeof CreateRelationshipRequest>;
export const RelationshipListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    ciId: Type.Optional(Id),
    type: Type.Optional(RelationshipTypeSchema),
  },
  { additionalProperties: false },
);
export type RelationshipListQuery = Static<typeof RelationshipListQuery>;

/** One change to one field or relationship, as history records it. */
export const FieldChange = Type.Object({ field: Type.String(), from: Type.Unknown(), to: Type.Unknown() });
export const CiHistoryEntry = Type.Object({
  id: Id,
  ciId: Id,
  at: EpochMs,
  kind: Type.Union([
    Type.Literal('created'),
    Type.Literal('updated'),
    Type.Literal('deleted'),
    Type.Literal('related'),
    Type.Literal('unrelated'),
    Type.Literal('conflict'),
    Type.Literal('software'),
    Type.Literal('merged'),
    Type.Literal('vanished'),
  ]),
  source: SourceSchema,
  actorType: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorLabel: Type.Union([Type.String(), Type.Null()]),
  changes: Type.Array(FieldChange),
});
export type CiHistoryEntry = Static<typeof CiHistoryEntry>;
export const CiHistoryQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    asOf: Type.Optional(EpochMs),
  },
  { additionalProperties: false },
);

export const ImpactQuery = Type.Object(
  {
    depth: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: 3 })),
    direction: Type.Optional(Type.Union([Type.Literal('upstream'), Type.Literal('downstream'), Type.Literal('both')], { default: 'both' })),
    types: Type.Optional(Type.String({ maxLength: 300, description: 'Relationship types to follow, comma-separated' })),
  },
  { additionalProperties: false },
);
export type ImpactQuery = Static<typeof ImpactQuery>;
export const ImpactNode = Type.Object({
  id: Id,
  type: Type.String(),
  name: Type.String(),
  status: LifecycleStatusSchema,
  depth: Type.Integer(),
});
export const ImpactResult = Type.Object({
  root: Id,
  nodes: Type.Array(ImpactNode),
  edges: Type.Array(Type.Object({ id: Id, type: RelationshipTypeSchema, sourceId: Id, targetId: Id })),
  /** Business services that depend, directly or not, on the root: what breaks if it fails. */
  affectedServices: Type.Array(ImpactNode),
  truncated: Type.Boolean(),
});
export type ImpactResult = Static<typeof ImpactResult>;

export const CUSTOM_FIELD_KINDS = ['text', 'number', 'date', 'select', 'url', 'ci_reference'] as const;
export const CustomField = Type.Object({
  id: Id,
  ciType: Type.String(),
  key: Type.String(),
  label: Type.String(),
  kind: Type.Unsafe<(typeof CUSTOM_FIELD_KINDS)[number]>({ type: 'string', enum: [...CUSTOM_FIELD_KINDS] }),
  required: Type.Boolean(),
  options: Type.Array(Type.String()),
  referenceType: Type.Union([Type.String(), Type.Null()]),
  createdAt: EpochMs,
});
export type CustomField = Static<typeof CustomField>;
export const CreateCustomFieldRequest = Type.Object(
  {
    ciType: Type.String({ minLength: 1, maxLength: 64 }),
    key: Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$' }),
    label: Type.String({ minLength: 1, maxLength: 100 }),
    kind: Type.Unsafe<(typeof CUSTOM_FIELD_KINDS)[number]>({ type: 'string', enum: [...CUSTOM_FIELD_KINDS] }),
    required: Type.Optional(Type.Boolean()),
    options: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 200, uniqueItems: true })),
    referenceType: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type CreateCustomFieldRequest = Static<typeof CreateCustomFieldRequest>;
