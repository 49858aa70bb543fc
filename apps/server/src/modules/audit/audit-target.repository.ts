import type { Kysely } from 'kysely';

/** Reads the display names of one kind of audit target, all ids of a page in one statement. */
// biome-ignore lint/suspicious/noExplicitAny: reads the named tables of several modules, read-only.
type Labeller = (db: Kysely<any>, ids: readonly string[]) => Promise<Array<{ id: string; label: string }>>;

/** A labeller that answers one column of one table as the name. */
function column(table: string, name: string): Labeller {
  return (db, ids) =>
    db
      .selectFrom(table)
      .select(['id', `${name} as label`])
      .where('id', 'in', ids)
      .execute() as Promise<Array<{ id: string; label: string }>>;
}

/**
 * The target types Estate names, with how to read their names. A type that is not here (an account's e-mail, a
 * route) is its own name: its id is shown as it is and never called deleted.
 */
const LABELLERS: Record<string, Labeller> = {
  ci: column('cis', 'name'),
  user: async (db, ids) => {
    const rows = await db.selectFrom('users').select(['id', 'name', 'email']).where('id', 'in', ids).execute();
    return rows.map((r) => ({ id: r.id, label: r.name ? `${r.name} (${r.email})` : r.email }));
  },
  api_token: column('api_tokens', 'name'),
  agent: column('agents', 'hostname'),
  enrollment_token: column('enrollment_tokens', 'name'),
  saved_view: column('saved_views', 'name'),
  discovery_scan: column('discovery_scans', 'name'),
  snmp_credential: column('snmp_credentials', 'name'),
  session: async (db, ids) => {
    const rows = await db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select(['s.id', 'u.email'])
      .where('s.id', 'in', ids)
      .execute();
    return rows.map((r) => ({ id: r.id, label: `session of ${r.email}` }));
  },
  custom_field: async (db, ids) => {
    const rows = await db.selectFrom('custom_fields').select(['id', 'label', 'ci_type']).where('id', 'in', ids).execute();
    return rows.map((r) => ({ id: r.id, label: `${r.label} (${r.ci_type})` }));
  },
  discovery_run: async (db, ids) => {
    const rows = await db
      .selectFrom('discovery_runs as r')
      .innerJoin('discovery_scans as s', 's.id', 'r.scan_id')
      .select(['r.id', 's.name'])
      .where('r.id', 'in', ids)
      .execute();
    return rows.map((r) => ({ id: r.id, label: `run of ${r.name}` }));
  },
  import: async (db, ids) => {
    const rows = await db.selectFrom('imports').select(['id', 'format', 'ci_type']).where('id', 'in', ids).execute();
    return rows.map((r) => ({ id: r.id, label: `${String(r.format).toUpperCase()} import${r.ci_type ? ` of ${r.ci_type}` : ''}` }));
  },
  terraform_import: async (db, ids) => {
    const rows = await db.selectFrom('terraform_imports').select(['id', 'serial']).where('id', 'in', ids).execute();
    return rows.map((r) => ({ id: r.id, label: `Terraform state, serial ${r.serial}` }));
  },
  relationship: async (db, ids) => {
    const rows = await db
      .selectFrom('relationships as r')
      .innerJoin('cis as s', 's.id', 'r.source_id')
      .innerJoin('cis as t', 't.id', 'r.target_id')
      .select(['r.id', 'r.type', 's.name as source', 't.name as target'])
      .where('r.id', 'in', ids)
      .execute();
    return rows.map((r) => ({ id: r.id, label: `${r.source} ${String(r.type).replaceAll('_', ' ')} ${r.target}` }));
  },
  merge_suggestion: async (db, ids) => {
    const rows = await db
      .selectFrom('merge_suggestions as m')
      .innerJoin('cis as a', 'a.id', 'm.ci_id')
      .innerJoin('cis as b', 'b.id', 'm.other_ci_id')
      .select(['m.id', 'a.name as first', 'b.name as second'])
      .where('m.id', 'in', ids)
      .execute();
    return rows.map((r) => ({ id: r.id, label: `${r.first} ↔ ${r.second}` }));
  },
};

/** The kinds of target whose names the log looks up. */
export const NAMED_TARGET_TYPES: readonly string[] = Object.keys(LABELLERS);

/** What the log knows about one target now: its name, or that it is gone. */
export interface TargetName {
  label: string | null;
  deleted: boolean;
}

/**
 * Names the targets of a page of audit events: one statement per kind of target on the page (so at most one per
 * entry of `LABELLERS`, however long the page), never one per event.
 */
export class AuditTargetRepository {
  // biome-ignore lint/suspicious/noExplicitAny: reads the named tables of several modules, read-only.
  constructor(private readonly db: Kysely<any>) {}

  /** The name of each `type/id` pair asked for, keyed by `targetKey(type, id)`. */
  async names(targets: ReadonlyArray<{ targetType: string | null; targetId: string | null }>): Promise<Map<string, TargetName>> {
    const idsByType = new Map<string, Set<string>>();
    for (const { targetType, targetId } of targets) {
      if (!targetType || !targetId || !LABELLERS[targetType]) continue;
      const ids = idsByType.get(targetType) ?? new Set<string>();
      ids.add(targetId);
      idsByType.set(targetType, ids);
    }
    const names = new Map<string, TargetName>();
    for (const [type, ids] of idsByType) {
      const found = new Map((await LABELLERS[type]!(this.db, [...ids])).map((r) => [String(r.id), r.label]));
      for (const id of ids) {
        const label = found.get(id);
        names.set(targetKey(type, id), label === undefined ? { label: null, deleted: true } : { label, deleted: false });
      }
    }
    return names;
  }
}

/** The map key of one target. */
export function targetKey(type: string, id: string): string {
  return `${type}\u0000${id}`;
}
