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
    /**
     * The type of the imported CIs: required for `kind: cis` without a preset, absent for relationships. With a
     * preset it is left out (the preset fixes the type, or decides it per row).
     */
    ciType: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    mapping: Type.Optional(Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 200 }), { maxProperties: 500 })),
    /**
     * The id of an import preset (`GET /api/v1/import-presets`): the file is an export of another tool, whose columns,
     * values and CI types the preset maps. `mapping` and `kind` are then left out.
     */
    preset: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9-]+$' })),
    /**
     * Entries added to (or replacing) the preset's value maps, by map name: `{ "type": { "Leaf": "switch" } }`. Each
     * value must be one the map allows.
     */
    valueMaps: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 64 }),
        Type.Record(Type.String({ maxLength: 200 }), Type.String({ maxLength: 64 }), { maxProperties: 500 }),
        { maxProperties: 20 },
      ),
    ),
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
  /** The row's CI type, when a preset decides it per row. */
  ciType: Type.Optional(Type.String()),
  /** What the row leaves out and why (a value the row's CI type has no field for), without being an error. */
  notes: Type.Optional(Type.Array(Type.String())),
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
  /** The preset the file was read with, or null. */
  preset: Type.Union([Type.String(), Type.Null()]),
  /**
   * Sites, rooms and racks the import creates (a dry run: would create) to place its rows, each under its parent:
   * the site → location → rack chains of a preset's rows that name no existing CI.
   */
  locationsCreated: Type.Array(Type.Object({ type: Type.String(), name: Type.String(), parent: Type.Union([Type.String(), Type.Null()]) })),
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

/**
 * Where a preset column's value goes, besides a common field, `attributes.<key>` and `tags`:
 * - `type`: decides the row's CI type through the `type` value map;
 * - `location.site`, `location.room`, `location.rack`: one link of the row's location chain (site → room → rack),
 *   found by name under its parent or created; `location.path`: the whole chain in one cell (`Site > Room`);
 * - `ip`: the row's primary address (prefix length dropped), into `managementIp` or `ipAddresses`, whichever the
 *   row's type has;
 * - `os`: the operating system or platform, into `os` or `firmware`, whichever the row's type has;
 * - `tag.<prefix>`: a tag `<prefix>:<value>`;
 * - `device`: the existing CI (by name) an address row belongs to;
 * - `source`, `target`: the two ends of a relationship row.
 */
export const IMPORT_PRESET_TARGETS = [
  'type',
  'location.site',
  'location.room',
  'location.rack',
  'location.path',
  'ip',
  'os',
  'device',
  'source',
  'target',
] as const;

/**
 * Transforms a preset applies to a cell before it is used: `prefix` drops a prefix length (`10.0.0.1/24`),
 * `units` drops a trailing unit (`42U`, `12.5 U`), `date` keeps the date of a date-time, `number` drops currency
 * signs and thousands separators.
 */
export const IMPORT_TRANSFORMS = ['prefix', 'units', 'date', 'number'] as const;

/** One column a preset reads. */
export const ImportPresetColumn = Type.Object({
  /** The names the column has in the tool's exports, newest first; matched case-insensitively. */
  headers: Type.Array(Type.String()),
  /** Where the value goes: a common field, `attributes.<key>`, `tags`, or a target of IMPORT_PRESET_TARGETS. */
  field: Type.String(),
  transforms: Type.Array(Type.Unsafe<(typeof IMPORT_TRANSFORMS)[number]>({ type: 'string', enum: [...IMPORT_TRANSFORMS] })),
  /** The value map the (transformed) value is looked up in. */
  valueMap: Type.Optional(Type.String()),
  /** Whether the file must have this column. */
  required: Type.Boolean(),
});
export type ImportPresetColumn = Static<typeof ImportPresetColumn>;

/**
 * How a preset turns the tool's values into Estate's: a value is looked up by exact text first (case-insensitive),
 * then by the first word of `contains` it holds (`Core Switch` holds `switch`). A value found in neither is a row
 * error naming the value and the values known.
 */
export const ImportValueMap = Type.Object({
  /** What the map decides, for messages: `status`, `CI type`. */
  label: Type.String(),
  values: Type.Record(Type.String(), Type.String()),
  contains: Type.Array(Type.Object({ word: Type.String(), value: Type.String() })),
  /** Every Estate value the map may give: what an override in `valueMaps` may name. */
  allowed: Type.Array(Type.String()),
});
export type ImportValueMap = Static<typeof ImportValueMap>;

/**
 * A declarative mapping of another tool's export: which columns go where, how its values translate, and what the
 * user does to export the file. Offered on the import's mapping step and by `preset` in an import request.
 */
export const ImportPreset = Type.Object({
  id: Type.String(),
  label: Type.String(),
  /** The tool and the versions whose exports it reads: `NetBox 4.x and 2.11`. */
  product: Type.String(),
  description: Type.String(),
  kind: Type.Unsafe<(typeof IMPORT_KINDS)[number]>({ type: 'string', enum: [...IMPORT_KINDS] }),
  /**
   * What the rows do: `cis` create or update CIs (matched by `naturalKey`), `addresses` add IP addresses to
   * existing CIs (found by name), `relationships` relate existing CIs.
   */
  mode: Type.Unsafe<'cis' | 'addresses' | 'relationships'>({ type: 'string', enum: ['cis', 'addresses', 'relationships'] }),
  naturalKey: Type.Unsafe<(typeof IMPORT_NATURAL_KEYS)[number]>({ type: 'string', enum: [...IMPORT_NATURAL_KEYS] }),
  /** The CI type of every row, or null when the `type` column decides it per row. */
  ciType: Type.Union([Type.String(), Type.Null()]),
  /** The relationship type of a relationship preset's rows. */
  relationshipType: Type.Union([Type.String(), Type.Null()]),
  columns: Type.Array(ImportPresetColumn),
  valueMaps: Type.Record(Type.String(), ImportValueMap),
  /** What to do in the tool to get a file this preset reads. */
  steps: Type.Array(Type.String()),
});
export type ImportPreset = Static<typeof ImportPreset>;
