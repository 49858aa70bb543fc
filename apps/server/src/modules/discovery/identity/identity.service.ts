import type { Kysely } from 'kysely';
import type { ActionContext } from '../../../platform/audit/audit-log';
import { withTransaction } from '../../../platform/db/transaction';
import { newId } from '../../../platform/ids';
import { normaliseHostname, normaliseIp } from '../../../platform/net/addresses';
import { type CiTypeId, type ObservedConflict, type ObservedFields, typesIn } from '../../inventory';
import type { DiscoveryTables } from '../discovery.tables';
import { type HostIdentity, type Identifier, type IdentifierKind, identifiersOf, SINGLE_VALUED, STRONG_KINDS } from './identifiers';
import { type IdentifierHit, IdentityRepository, type SoftwareRow } from './identity.repository';
import type { IdentityDeps } from './identity-deps';

/** Types whose CIs are named after the host: what a host name may match by a CI's own name. */
const HOST_TYPES = typesIn('compute', 'network', 'storage', 'facility', 'end_user');

/** One observation of one thing by one observer (an agent report, a scanned host, an imported row). */
export interface Observation {
  source: 'agent' | 'scan' | 'import';
  /** Who saw it, for history and audit: `agent db-01`, `scan Office LAN`, `terraform <lineage>`. */
  observer: string;
  /** The type of a CI this observation creates; a matched CI keeps its own type. */
  type: CiTypeId;
  /** The name of a CI this observation creates (made unique when taken). A matched CI keeps its name. */
  name: string;
  identity: HostIdentity;
  /** Common fields and attributes, applied with `applyObserved`: hand-entered values win and conflicts are recorded. */
  fields: Omit<ObservedFields, 'name'>;
  /** The complete installed software, when the observer knows it (an agent does; a scan does not). */
  software?: Array<{ name: string; version: string; arch?: string }>;
  /** The CI this observer is bound to (an agent's), trusted before any identifier. */
  ciId?: string;
}

/** What reconciliation did with an observation. */
export interface ReconcileResult {
  ciId: string;
  created: boolean;
  /** Whether any field, identifier-bearing attribute or software entry of the CI changed. */
  changed: boolean;
  /** Hand-entered values the observation disagreed with (kept, and recorded in history). */
  conflicts: ObservedConflict[];
  /** Merge suggestions this observation raised. */
  suggestionIds: string[];
}

/** Turns observations into CIs: one CI per real thing, whoever saw it. */
export interface IdentityService {
  /**
   * Finds the CI the observation is about — by the bound CI, then the strongest identifier that matches (external
   * id, serial, machine id, MAC), then host name together with IP — or creates one; applies the observed fields and
   * software with provenance and history; records the identifiers. A match whose single-valued identifiers
   * contradict the observation (same MAC, other serial) is not merged: a new CI is created and a merge suggestion
   * is recorded, as it is when identifiers point at several CIs. All in one transaction; invalid observed values
   * are a 400 and write nothing.
   */
  reconcile(observation: Observation, ctx: ActionContext): Promise<ReconcileResult>;
}

interface Suggestion {
  otherCiId: string;
  reason: string;
  details: Record<string, unknown>;
}

const KIND_LABEL: Record<IdentifierKind, string> = {
  external_id: 'external id',
  serial: 'serial number',
  machine_id: 'machine id',
  mac: 'MAC address',
  hostname: 'host name',
  ip: 'IP address',
};

