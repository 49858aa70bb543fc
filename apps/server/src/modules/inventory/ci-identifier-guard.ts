import type { Ci, Source } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { problems } from '../../platform/http/problem';
import type { CiRepository } from './ci.repository';
import type { CiHistoryRepository } from './ci-history.repository';
import { clashesOf, describeClash, type IdentifierClash, type IdentifierKeys, identifierKeys } from './ci-identifiers';
import type { InventoryTables } from './inventory.tables';

/** The keys a write gives a CI's identifiers, and the identifiers other CIs of its family hold. */
export interface IdentifierCheck {
  write: Partial<IdentifierKeys>;
  clashes: IdentifierClash[];
}

/**
 * The CI service's part in unique serial numbers and asset tags (see ci-identifiers.ts): which keys a write stores,
 * which identifiers clash, and the record of an observed duplicate. Runs in the caller's transaction.
 */
export class IdentifierGuard {
  constructor(
    private readonly cis: CiRepository,
    private readonly history: CiHistoryRepository,
    private readonly audit: AuditLog,
  ) {}

  /**
   * The identifier keys to write for `after` and the clashes of its identifiers with other CIs of its family. Only
   * identifiers whose keys differ from `before`'s are checked and written (all of them on create); a clashing one is
   * written as null, so the CI does not hold it.
   */
  async keysFor(trx: Kysely<InventoryTables>, after: Ci, before?: Ci): Promise<IdentifierCheck> {
    const keys = identifierKeys(after);
    const old = before ? identifierKeys(before) : undefined;
    const serialChanged = old === undefined || old.serialKey !== keys.serialKey || old.serialMaker !== keys.serialMaker;
    const tagChanged = old === undefined || old.assetTagKey !== keys.assetTagKey;
    if (!serialChanged && !tagChanged) return { write: {}, clashes: [] };
    const checked = new Set<'serial' | 'assetTag'>([
      ...(serialChanged ? ['serial' as const] : []),
      ...(tagChanged ? ['assetTag' as const] : []),
    ]);
    const holders = await this.cis.identifierHolders(
      trx,
      { serialKey: serialChanged ? keys.serialKey : null, assetTagKey: tagChanged ? keys.assetTagKey : null },
      after.id,
    );
    const clashes = clashesOf(after, keys, holders, checked);
    const clashed = (field: IdentifierClash['field']) => clashes.some((c) => c.field === field);
    const write: Partial<IdentifierKeys> = {};
    if (serialChanged) {
      write.serialKey = clashed('serial') ? null : keys.serialKey;
      write.serialMaker = write.serialKey === null ? null : keys.serialMaker;
    }
    if (tagChanged) write.assetTagKey = clashed('assetTag') ? null : keys.assetTagKey;
    return { write, clashes };
  }

  /**
   * Records identifiers an observation gave a CI that another CI of its family already holds: the value is kept but
   * not held (left un-indexed), and a `conflict` history entry and a `ci.duplicate_identifier` audit entry name the
   * other CI, whose pair discovery offers as a merge suggestion.
   */
  async recordDuplicates(
    trx: Kysely<InventoryTables>,
    ciId: string,
    clashes: IdentifierClash[],
    source: Source,
    ctx: ActionContext,
    at: number,
  ): Promise<void> {
    if (clashes.length === 0) return;
    const changes = clashes.map((c) => ({
      field: c.field,
      from: { heldBy: { id: c.holder.id, type: c.holder.type, name: c.holder.name } },
      to: c.value,
    }));
    await this.history.append(trx, ctx, { ciId, kind: 'conflict', source, at, changes });
    await this.audit.append(trx, ctx, {
      action: 'ci.duplicate_identifier',
      targetType: 'ci',
      targetId: ciId,
      after: { source, duplicates: clashes.map((c) => ({ field: c.field, value: c.value, heldBy: c.holder.id })) },
    });
  }
}

/** The 409 for identifiers other CIs of the family hold, naming each of them; errors land on the fields. */
export function identifierConflict(clashes: IdentifierClash[]) {
  const sentences = clashes.map((c) => describeClash(c));
  const detail = `${sentences.map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join('. ')}.`;
  return problems.conflict(
    detail,
    clashes.map((c, i) => ({ path: `body/${c.field}`, message: sentences[i] as string })),
  );
}

/** The detail of a 409 when a concurrent writer won the race for a serial or asset tag; undefined for other indexes. */
export function identifierIndexOf(error: unknown): string | undefined {
  const text = `${(error as { constraint?: string })?.constraint ?? ''} ${(error as Error)?.message ?? ''}`;
  if (text.includes('serial_key')) return 'Another CI of the same family took this serial number meanwhile.';
  if (text.includes('asset_tag_key')) return 'Another CI of the same family took this asset tag meanwhile.';
  return undefined;
}
