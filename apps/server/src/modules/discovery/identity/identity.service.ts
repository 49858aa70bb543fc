import type { Kysely } from 'kysely';
import type { ActionContext } from '../../../platform/audit/audit-log';
import { withTransaction } from '../../../platform/db/transaction';
import { HttpProblem } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import { plural } from '../../../platform/plural';
import type { CiTypeId, ObservedConflict, ObservedFields } from '../../inventory';
import type { DiscoveryTables } from '../discovery.tables';
import { type HostIdentity, identifiersOf } from './identifiers';
import { IdentityRepository, type SoftwareRow } from './identity.repository';
import type { IdentityDeps } from './identity-deps';
import { createMatcher } from './identity-matching';
import { mapOntoType } from './observation-mapping';
import { type FactRecord, type ObservedInterface, ObservedRepository } from './observed.repository';

/** One observation of one thing by one observer (an agent report, a scanned host, an imported row). */
export interface Observation {
  source: 'agent' | 'scan' | 'import';
  /** Who saw it, for history and audit: `agent db-01`, `scan Office LAN`, `terraform <lineage>`. */
  observer: string;
  /**
   * What the observer takes the thing for: the type of a CI this observation creates. A matched CI keeps its own
   * type unless a scan set it and this observer is sure (see `typeCertain`); what its type cannot hold becomes facts.
   */
  type: CiTypeId;
  /**
   * Whether the observer knows the type (an agent, an import, a device that says what it is) rather than guessing it
   * (a host that only answered on some ports). A guess never changes a CI's type nor contradicts it. Default true.
   */
  typeCertain?: boolean;
  /** The name of a CI this observation creates (made unique when taken). A matched CI keeps its name. */
  name: string;
  identity: HostIdentity;
  /**
   * Common fields and attributes, applied with `applyObserved` (hand-entered values win and conflicts are recorded)
   * as far as the CI's type has them; attributes it has no place for, and values that differ from what a higher-ranked
   * observer set, are kept as the CI's observed facts instead.
   */
  fields: Omit<ObservedFields, 'name'>;
  /** The complete installed software, when the observer knows it (an agent does; a scan does not). */
  software?: Array<{ name: string; version: string; arch?: string }>;
  /** The complete set of network interfaces as this source sees them; replaces the source's previous set. */
  interfaces?: ObservedInterface[];
  /** The CI this observer is bound to (an agent's), trusted before any identifier. */
  ciId?: string;
}

/** What reconciliation did with an observation. */
export interface ReconcileResult {
  ciId: string;
  created: boolean;
  /**
   * Whether any field (its type included) or software entry of the CI changed. Observed facts and interfaces, kept
   * beside the CI's fields, do not count: an observation that only restates them changes nothing.
   */
  changed: boolean;
  /** Hand-entered values the observation disagreed with (kept, and recorded in history). */
  conflicts: ObservedConflict[];
  /** Merge suggestions this observation raised. */
  suggestionIds: string[];
  /** Values kept as observed facts of the CI rather than fields, with the reason for each. */
  facts: Array<{ key: string; reason: string }>;
  /** The CI's type before this observation changed it, when it did. */
  retypedFrom?: string;
}

/** Turns observations into CIs: one CI per real thing, whoever saw it. */
export interface IdentityService {
  /**
   * Finds the CI the observation is about — by the bound CI, then the strongest identifier that matches (external
   * id, serial, machine id, MAC; among several CIs one whose type agrees), then the scan target it was found at
   * before, then host name together with IP — or creates one; maps the observation onto the CI's type (fields the
   * type has are applied with provenance and history, the rest kept as observed facts), replaces the source's
   * interfaces and the software, and records the identifiers. A match whose single-valued identifiers contradict
   * the observation (same MAC, other serial), or whose type a sure observer contradicts (a server seen as a
   * router), is not merged: a new CI is created and a merge suggestion is recorded, as it is when identifiers
   * point at several CIs. All in one transaction; values no mapping can save are a 400 and write nothing.
   */
  reconcile(observation: Observation, ctx: ActionContext): Promise<ReconcileResult>;
}