/** Builds the identity service; CIs change only through the inventory's interface. */
export function createIdentityService(deps: IdentityDeps): IdentityService {
  const repo = new IdentityRepository(deps.dialect);
  const db = deps.db as unknown as Kysely<DiscoveryTables>;

  async function reconcileIn(trx: Kysely<DiscoveryTables>, obs: Observation, ctx: ActionContext): Promise<ReconcileResult> {
    await repo.lock(trx);
    const now = Date.now();
    const ids = identifiersOf(obs.identity);
    const { target, suggestions } = await match(trx, obs, ids);
    const cis = deps.inventory.within(trx).cis;

    let ciId: string;
    let created = false;
    let changed = false;
    let conflicts: ObservedConflict[] = [];
    if (target === undefined) {
      const name = await repo.freeName(trx, obs.type, obs.name);
      const ci = await cis.create({ ...obs.fields, type: obs.type, name, status: obs.fields.status ?? 'deployed' }, ctx, obs.source);
      ciId = ci.id;
      created = changed = true;
      await cis.applyObserved(ciId, obs.source, {}, ctx); // stamps first and last seen
    } else {
      const before = await cis.get(target);
      const applied = await cis.applyObserved(target, obs.source, obs.fields, ctx);
      ciId = target;
      conflicts = applied.conflicts;
      changed = applied.ci.version !== before.version;
    }
    await repo.record(trx, ciId, ids, obs.source, now);

    const suggestionIds: string[] = [];
    for (const s of suggestions) {
      if (s.otherCiId === ciId || (await repo.suggestionExists(trx, ciId, s.otherCiId))) continue;
      const id = newId(now);
      await repo.insertSuggestion(trx, {
        id,
        ciId,
        otherCiId: s.otherCiId,
        reason: s.reason,
        details: s.details,
        source: obs.source,
        at: now,
      });
      await deps.audit.append(trx, ctx, {
        action: 'discovery.merge-suggested',
        targetType: 'merge_suggestion',
        targetId: id,
        after: { ciId, otherCiId: s.otherCiId, reason: s.reason, observer: obs.observer },
      });
      suggestionIds.push(id);
    }

    if (obs.software !== undefined && (await applySoftware(trx, ciId, obs, ctx, now))) changed = true;
    return { ciId, created, changed, conflicts, suggestionIds };
  }

  /** The CI to apply the observation to (undefined: create one) and the suggestions it raises. */
  async function match(
    trx: Kysely<DiscoveryTables>,
    obs: Observation,
    ids: Identifier[],
  ): Promise<{ target?: string; suggestions: Suggestion[] }> {
    const hits = [...(await repo.hits(trx, ids)), ...(await ownFieldHits(trx, obs, ids))];
    const cisBy = (kind: IdentifierKind) => [...new Set(hits.filter((h) => h.kind === kind).map((h) => h.ciId))];
    const observedValue = (kind: IdentifierKind) => ids.find((i) => i.kind === kind)?.value;
    const suggestions: Suggestion[] = [];

    let target: string | undefined;
    let matchedBy: IdentifierKind | 'binding' | undefined;
    if (obs.ciId !== undefined && (await repo.ciExists(trx, obs.ciId))) {
      target = obs.ciId;
      matchedBy = 'binding';
    }
    for (const kind of STRONG_KINDS) {
      const found = cisBy(kind);
      if (found.length === 0) continue;
      if (target === undefined) {
        target = found[0];
        matchedBy = kind;
      }
      // Every other CI a strong identifier points at may be the same thing recorded twice.
      for (const other of found.filter((c) => c !== target)) {
        const value = hits.find((h) => h.kind === kind && h.ciId === other)?.value;
        suggestions.push({
          otherCiId: other,
          reason: `same ${KIND_LABEL[kind]} ${value}`,
          details: { kind, value, observer: obs.observer },
        });
      }
    }
    if (target === undefined) {
      // Weak identifiers only together: host name and IP; either alone when the observation has only that one.
      const byName = cisBy('hostname');
      const byIp = cisBy('ip');
      const hasName = observedValue('hostname') !== undefined;
      const hasIp = observedValue('ip') !== undefined;
      const both = byName.filter((c) => byIp.includes(c));
      const candidates = hasName && hasIp ? both : hasName ? byName : byIp;
      if (candidates.length === 1) {
        target = candidates[0];
        matchedBy = hasName && hasIp ? 'hostname' : hasName ? 'hostname' : 'ip';
      }
    }
    if (target === undefined || matchedBy === 'binding') return { target, suggestions };

    // A single-valued identifier that differs means another thing, however much else matches.
    const known = await repo.identifiersOf(trx, target);
    for (const kind of SINGLE_VALUED) {
      const observed = observedValue(kind);
      const recorded = known.filter((k) => k.kind === kind).map((k) => k.value);
      if (observed !== undefined && recorded.length > 0 && !recorded.includes(observed)) {
        const reason = `same ${KIND_LABEL[matchedBy as IdentifierKind]} but different ${KIND_LABEL[kind]} (${recorded[0]} / ${observed})`;
        return {
          target: undefined,
          suggestions: [
            { otherCiId: target, reason, details: { kind, recorded: recorded[0], observed, observer: obs.observer } },
            ...suggestions,
          ],
        };
      }
    }
    return { target, suggestions };
  }

  /**
   * Identifier hits from CIs' own fields (serial column, name, IP attributes), for CIs no observer has reported yet.
   * A CI found by name that records no IP at all does not contradict the observed IP, so it counts as matching it.
   */
  async function ownFieldHits(trx: Kysely<DiscoveryTables>, obs: Observation, ids: Identifier[]): Promise<IdentifierHit[]> {
    const serial = ids.find((i) => i.kind === 'serial')?.value;
    const hostname = ids.find((i) => i.kind === 'hostname')?.value;
    const rawSerial = obs.identity.serial?.trim();
    const serials = serial === undefined ? [] : [...new Set([serial, serial.toLowerCase(), rawSerial ?? serial])];
    const rawName = obs.identity.hostname?.trim();
    const names = hostname === undefined ? [] : [...new Set([hostname, hostname.toUpperCase(), rawName ?? hostname])];
    const rows = await repo.byOwnFields(trx, serials, names, HOST_TYPES);
    const observedIps = ids.filter((i) => i.kind === 'ip').map((i) => i.value);
    const out: IdentifierHit[] = [];
    for (const row of rows) {
      if (serial !== undefined && row.serial?.trim().toUpperCase() === serial) out.push({ ciId: row.id, kind: 'serial', value: serial });
      if (hostname === undefined || normaliseHostname(row.name) !== hostname) continue;
      out.push({ ciId: row.id, kind: 'hostname', value: hostname });
      const attrs = (row.attributes ?? {}) as { ipAddresses?: string[]; managementIp?: string };
      const recorded = [...(attrs.ipAddresses ?? []), ...(attrs.managementIp ? [attrs.managementIp] : [])].map(normaliseIp);
      const shared = observedIps.find((ip) => recorded.includes(ip));
      if (shared !== undefined) out.push({ ciId: row.id, kind: 'ip', value: shared });
      else if (recorded.length === 0 && observedIps[0] !== undefined) out.push({ ciId: row.id, kind: 'ip', value: observedIps[0] });
    }
    return out;
  }

  /** Brings the CI's software in line with the observed set; one history entry lists every package that changed. */
  async function applySoftware(
    trx: Kysely<DiscoveryTables>,
    ciId: string,
    obs: Observation,
    ctx: ActionContext,
    now: number,
  ): Promise<boolean> {
    const key = (r: { name: string; arch: string }) => `${r.name}\u0000${r.arch}`;
    const current = new Map((await repo.software(trx, ciId)).map((r) => [key(r), r]));
    const observed = new Map<string, SoftwareRow>();
    for (const p of obs.software ?? [])
      observed.set(key({ name: p.name, arch: p.arch ?? '' }), { name: p.name, version: p.version, arch: p.arch ?? '' });
    const upserts = [...observed.entries()].filter(([k, r]) => current.get(k)?.version !== r.version).map(([, r]) => r);
    const removed = [...current.entries()].filter(([k]) => !observed.has(k)).map(([, r]) => r);
    if (upserts.length === 0 && removed.length === 0) return false;
    await repo.writeSoftware(trx, ciId, upserts, removed, obs.source, now);
    const label = (r: SoftwareRow) => `software:${r.name}${r.arch ? `:${r.arch}` : ''}`;
    // The first inventory of a host lists hundreds of packages: history says how many, not each one.
    const changes =
      current.size === 0
        ? [{ field: 'software', from: null, to: `${observed.size} packages` }]
        : [
            ...upserts.map((r) => ({ field: label(r), from: current.get(key(r))?.version ?? null, to: r.version })),
            ...removed.map((r) => ({ field: label(r), from: r.version, to: null })),
          ].sort((a, b) => a.field.localeCompare(b.field));
    await deps.inventory.within(trx).appendHistory(ctx, { ciId, kind: 'software', source: obs.source, at: now, changes });
    await deps.audit.append(trx, ctx, {
      action: 'ci.software',
      targetType: 'ci',
      targetId: ciId,
      after: { observer: obs.observer, installed: upserts.length, removed: removed.length },
    });
    return true;
  }

  return {
    reconcile(observation, ctx) {
      return withTransaction(db, (trx) => reconcileIn(trx, observation, ctx));
    },
  };
}
