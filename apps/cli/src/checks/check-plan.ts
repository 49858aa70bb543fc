import { type Check, type CreateCheckRequest, canonicalJson, type UpdateCheckRequest } from '@estate/contract';
import { CHANGEABLE_FIELDS, type CheckEntry, type RowError } from './check-file';

/** One step of applying a file: what happens to one check. */
export type CheckChange =
  | { kind: 'create'; entry: CheckEntry; body: CreateCheckRequest }
  | { kind: 'update'; entry: CheckEntry; check: Check; patch: UpdateCheckRequest; fields: string[] }
  | { kind: 'unchanged'; entry: CheckEntry; check: Check }
  | { kind: 'delete'; check: Check };

/**
 * Works out what applying the valid rows to the server's checks would do, matching rows to checks by name: a row
 * with no check of its name is created; one whose check differs in a field the row sets is updated with just those
 * fields; the rest are unchanged. With `prune`, checks whose name is in no row are deleted. Status, ids and fields
 * the row leaves out are never compared. Secret values cannot be compared (the server never returns them): a check
 * is updated when its set of secret names differs from the row's, and then gets every secret of the row (an unset
 * one removed). A row whose name several checks share, or whose type differs from its check's, is an error: the
 * plan is then not to be carried out.
 */
export function planChanges(
  entries: readonly CheckEntry[],
  server: readonly Check[],
  options: { prune: boolean },
): {
  changes: CheckChange[];
  errors: RowError[];
} {
  const byName = new Map<string, Check[]>();
  for (const check of server) byName.set(check.name, [...(byName.get(check.name) ?? []), check]);
  const changes: CheckChange[] = [];
  const errors: RowError[] = [];
  for (const entry of entries) {
    const matches = byName.get(entry.name) ?? [];
    const at = { index: entry.index, name: entry.name };
    if (matches.length > 1) {
      errors.push({
        ...at,
        path: 'name',
        message: `${matches.length} checks on the server are named "${entry.name}"; rename all but one first`,
      });
      continue;
    }
    const check = matches[0];
    if (!check) {
      changes.push({ kind: 'create', entry, body: { ...entry.request, ...(entry.secrets ? { secrets: entry.secrets } : {}) } });
      continue;
    }
    if (check.type !== entry.request.type) {
      errors.push({
        ...at,
        path: 'type',
        message: `the check on the server is of type ${check.type}; a check's type cannot change (delete it first)`,
      });
      continue;
    }
    const patch: UpdateCheckRequest = {};
    const fields: string[] = [];
    for (const field of CHANGEABLE_FIELDS) {
      const wanted = entry.request[field];
      if (wanted === undefined || same(field, wanted, check[field])) continue;
      (patch as Record<string, unknown>)[field] = wanted;
      fields.push(field);
    }
    if (entry.secrets && !sameSet(Object.keys(entry.secrets), check.secretNames)) {
      const removed = check.secretNames.filter((secret) => !(secret in entry.secrets!));
      patch.secrets = { ...Object.fromEntries(removed.map((secret) => [secret, ''])), ...entry.secrets };
      fields.push('secrets');
    }
    changes.push(fields.length > 0 ? { kind: 'update', entry, check, patch, fields } : { kind: 'unchanged', entry, check });
  }
  if (options.prune) {
    const named = new Set(entries.map((entry) => entry.name));
    for (const check of server) if (!named.has(check.name)) changes.push({ kind: 'delete', check });
  }
  return { changes, errors };
}

function same(field: (typeof CHANGEABLE_FIELDS)[number], wanted: unknown, current: unknown): boolean {
  if (field === 'ciIds') return sameSet(wanted as string[], current as string[]);
  return canonicalJson(wanted) === canonicalJson(current);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((item) => right.has(item));
}

/** How many changes of each kind a plan (or what was carried out of it) holds. */
export function countChanges(changes: readonly CheckChange[]): Record<CheckChange['kind'], number> {
  const counts = { create: 0, update: 0, unchanged: 0, delete: 0 };
  for (const change of changes) counts[change.kind]++;
  return counts;
}
