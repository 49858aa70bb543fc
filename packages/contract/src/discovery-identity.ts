import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';
import { LifecycleStatusSchema, SourceSchema } from './inventory';
import { IMPORT_MAX_CONTENT } from './inventory-import';

/*
 * One identity per thing: merge suggestions (two CIs that may be one machine), installed software, and Terraform
 * state imports.
 */

export const MERGE_SUGGESTION_STATUSES = ['open', 'merged', 'dismissed'] as const;
export type MergeSuggestionStatus = (typeof MERGE_SUGGESTION_STATUSES)[number];
const MergeSuggestionStatusSchema = Type.Unsafe<MergeSuggestionStatus>({ type: 'string', enum: [...MERGE_SUGGESTION_STATUSES] });

/** One end of a merge suggestion as lists show it; null once that CI was deleted (merged away). */
export const MergeSuggestionCi = Type.Object({
  id: Id,
  type: Type.String(),
  name: Type.String(),
  serial: Type.Union([Type.String(), Type.Null()]),
  status: LifecycleStatusSchema,
});
export type MergeSuggestionCi = Static<typeof MergeSuggestionCi>;

/**
 * Two CIs that may be the same real thing: strong identifiers pointed at both, or contradicted each other. `reason`
 * says why in words; `details` holds the identifier kind and values, the observer and, after a merge, what moved.
 */
export const MergeSuggestion = Type.Object({
  id: Id,
  status: MergeSuggestionStatusSchema,
  reason: Type.String(),
  details: Type.Unknown(),
  source: SourceSchema,
  ci: Type.Union([MergeSuggestionCi, Type.Null()]),
  otherCi: Type.Union([MergeSuggestionCi, Type.Null()]),
  createdAt: EpochMs,
  resolvedAt: Type.Union([EpochMs, Type.Null()]),
  resolvedBy: Type.Union([Type.String(), Type.Null()]),
});
export type MergeSuggestion = Static<typeof MergeSuggestion>;

