import type { Ci } from '@estate/contract';
import { CI_COLUMNS, toCi } from '../ci.mapper';
import { CiListRepository } from '../ci-list.repository';
import { ciType } from '../ci-types';
import { CustomFieldService } from '../custom-field.service';
import type { InventoryDeps } from '../inventory-deps';
import { contentText, ImportFileError, mapRow, readRows, resolveMapping } from './import.mapping';
import { mapRelationshipRow, planRelationshipRows, resolveRelationshipMapping } from './import.relationships';
import type { ImportsTable } from './import.repository';
import { type ImportContext, type NaturalKey, type PlannedRow, planRows } from './import.validate';

/**
 * Reads an import's file and plans every row against the store as it is now: CIs of one type (`planRows`) or
 * relationships (`planRelationshipRows`). Reads only; throws {@link ImportFileError} when the file as a whole cannot
 * be read. `onTotal` learns the number of data rows as soon as the file is parsed.
 */
export class ImportPlanner {
  constructor(private readonly deps: InventoryDeps) {}

  /** Plans the rows of `row`'s file (`content`, sent as `encoding`). */
  async plan(
    row: Omit<ImportsTable, 'content'>,
    content: string | null,
    encoding: 'text' | 'base64',
    mapping: Record<string, string> | undefined,
    onTotal: (total: number) => Promise<void>,
  ): Promise<PlannedRow[]> {
    if (content === null) throw new ImportFileError([{ field: '', message: 'The import has no file.' }]);
    const format = row.format === 'json' ? 'json' : 'csv';
    const file = readRows(format, contentText(content, encoding));
    const naturalKey = row.natural_key as NaturalKey;
    if (row.kind === 'relationships') {
      const targets = resolveRelationshipMapping(file.columns, mapping);
      await onTotal(file.rows.length);
      const mapped = file.rows.map((r) => mapRelationshipRow(r, targets));
      return planRelationshipRows(mapped, await this.relationshipContext(naturalKey));
    }
    const type = ciType(row.ci_type);
    if (!type) throw new ImportFileError([{ field: '', message: `The CI type ${row.ci_type} is not known.` }]);
    const context = await this.ciContext(row.ci_type, naturalKey);
    const targets = resolveMapping(file.columns, mapping, type.schema, context.customFields);
    await onTotal(file.rows.length);
    return planRows(
      file.rows.map((r) => mapRow(r, targets, format === 'csv')),
      context,
    );
  }

  /** The type's CIs, its custom field definitions, and the CIs an owner, location or reference field may name. */
  private async ciContext(type: string, naturalKey: NaturalKey): Promise<ImportContext> {
    const db = this.deps.db;
    const list = new CiListRepository(db, this.deps.dialect);
    const rows = await db.selectFrom('cis').select(CI_COLUMNS).where('type', '=', type).execute();
    const existing: Ci[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const tags = await list.tagsOf(
        chunk.map((r) => r.id),
        db,
      );
      for (const r of chunk) existing.push(toCi(r, tags.get(r.id) ?? [], this.deps.dialect));
    }
    const customFields = await new CustomFieldService(db, this.deps.dialect, this.deps.audit).list(type);
    const referenced = customFields.filter((d) => d.kind === 'ci_reference').map((d) => d.referenceType);
    // A reference field open to any type makes every CI a candidate; otherwise only owners, locations and those types.
    const types = [...new Set(['team', 'person', 'site', 'room', 'rack', ...referenced.filter((t): t is string => t !== null)])];
    let references = db.selectFrom('cis').select(['id', 'type', 'name']);
    if (!referenced.includes(null)) references = references.where('type', 'in', types);
    return { ciType: type, naturalKey, existing, references: await references.execute(), customFields };
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