/** Builds the identity service; CIs change only through the inventory's interface. */
export function createIdentityService(deps: IdentityDeps): IdentityService {
  const repo = new IdentityRepository(deps.dialect);
  const observed = new ObservedRepository(deps.dialect);
  const match = createMatcher(repo);
  const db = deps.db as unknown as Kysely<DiscoveryTables>;

  async function reconcileIn(trx: Kysely<DiscoveryTables>, obs: Observation, ctx: ActionContext): Promise<ReconcileResult> {
    await repo.lock(trx);
    const now = Date.now();
    const ids = identifiersOf(obs.identity);
    const { target, decision, suggestions } = await match(trx, obs, ids);
    const cis = deps.inventory.within(trx).cis;

    let ciId: string;
    let created = false;
    let changed = false;
    let conflicts: ObservedConflict[] = [];
    let retypedFrom: string | undefined;
    const facts: FactRecord[] = [];
    let applied: Omit<ObservedFields, 'name'>;
    if (target === undefined) {
      const mapped = mapOntoType(obs.fields, obs.type, obs.source);
      facts.push(...mapped.facts);
      applied = mapped.fields;
      const name = await repo.freeName(trx, obs.type, obs.name);
      // A null clears a value of a CI that has one; a new CI has none to clear.
      const attributes = Object.fromEntries(Object.entries(applied.attributes ?? {}).filter(([, v]) => v !== null && v !== undefined));
      const ci = await cis.create({ ...applied, attributes, type: obs.type, name, status: applied.status ?? 'deployed' }, ctx, obs.source);
      ciId = ci.id;
      created = changed = true;
      await cis.applyObserved(ciId, obs.source, {}, ctx); // stamps first and last seen
    } else {
      ciId = target;
      const before = await cis.get(target);
      let current = before;
      if (decision === 'retype') {
        const retyped = await retype(trx, current, obs, ctx);
        if (retyped) {
          facts.push(...retyped.removed);
          current = retyped.ci;
          retypedFrom = before.type;
        } else facts.push(typeFact(obs, before.type));
      } else if (decision !== 'keep') facts.push(typeFact(obs, before.type));
      const mapped = mapOntoType(obs.fields, current.type, obs.source, current as never);
      facts.push(...mapped.facts);
      applied = mapped.fields;
      const result = await cis.applyObserved(target, obs.source, applied, ctx);
      conflicts = result.conflicts;
      changed = result.ci.version !== before.version;
    }
    await repo.record(trx, ciId, ids, obs.source, now);
    const appliedKeys = [...Object.keys(applied), ...Object.keys(applied.attributes ?? {}), ...(decision === 'keep' ? ['type'] : [])];
    await writeFacts(trx, ciId, obs, facts, appliedKeys, ctx, now);
    if (obs.interfaces !== undefined) await writeInterfaces(trx, ciId, obs, ctx, now);

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

    if (obs.software !== undefined && (await applySoftware(trx, ciId, obs, ctx))) changed = true;
    const factReasons = [...new Map(facts.map((f) => [f.key, { key: f.key, reason: f.reason }])).values()];
    return { ciId, created, changed, conflicts, suggestionIds, facts: factReasons, ...(retypedFrom ? { retypedFrom } : {}) };
  }

  /** The fact that a sure observer took the CI for another type than it has. */
  function typeFact(obs: Observation, recorded: string): FactRecord {
    return { key: 'type', value: obs.type, reason: `recorded as a ${recorded}` };
  }

  /** Changes the CI's type to the observed one; undefined when the name is taken in that type (the CI keeps its type). */
  async function retype(trx: Kysely<DiscoveryTables>, ci: { id: string }, obs: Observation, ctx: ActionContext) {
    try {
      const result = await deps.inventory.within(trx).cis.retype(ci.id, obs.type, obs.source, ctx);
      return { ci: result.ci, removed: result.removed.map((r) => ({ key: r.key, value: r.value, reason: r.reason })) };
    } catch (error) {
      if (error instanceof HttpProblem && error.status === 409) return undefined;
      throw error;
    }
  }

  /** Records the observation's facts of the CI (and forgets the source's facts it now applies as fields); audits a change. */
  async function writeFacts(
    trx: Kysely<DiscoveryTables>,
    ciId: string,
    obs: Observation,
    facts: FactRecord[],
    appliedKeys: string[],
    ctx: ActionContext,
    now: number,
  ): Promise<void> {
    const changed = await observed.writeFacts(trx, ciId, obs.source, obs.observer, facts, appliedKeys, now);
    if (changed.length === 0) return;
    await deps.audit.append(trx, ctx, {
      action: 'ci.observed-facts',
      targetType: 'ci',
      targetId: ciId,
      after: {
        observer: obs.observer,
        facts: Object.fromEntries(facts.filter((f) => changed.includes(f.key)).map((f) => [f.key, f.value])),
      },
    });
  }

  /** Replaces the source's interfaces of the CI; audits a change other than operational states. */
  async function writeInterfaces(trx: Kysely<DiscoveryTables>, ciId: string, obs: Observation, ctx: ActionContext, now: number) {
    const interfaces = obs.interfaces ?? [];
    if (!(await observed.replaceInterfaces(trx, ciId, obs.source, interfaces, now))) return;
    await deps.audit.append(trx, ctx, {
      action: 'ci.interfaces',
      targetType: 'ci',
      targetId: ciId,
      after: { observer: obs.observer, interfaces: interfaces.map((i) => i.name) },
    });
  }

  /**
   * Brings the CI's software in line with the observed set; one history entry lists every package that changed.
   * Stamped when written, after the CI's own entries of this observation (its `created` first).
   */
  async function applySoftware(trx: Kysely<DiscoveryTables>, ciId: string, obs: Observation, ctx: ActionContext): Promise<boolean> {
    const now = Date.now();
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
        ? [{ field: 'software', from: null, to: plural(observed.size, 'package') }]
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