/** `GET /api/v1/discovery/merge-suggestions`: newest first; `status` defaults to every status. */
export const MergeSuggestionListQuery = Type.Object(
  {
    status: Type.Optional(MergeSuggestionStatusSchema),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type MergeSuggestionListQuery = Static<typeof MergeSuggestionListQuery>;

/** `POST /api/v1/discovery/merge-suggestions/:id/merge`: which of the pair stays; the other is merged into it. */
export const MergeRequest = Type.Object({ keepCiId: Id }, { additionalProperties: false });
export type MergeRequest = Static<typeof MergeRequest>;

/** A relationship of the merged CI that was not moved to the kept one, and why. */
export const SkippedRelationship = Type.Object({
  type: Type.String(),
  otherCiId: Id,
  otherCiName: Type.String(),
  reason: Type.String(),
});
export type SkippedRelationship = Static<typeof SkippedRelationship>;

/** What a merge did. The merged CI is deleted; its history keeps its last values. */
export const MergeResult = Type.Object({
  suggestion: MergeSuggestion,
  keptCiId: Id,
  mergedCiId: Id,
  movedRelationships: Type.Integer({ minimum: 0 }),
  skippedRelationships: Type.Array(SkippedRelationship),
  movedIdentifiers: Type.Integer({ minimum: 0 }),
  movedSoftware: Type.Integer({ minimum: 0 }),
  /** Fields that were empty on the kept CI and were filled from the merged one (history names). */
  filledFields: Type.Array(Type.String()),
  /** Other open suggestions that named the merged CI, now dismissed. */
  dismissedSuggestionIds: Type.Array(Id),
});
export type MergeResult = Static<typeof MergeResult>;

/** One installed package of a CI. `arch` is '' when the package manager names none. */
export const InstalledSoftware = Type.Object({
  name: Type.String(),
  version: Type.String(),
  arch: Type.String(),
  source: SourceSchema,
  seenAt: EpochMs,
});
export type InstalledSoftware = Static<typeof InstalledSoftware>;

/** `GET /api/v1/cis/:id/software`: by name; `name` keeps only packages whose name starts with it. */
export const CiSoftwareQuery = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type CiSoftwareQuery = Static<typeof CiSoftwareQuery>;

/** `GET /api/v1/software`: where a package is installed. `name` is exact; `version` narrows to one version. */
export const SoftwareSearchQuery = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    version: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    cursor: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type SoftwareSearchQuery = Static<typeof SoftwareSearchQuery>;

/** One CI with one installed version of the searched package; ordered by version, then CI name. */
export const SoftwareInstallation = Type.Object({
  ciId: Id,
  ciName: Type.String(),
  ciType: Type.String(),
  ciStatus: LifecycleStatusSchema,
  name: Type.String(),
  version: Type.String(),
  arch: Type.String(),
  source: SourceSchema,
  seenAt: EpochMs,
});
export type SoftwareInstallation = Static<typeof SoftwareInstallation>;

/** The largest Terraform state an import accepts, in characters of `content`: as large as a CMDB import file. */
export const TERRAFORM_MAX_CONTENT = IMPORT_MAX_CONTENT;

/**
 * `POST /api/v1/discovery/terraform-imports`: a Terraform state file (format version 4) as JSON text. A dry run
 * answers what the import would do and writes nothing.
 */
export const TerraformImportRequest = Type.Object(
  { content: Type.String({ minLength: 1, maxLength: TERRAFORM_MAX_CONTENT }), dryRun: Type.Boolean() },
  { additionalProperties: false },
);
export type TerraformImportRequest = Static<typeof TerraformImportRequest>;

export const TERRAFORM_RESOURCE_ACTIONS = ['create', 'update', 'unchanged', 'retire'] as const;
export const TERRAFORM_RELATION_ACTIONS = ['create', 'exists', 'skipped'] as const;

/** What the import did (or, in a dry run, would do) with one managed resource instance. */
export const TerraformResourceReport = Type.Object({
  address: Type.String(),
  resourceType: Type.String(),
  externalId: Type.String(),
  name: Type.String(),
  action: Type.Unsafe<(typeof TERRAFORM_RESOURCE_ACTIONS)[number]>({ type: 'string', enum: [...TERRAFORM_RESOURCE_ACTIONS] }),
  /** The CI; null in a dry run for a CI that would be created. */
  ciId: Type.Union([Id, Type.Null()]),
});
export type TerraformResourceReport = Static<typeof TerraformResourceReport>;

/** One relationship the state implies, between two resource addresses. */
export const TerraformRelationReport = Type.Object({
  type: Type.String(),
  from: Type.String(),
  to: Type.String(),
  action: Type.Unsafe<(typeof TERRAFORM_RELATION_ACTIONS)[number]>({ type: 'string', enum: [...TERRAFORM_RELATION_ACTIONS] }),
  reason: Type.Optional(Type.String()),
});
export type TerraformRelationReport = Static<typeof TerraformRelationReport>;

/** Counts of one import. */
export const TerraformImportCounts = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  retired: Type.Integer(),
  related: Type.Integer(),
  skipped: Type.Integer(),
});
export type TerraformImportCounts = Static<typeof TerraformImportCounts>;

/** The outcome of an import (or a dry run, which has no id and changed nothing). */
export const TerraformImportResult = Type.Object({
  id: Type.Union([Id, Type.Null()]),
  dryRun: Type.Boolean(),
  lineage: Type.String(),
  serial: Type.Integer(),
  terraformVersion: Type.Union([Type.String(), Type.Null()]),
  counts: TerraformImportCounts,
  resources: Type.Array(TerraformResourceReport),
  relationships: Type.Array(TerraformRelationReport),
  /** Managed resources that are not CIs: data sources are skipped silently; these are links or non-cloud helpers. */
  ignored: Type.Array(Type.Object({ address: Type.String(), reason: Type.String() })),
});
export type TerraformImportResult = Static<typeof TerraformImportResult>;

/** One recorded import, newest first in `GET /api/v1/discovery/terraform-imports`. */
export const TerraformImportSummary = Type.Object({
  id: Id,
  lineage: Type.String(),
  serial: Type.Integer(),
  terraformVersion: Type.Union([Type.String(), Type.Null()]),
  counts: TerraformImportCounts,
  userId: Type.Union([Type.String(), Type.Null()]),
  createdAt: EpochMs,
});
export type TerraformImportSummary = Static<typeof TerraformImportSummary>;

/** `GET /api/v1/discovery/terraform-imports`: optionally one lineage's imports. */
export const TerraformImportListQuery = Type.Object(
  {
    lineage: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type TerraformImportListQuery = Static<typeof TerraformImportListQuery>;
