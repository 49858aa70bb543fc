import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';
import { FieldChange } from './inventory';

/** `GET /api/v1/cis/:id`: without `asOf` the current CI; with it, the CI rebuilt from its history at that time. */
export const CiReadQuery = Type.Object({ asOf: Type.Optional(EpochMs) }, { additionalProperties: false });
export type CiReadQuery = Static<typeof CiReadQuery>;

/** `GET /api/v1/cis/:id/diff`: the two times to compare; `to` defaults to now. */
export const CiDiffQuery = Type.Object({ from: EpochMs, to: Type.Optional(EpochMs) }, { additionalProperties: false });
export type CiDiffQuery = Static<typeof CiDiffQuery>;

/**
 * Field-level differences of one CI between two times. Fields are named as in history: common fields by their API
 * name, `tags`, `attributes.<key>`, `customFields.<key>`. A value absent at a time is `null`. `existedAtFrom` /
 * `existedAtTo` say whether the CI existed then.
 */
export const CiDiff = Type.Object({
  ciId: Id,
  from: EpochMs,
  to: EpochMs,
  existedAtFrom: Type.Boolean(),
  existedAtTo: Type.Boolean(),
  changes: Type.Array(FieldChange),
});
export type CiDiff = Static<typeof CiDiff>;

/** `GET /api/v1/custom-fields`: optionally only one CI type's definitions. */
export const CustomFieldListQuery = Type.Object({ ciType: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false });
export type CustomFieldListQuery = Static<typeof CustomFieldListQuery>;

/** `GET /api/v1/ci-types/:id`. */
export const CiTypeParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
export type CiTypeParams = Static<typeof CiTypeParams>;
