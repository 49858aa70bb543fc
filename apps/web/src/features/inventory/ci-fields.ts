import type { Ci, CiTypeInfo, CustomField } from '@estate/contract';
import { CRITICALITY_OPTIONS, ENVIRONMENT_OPTIONS, enumLabel, labelOfKey, STATUS_OPTIONS } from './ci-labels';

/** How a generated form field is edited. */
export type FieldKind = 'text' | 'integer' | 'number' | 'boolean' | 'tags' | 'select' | 'date' | 'url' | 'ci';

/**
 * One field of the generated CI form. `key` is where its value goes and where the server's errors point: a common
 * field's name (`serial`), `attributes.<key>` or `customFields.<key>` — the same form as `ApiError.fieldErrors()`.
 */
export interface FieldSpec {
  key: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  options?: { value: string; label: string }[];
  min?: number;
  max?: number;
  /** For `ci` fields: the CI types that may be picked. */
  ciTypes?: string[];
  /** The schema's format of a text field (`date-time`), so a value can be shown as what it is. */
  format?: string;
  /** Where the field's provenance is recorded: the same key without the `attributes.` prefix for type attributes. */
  provenanceKey: string;
}

/** A form's values by field key; empty inputs hold '' (text) or null (pickers). */
export type FieldValues = Record<string, unknown>;

interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  format?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

const LOCATION_TYPES = ['site', 'room', 'rack'];
const OWNER_TYPES = ['team', 'person'];

/** The fields every CI has, in the order the form shows them. */
export const COMMON_FIELDS: FieldSpec[] = [
  { key: 'name', label: 'Name', kind: 'text', required: true },
  { key: 'status', label: 'Status', kind: 'select', required: true, options: STATUS_OPTIONS },
  { key: 'environment', label: 'Environment', kind: 'select', required: false, options: ENVIRONMENT_OPTIONS },
  { key: 'criticality', label: 'Criticality', kind: 'select', required: false, options: CRITICALITY_OPTIONS },
  { key: 'ownerTeamId', label: 'Owner', kind: 'ci', required: false, ciTypes: OWNER_TYPES, description: 'A team or person' },
  { key: 'locationId', label: 'Location', kind: 'ci', required: false, ciTypes: LOCATION_TYPES, description: 'A site, room or rack' },
  { key: 'serial', label: 'Serial number', kind: 'text', required: false },
  { key: 'assetTag', label: 'Asset tag', kind: 'text', required: false },
  { key: 'manufacturer', label: 'Manufacturer', kind: 'text', required: false },
  { key: 'model', label: 'Model', kind: 'text', required: false },
  { key: 'purchaseDate', label: 'Purchase date', kind: 'date', required: false },
  { key: 'warrantyEnd', label: 'Warranty end', kind: 'date', required: false },
  { key: 'endOfLife', label: 'End of life', kind: 'date', required: false },
  { key: 'monthlyCost', label: 'Monthly cost', kind: 'number', required: false, min: 0 },
  { key: 'tags', label: 'Tags', kind: 'tags', required: false },
].map((field) => ({ ...field, kind: field.kind as FieldKind, provenanceKey: field.key }));

function kindOf(schema: JsonSchema): FieldKind {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (schema.enum) return 'select';
  if (type === 'integer') return 'integer';
  if (type === 'number') return 'number';
  if (type === 'boolean') return 'boolean';
  if (type === 'array') return 'tags';
  if (schema.format === 'date') return 'date';
  if (schema.format === 'uri' || schema.format === 'url') return 'url';
  return 'text';
}

/** The fields of a type's attributes, generated from its JSON Schema (unknown shapes become text fields). */
export function attributeFields(type: CiTypeInfo | undefined): FieldSpec[] {
  const schema = (type?.attributes ?? {}) as JsonSchema;
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, property]) => {
    const kind = kindOf(property);
    const spec: FieldSpec = {
      key: `attributes.${key}`,
      label: property.title ?? labelOfKey(key),
      kind,
      required: required.has(key),
      provenanceKey: `attributes.${key}`,
    };
    if (property.description) spec.description = property.description;
    if (property.format) spec.format = property.format;
    if (property.enum)
      spec.options = property.enum.filter((v) => v !== null).map((v) => ({ value: String(v), label: enumLabel(String(v)) }));
    if (property.minimum !== undefined) spec.min = property.minimum;
    if (property.maximum !== undefined) spec.max = property.maximum;
    return spec;
  });
}

/** The fields of a type's admin-defined custom fields. */
export function customFieldSpecs(type: CiTypeInfo | undefined): FieldSpec[] {
  const fields = (type?.customFields ?? []) as CustomField[];
  return fields.map((field) => {
    const kind: FieldKind =
      field.kind === 'ci_reference' ? 'ci' : field.kind === 'select' ? 'select' : field.kind === 'number' ? 'number' : field.kind;
    const spec: FieldSpec = {
      key: `customFields.${field.key}`,
      label: field.label,
      kind,
      required: field.required,
      provenanceKey: `customFields.${field.key}`,
    };
    if (field.kind === 'select') spec.options = field.options.map((value) => ({ value, label: value }));
    if (field.kind === 'ci_reference' && field.referenceType) spec.ciTypes = [field.referenceType];
    return spec;
  });
}

