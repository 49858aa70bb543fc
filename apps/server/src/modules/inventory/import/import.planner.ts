import type { Ci, CustomField, ImportPreset } from '@estate/contract';
import { CI_COLUMNS, toCi } from '../ci.mapper';
import { CiListRepository } from '../ci-list.repository';
import { categoryOf, typesIn } from '../ci-type-ids';
import { ciType } from '../ci-types';
import { CustomFieldService } from '../custom-field.service';
import type { InventoryDeps } from '../inventory-deps';
import { type AddressCandidate, planAddressRows } from './import.addresses';
import { CHAIN_TYPES } from './import.locations';
import { contentText, ImportFileError, mapRow, readRows, resolveMapping, type SourceRow } from './import.mapping';
import { readPresetRow, resolvePresetColumns, toMappedRow } from './import.presets';
import { mapRelationshipRow, planRelationshipRows, type RelationshipRow, resolveRelationshipMapping } from './import.relationships';
import type { ImportsTable } from './import.repository';
import { type ImportContext, type NaturalKey, type PlannedRow, planRows } from './import.validate';

/** How an import's file is read: a column mapping of the user's, or a preset. */
export interface PlanOptions {
  mapping?: Record<string, string>;
  /** The preset with the request's value-map entries merged in. */
  preset?: ImportPreset;
}

/** Types whose CIs an address row may name: hardware that has addresses. */
const ADDRESS_TYPES = typesIn('compute', 'network', 'storage', 'facility', 'end_user');
/** Rows per `in (…)` list. */
const CHUNK = 500;

/**
 * Reads an import's file and plans every row against the store as it is now: CIs of one type (`planRows`),
 * relationships (`planRelationshipRows`), or — through a preset — CIs whose type each row decides, addresses added
 * to existing CIs, or relationships from another tool's export. Reads only; throws {@link ImportFileError} when the
 * file as a whole cannot be read. `onTotal` learns the number of data rows as soon as the file is parsed.
 */
export class ImportPlanner {
  constructor(private readonly deps: InventoryDeps) {}

  /** Plans the rows of `row`'s file (`content`, sent as `encoding`). */
  async plan(
    row: Omit<ImportsTable, 'content'>,
    content: string | null,
    encoding: 'text' | 'base64',
    options: PlanOptions,
    onTotal: (total: number) => Promise<void>,
  ): Promise<PlannedRow[]> {
    if (content === null) throw new ImportFileError([{ field: '', message: 'The import has no file.' }]);
    const format = row.format === 'json' ? 'json' : 'csv';
    const file = readRows(format, contentText(content, encoding));
    const naturalKey = row.natural_key as NaturalKey;
    if (options.preset) return this.planPreset(file.columns, file.rows, options.preset, onTotal);
    if (row.kind === 'relationships') {
      const targets = resolveRelationshipMapping(file.columns, options.mapping);
      await onTotal(file.rows.length);
      const mapped = file.rows.map((r) => mapRelationshipRow(r, targets));
      return planRelationshipRows(mapped, await this.relationshipContext(naturalKey));
    }
    const type = ciType(row.ci_type);
    if (!type) throw new ImportFileError([{ field: '', message: `The CI type ${row.ci_type} is not known.` }]);
    const context = await this.ciContext([row.ci_type], naturalKey);
    const targets = resolveMapping(file.columns, options.mapping, type.schema, context.types.get(row.ci_type)?.customFields);
    await onTotal(file.rows.length);
    return planRows(
      file.rows.map((r) => mapRow(r, targets, format === 'csv', row.ci_type)),
      context,
    );
  }

  private async planPreset(
    columns: string[],
    source: SourceRow[],
    preset: ImportPreset,
    onTotal: (total: number) => Promise<void>,
  ): Promise<PlannedRow[]> {
    const uses = resolvePresetColumns(preset, columns);
    await onTotal(source.length);
    const rows = source.map((r) => readPresetRow(r, preset, uses));
    if (preset.mode === 'relationships') {
      const linked: RelationshipRow[] = rows.map((r) => ({
        row: r.row,
        values: {
          ...(r.source ? { source: r.source } : {}),
          ...(r.target ? { target: r.target } : {}),
          type: preset.relationshipType ?? '',
        },
        errors: r.errors,
      }));
      return planRelationshipRows(linked, await this.relationshipContext(preset.naturalKey), { fromExport: true });
    }
    if (preset.mode === 'addresses') {
      const names = [...new Set(rows.flatMap((r) => (r.device ? [r.device] : [])))];
      return planAddressRows(rows, await this.addressCandidates(names));
    }
    const types = [...new Set(rows.flatMap((r) => (r.type && ciType(r.type) ? [r.type] : [])))];
    const mapped = rows.map((r) =>
      toMappedRow(r, r.type ? ciType(r.type)?.schema : undefined, (CHAIN_TYPES as readonly string[]).includes(r.type ?? '')),
    );
    return planRows(mapped, await this.ciContext(types, preset.naturalKey));
  }

