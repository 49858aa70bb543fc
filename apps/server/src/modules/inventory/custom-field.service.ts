import type { CreateCustomFieldRequest, CustomField } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import type { Dialect } from '../../platform/db/database';
import { withTransaction } from '../../platform/db/transaction';
import { type FieldError, problems } from '../../platform/http/problem';
import { newId } from '../../platform/ids';
import { CiRepository } from './ci.repository';
import { ciType } from './ci-types';
import { CustomFieldRepository } from './custom-field.repository';
import type { InventoryTables } from './inventory.tables';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function isHttpUrl(value: string): boolean {
  if (value.length > 2000) return false;
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

const ID = /^[0-9a-f-]{36}$/;

/**
 * Why `value` does not fit the custom field `def` (a message naming the expected form), or null when it fits. Pure:
 * a ci_reference is only checked to be an id here; whether that CI exists is the caller's query.
 */
export function checkCustomValue(def: Pick<CustomField, 'kind' | 'options'>, value: unknown): string | null {
  switch (def.kind) {
    case 'text':
      return typeof value === 'string' && value.length <= 2000 ? null : 'must be text of at most 2000 characters';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? null : 'must be a date (YYYY-MM-DD)';
    case 'select':
      return typeof value === 'string' && def.options.includes(value) ? null : `must be one of: ${def.options.join(', ')}`;
    case 'url':
      return typeof value === 'string' && isHttpUrl(value) ? null : 'must be an http(s) URL';
    case 'ci_reference':
      return typeof value === 'string' && ID.test(value) ? null : 'must be the id of a CI';
  }
}

/**
 * Admin-defined custom fields per CI type, and the validation of their values: a value is checked against its
 * definition as strictly as a built-in attribute is against its schema.
 */
export class CustomFieldService {
  private readonly fields: CustomFieldRepository;
  private readonly cis: CiRepository;

  constructor(
    private readonly db: Kysely<InventoryTables>,
    dialect: Dialect,
    private readonly audit: AuditLog,
  ) {
    this.fields = new CustomFieldRepository(db, dialect);
    this.cis = new CiRepository(db, dialect);
  }

  /** Every definition, or those of one type. */
  list(ciType?: string, db: Kysely<InventoryTables> = this.db): Promise<CustomField[]> {
    return this.fields.list(ciType, db);
  }

  /** Defines a field; 400 for an unknown type, a select without options or a bad reference type, 409 for a taken key. */
  async create(input: CreateCustomFieldRequest, ctx: ActionContext): Promise<CustomField> {
    const errors: FieldError[] = [];
    if (!ciType(input.ciType)) errors.push({ path: 'body/ciType', message: `is not a known CI type (${input.ciType})` });
    const options = input.options ?? [];
    if (input.kind === 'select' && options.length === 0) errors.push({ path: 'body/options', message: 'a select field needs options' });
    if (input.kind !== 'select' && options.length > 0) errors.push({ path: 'body/options', message: 'only select fields have options' });
    if (input.referenceType !== undefined) {
      if (input.kind !== 'ci_reference')
        errors.push({ path: 'body/referenceType', message: 'only ci_reference fields have a reference type' });
      else if (!ciType(input.referenceType))
        errors.push({ path: 'body/referenceType', message: `is not a known CI type (${input.referenceType})` });
    }
    if (errors.length > 0) throw problems.validation('The custom field definition is not valid.', errors);
    const field: CustomField = {
      id: newId(),
      ciType: input.ciType,
      key: input.key,
      label: input.label,
      kind: input.kind,
      required: input.required ?? false,
      options,
      referenceType: input.referenceType ?? null,
      createdAt: Date.now(),
    };
    const taken = `The CI type ${input.ciType} already has a custom field ${input.key}.`;
    await withTransaction(
      this.db,
      async (trx) => {
        if (await this.fields.byTypeAndKey(field.ciType, field.key, trx)) throw problems.conflict(taken);
        await this.fields.insert(trx, field);
        await this.audit.append(trx, ctx, { action: 'custom_field.create', targetType: 'custom_field', targetId: field.id, after: field });
      },
      { conflict: taken },
    );
    return field;
  }

  /**
   * Removes a definition. Values already stored on CIs stay in their history and records but are no longer
   * validated or required.
   */
  async delete(id: string, ctx: ActionContext): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await this.fields.byId(id, trx);
      if (!before || !(await this.fields.delete(trx, id))) throw problems.notFound('The custom field');
      await this.audit.append(trx, ctx, { action: 'custom_field.delete', targetType: 'custom_field', targetId: id, before });
    });
  }

  /**
   * Field errors for custom values of a CI of `type` (an empty list when valid). `values` are the keys being
   * written (null clears one); `result` is the CI's complete custom values after the write. With `allRequired`
   * (on create) every required field must have a value; otherwise only clearing a required field is refused, so
   * CIs that predate a new required field can still be edited. ci_reference values are checked in one query
   * against existing CIs (and their type).
   */
  async validate(
    db: Kysely<InventoryTables>,
    type: string,
    values: Record<string, unknown>,
    result: Record<string, unknown>,
    allRequired: boolean,
  ): Promise<FieldError[]> {
    const defs = new Map((await this.fields.list(type, db)).map((f) => [f.key, f]));
    const errors: FieldError[] = [];
    const references: Array<{ path: string; id: string; def: CustomField }> = [];
    for (const [key, value] of Object.entries(values)) {
      const path = `body/customFields/${key}`;
      const def = defs.get(key);
      if (!def) {
        errors.push({ path, message: `is not a custom field of type ${type}` });
        continue;
      }
      if (value === null) continue;
      const message = checkCustomValue(def, value);
      if (message) errors.push({ path, message });
      else if (def.kind === 'ci_reference') references.push({ path, id: value as string, def });
    }
    for (const def of defs.values()) {
      const v = result[def.key];
      const checked = allRequired || def.key in values;
      if (def.required && checked && (v === undefined || v === null || v === '')) {
        errors.push({ path: `body/customFields/${def.key}`, message: `is required for type ${type}` });
      }
    }
    const types = await this.cis.typesOf(
      references.map((r) => r.id),
      db,
    );
    for (const ref of references) {
      const found = types.get(ref.id);
      if (found === undefined) errors.push({ path: ref.path, message: `refers to a CI that does not exist (${ref.id})` });
      else if (ref.def.referenceType !== null && found !== ref.def.referenceType) {
        errors.push({ path: ref.path, message: `must refer to a CI of type ${ref.def.referenceType}, not ${found}` });
      }
    }
    return errors;
  }
}