/** The value of one field of a CI, read through its key. */
export function fieldValue(ci: Ci, key: string): unknown {
  if (key.startsWith('attributes.')) return ci.attributes[key.slice('attributes.'.length)];
  if (key.startsWith('customFields.')) return ci.customFields[key.slice('customFields.'.length)];
  return (ci as unknown as Record<string, unknown>)[key];
}

/** The form's starting values: a CI's, or empty ones for a new CI. */
export function initialValues(fields: FieldSpec[], ci?: Ci): FieldValues {
  const values: FieldValues = {};
  for (const field of fields) {
    const value = ci ? fieldValue(ci, field.key) : undefined;
    if (field.kind === 'tags') values[field.key] = Array.isArray(value) ? value.map(String) : [];
    else if (field.kind === 'boolean') values[field.key] = value === true;
    else if (field.kind === 'select' || field.kind === 'ci')
      values[field.key] = value === undefined || value === null ? null : String(value);
    else values[field.key] = value === undefined || value === null ? '' : value;
  }
  if (!ci) values.status = 'deployed';
  return values;
}

/** The value at a field's key in values nested by path, as `@mantine/form` keeps them (`attributes.cpuCores`). */
export function valueAt(values: FieldValues, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((node, part) => (node !== null && typeof node === 'object' ? (node as FieldValues)[part] : undefined), values);
}

/** Values by field key nested by path, so that `attributes.cpuCores` is `cpuCores` inside `attributes`. */
export function nestValues(flat: FieldValues): FieldValues {
  const nested: FieldValues = {};
  for (const [key, value] of Object.entries(flat)) {
    const parts = key.split('.');
    const leaf = parts.pop() as string;
    let node = nested;
    for (const part of parts) {
      node[part] ??= {};
      node = node[part] as FieldValues;
    }
    node[leaf] = value;
  }
  return nested;
}

/** The values of `fields` by field key, read from nested values. */
export function flattenValues(fields: readonly FieldSpec[], nested: FieldValues): FieldValues {
  return Object.fromEntries(fields.map((field) => [field.key, valueAt(nested, field.key)]));
}

/** The required fields left empty, each with a message, as the server would refuse them (by field key). */
export function missingRequired(fields: readonly FieldSpec[], values: FieldValues): Record<string, string> {
  const missing: Record<string, string> = {};
  for (const field of fields) {
    if (!field.required) continue;
    const value = toApiValue(field, values[field.key]);
    if (value === null || (Array.isArray(value) && value.length === 0)) missing[field.key] = `${field.label} is required`;
  }
  return missing;
}

/** A form value as the API wants it: numbers parsed, empty values as null, select values back to their enum type. */
export function toApiValue(field: FieldSpec, value: unknown): unknown {
  if (value === '' || value === null || value === undefined) return null;
  if (field.kind === 'integer' || field.kind === 'number') {
    const n = typeof value === 'number' ? value : Number(value);
    return Number.isFinite(n) ? n : value;
  }
  if (field.kind === 'text' || field.kind === 'url') return String(value).trim() || null;
  return value;
}

/**
 * The request body of the form: common fields at the top, attributes and custom fields in their objects. Without
 * `original`, empty values are left out (a create); with it, only changed fields are sent and cleared ones are null.
 */
export function buildBody(fields: FieldSpec[], values: FieldValues, original?: Ci): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const attributes: Record<string, unknown> = {};
  const customFields: Record<string, unknown> = {};
  for (const field of fields) {
    let value = toApiValue(field, values[field.key]);
    if (field.kind === 'tags' && value === null) value = [];
    if (original) {
      const before = fieldValue(original, field.key) ?? null;
      if (JSON.stringify(before) === JSON.stringify(value)) continue;
      if (field.kind === 'boolean' && before === null && value === false) continue;
    } else if (value === null || (Array.isArray(value) && value.length === 0 && field.key !== 'tags')) continue;
    if (field.key.startsWith('attributes.')) attributes[field.key.slice(11)] = value;
    else if (field.key.startsWith('customFields.')) customFields[field.key.slice(13)] = value;
    else body[field.key] = value;
  }
  if (Object.keys(attributes).length > 0) body.attributes = attributes;
  if (Object.keys(customFields).length > 0) body.customFields = customFields;
  return body;
}

/**
 * The server's field errors assigned to the form's fields: an error deeper than a field (`attributes.ipAddresses.0`)
 * goes to the field it is inside (`attributes.ipAddresses`); the first error of a field wins.
 */
export function errorsByField(fields: readonly FieldSpec[], errors: Record<string, string>): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    const field = fields.find((candidate) => path === candidate.key || path.startsWith(`${candidate.key}.`));
    if (field) byField[field.key] ??= path === field.key ? message : `${path.slice(field.key.length + 1)}: ${message}`;
  }
  return byField;
}
