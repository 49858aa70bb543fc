import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';

/** The largest upload an import accepts, in bytes of `content` (the request body may be a little larger). */
export const IMPORT_MAX_CONTENT = 50 * 1024 * 1024;

export const IMPORT_FORMATS = ['csv', 'json'] as const;
/** What an import creates: CIs of one type (the default), or relationships between existing CIs. */
export const IMPORT_KINDS = ['cis', 'relationships'] as const;
/**
 * The fields of a relationship import: `source` and `target` (a CI id, or the CI's value of the natural key),
 * `type` (a relationship type id such as `runs_on`), and optionally `sourceType` and `targetType` (a CI type, to tell
 * apart CIs of different types that share a name).
 */
export const RELATIONSHIP_IMPORT_FIELDS = ['source', 'type', 'target', 'sourceType', 'targetType'] as const;
export const IMPORT_NATURAL_KEYS = ['name', 'serial', 'assetTag'] as const;
export const IMPORT_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;
export const IMPORT_ACTIONS = ['create', 'update', 'unchanged', 'error'] as const;

/**
 * Starts an import of CIs of one type. `mapping` maps source columns (CSV headers, JSON keys) to target fields:
 * a common field (`name`, `status`, `serial`, `assetTag`, …, `ownerTeamId`, `locationId`, `tags`),
 * `attributes.<key>`, `customFields.<key>`, or '' to ignore the column. Without a mapping, columns are matched to
 * fields by name, case-insensitively (`attr.x`, `attributes.x`, `cf.x`, `customFields.x`). Owners, locations and
 * ci_reference custom fields take a CI id or a unique name. Every field, custom ones included, is applied on create
 * and on update; a field set by hand is never overwritten (the row reports a conflict, recorded in history).
 *
 * With `kind: relationships` the file holds one relationship a row (fields in {@link RELATIONSHIP_IMPORT_FIELDS});
 * `ciType` is then left out, and `naturalKey` says which CI field `source` and `target` name when they are not ids.
 * Relationships that exist already are reported `unchanged`, so a file can be imported again.
 * `contentEncoding: base64` sends the file's bytes (byte order marks and encodings are then checked); `text` (the
 * default) sends it as a JSON string.
 */
export const CreateImportRequest = Type.Object(
  {
    format: Type.Unsafe<(typeof IMPORT_FORMATS)[number]>({ type: 'string', enum: [...IMPORT_FORMATS] }),
    kind: Type.Optional(Type.Unsafe<(typeof IMPORT_KINDS)[number]>({ type: 'string', enum: [...IMPORT_KINDS] })),
    /** The type of the imported CIs: required for `kind: cis`, absent for relationships. */
    ciType: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    mapping: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 200 }), { maxProperties: 500 })),
    naturalKey: Type.Optional(Type.Unsafe<(typeof IMPORT_NATURAL_KEYS)[number]>({ type: 'string', enum: [...IMPORT_NATURAL_KEYS] })),
    dryRun: Type.Boolean(),
    contentEncoding: Type.Optional(Type.Unsafe<'text' | 'base64'>({ type: 'string', enum: ['text', 'base64'] })),
    content: Type.String({ maxLength: Math.ceil((IMPORT_MAX_CONTENT * 4) / 3) + 4 }),
  },
  { additionalProperties: false },
);
export type CreateImportRequest = Static<typeof CreateImportRequest>;

export const ImportAccepted = Type.Object({ id: Id });
export type ImportAccepted = Static<typeof ImportAccepted>;

/** One problem with a row (or, with row 0, with the whole file): the field (column target) and what is wrong. */
export const ImportFieldError = Type.Object({ field: Type.String(), message: Type.String() });
export type ImportFieldError = Static<typeof ImportFieldError>;

/**
 * The outcome of one data row (row 1 is the first row after a CSV header, or the first array element). For a
 * relationship import, `naturalKey` reads "source type target" as given, and `create` means a new relationship.
 */
export const ImportRowReport = Type.Object({
  row: Type.Integer({ minimum: 1 }),
  naturalKey: Type.Union([Type.String(), Type.Null()]),
  action: Type.Unsafe<(typeof IMPORT_ACTIONS)[number]>({ type: 'string', enum: [...IMPORT_ACTIONS] }),
  errors: Type.Array(ImportFieldError),
  /** Fields set by hand that the file would change: they keep their value and a conflict is recorded. */
  conflicts: Type.Optional(Type.Array(Type.String())),
});
export type ImportRowReport = Static<typeof ImportRowReport>;

export const ImportCounts = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  errors: Type.Integer(),
});
export type ImportCounts = Static<typeof ImportCounts>;

/**
 * An import and its report. `rows` holds at most 1,000 row reports (rows with errors first); `rowsTruncated` says
 * when some were left out. `fileErrors` are problems with the whole file (encoding, quoting, unknown columns).
 * A batch is 1,000 rows written in one transaction; `appliedRows` says how many rows were written before a failure.
 */
export const ImportRun = Type.Object({
  id: Id,
  status: Type.Unsafe<(typeof IMPORT_STATUSES)[number]>({ type: 'string', enum: [...IMPORT_STATUSES] }),
  kind: Type.Unsafe<(typeof IMPORT_KINDS)[number]>({ type: 'string', enum: [...IMPORT_KINDS] }),
  format: Type.String(),
  /** The imported CI type; '' for a relationship import. */
  ciType: Type.String(),
  naturalKey: Type.String(),
  dryRun: Type.Boolean(),
  mapping: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]),
  progress: Type.Object({ processed: Type.Integer(), total: Type.Union([Type.Integer(), Type.Null()]) }),
  counts: ImportCounts,
  fileErrors: Type.Array(ImportFieldError),
  rows: Type.Array(ImportRowReport),
  rowsTruncated: Type.Boolean(),
  appliedRows: Type.Integer(),
  failure: Type.Union([Type.String(), Type.Null()]),
  createdAt: EpochMs,
  finishedAt: Type.Union([EpochMs, Type.Null()]),
});
export type ImportRun = Static<typeof ImportRun>;

/** A page of the caller's imports, newest first (reports left out: read one import for its rows). */
export const ImportSummary = Type.Omit(ImportRun, ['rows', 'fileErrors']);
export type ImportSummary = Static<typeof ImportSummary>;