  /**
   * The types' CIs and custom field definitions, the CIs an owner, location or reference field may name, every
   * location, and the CIs that hold serial numbers or asset tags in the types' families.
   */
  private async ciContext(types: string[], naturalKey: NaturalKey): Promise<ImportContext> {
    const db = this.deps.db;
    const list = new CiListRepository(db, this.deps.dialect);
    const fields = new CustomFieldService(db, this.deps.dialect, this.deps.audit);
    const byType = new Map<string, { existing: Ci[]; customFields: CustomField[] }>();
    for (const type of types) byType.set(type, { existing: [], customFields: await fields.list(type) });
    const rows = types.length === 0 ? [] : await db.selectFrom('cis').select(CI_COLUMNS).where('type', 'in', types).execute();
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const tags = await list.tagsOf(
        chunk.map((r) => r.id),
        db,
      );
      for (const r of chunk) byType.get(r.type)?.existing.push(toCi(r, tags.get(r.id) ?? [], this.deps.dialect));
    }
    const referenced = [...byType.values()].flatMap((t) =>
      t.customFields.filter((d) => d.kind === 'ci_reference').map((d) => d.referenceType),
    );
    // A reference field open to any type makes every CI a candidate; otherwise only owners, locations and those types.
    const refTypes = [...new Set(['team', 'person', 'site', 'room', 'rack', ...referenced.filter((t): t is string => t !== null)])];
    let references = db.selectFrom('cis').select(['id', 'type', 'name']);
    if (!referenced.includes(null)) references = references.where('type', 'in', refTypes);
    const locations = await db
      .selectFrom('cis')
      .select(['id', 'type', 'name', 'location_id'])
      .where('type', 'in', [...CHAIN_TYPES])
      .execute();
    const families = [...new Set(types.map((t) => categoryOf(t)).filter((c) => c !== undefined))];
    const holders =
      families.length === 0
        ? []
        : await db
            .selectFrom('cis')
            .select(['id', 'type', 'name', 'serial', 'manufacturer', 'asset_tag', 'serial_key', 'serial_maker', 'asset_tag_key'])
            .where('type', 'in', typesIn(...families))
            .where((eb) => eb.or([eb('serial_key', 'is not', null), eb('asset_tag_key', 'is not', null)]))
            .execute();
    return {
      naturalKey,
      types: byType,
      references: await references.execute(),
      locations: locations.map((l) => ({ id: l.id, type: l.type, name: l.name, locationId: l.location_id })),
      holders: holders.map((h) => ({
        id: h.id,
        type: h.type,
        name: h.name,
        serial: h.serial,
        manufacturer: h.manufacturer,
        assetTag: h.asset_tag,
        serialKey: h.serial_key ?? null,
        serialMaker: h.serial_maker ?? null,
        assetTagKey: h.asset_tag_key ?? null,
      })),
    };
  }

  /** The hardware CIs named `names` (any of them), with what adding addresses to them needs. */
  private async addressCandidates(names: string[]): Promise<AddressCandidate[]> {
    const out: AddressCandidate[] = [];
    for (let i = 0; i < names.length; i += CHUNK) {
      const rows = await this.deps.db
        .selectFrom('cis')
        .select(CI_COLUMNS)
        .where('type', 'in', ADDRESS_TYPES)
        .where('name', 'in', names.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.push({ ci: toCi(r, [], this.deps.dialect), schema: ciType(r.type)?.schema });
    }
    return out;
  }

  /** Every CI by its keys, and every relationship as stored. */
  private async relationshipContext(naturalKey: NaturalKey) {
    const db = this.deps.db;
    const cis = await db.selectFrom('cis').select(['id', 'type', 'name', 'serial', 'asset_tag']).execute();
    const existing = await db.selectFrom('relationships').select(['type', 'source_id', 'target_id']).execute();
    return {
      naturalKey,
      cis: cis.map((c) => ({ id: c.id, type: c.type, name: c.name, serial: c.serial, assetTag: c.asset_tag })),
      existing: existing.map((r) => ({ type: r.type, sourceId: r.source_id, targetId: r.target_id })),
    };
  }
}
