import type { Kysely } from 'kysely';
import { normaliseHostname, normaliseIp } from '../../../platform/net/addresses';
import { typesIn } from '../../inventory';
import type { DiscoveryTables } from '../discovery.tables';
import { type Identifier, type IdentifierKind, SINGLE_VALUED, STRONG_KINDS } from './identifiers';
import type { IdentifierHit, IdentityRepository } from './identity.repository';
import type { Observation } from './identity.service';
import { decideType, familyOf, type TypeDecision } from './observation-mapping';

/*
 * Which CI an observation is about: the bound CI, strong identifiers, the scan target, weak identifiers, and the
 * contradictions that make a match another thing after all (ADR 0010).
 */

/** Types whose CIs are named after the host: what a host name may match by a CI's own name. */
const HOST_TYPES = typesIn('compute', 'network', 'storage', 'facility', 'end_user');

/** A possible duplicate an observation points at, with the reason in words. */
export interface Suggestion {
  otherCiId: string;
  reason: string;
  details: Record<string, unknown>;
}

/** The CI an observation is about (none: create one), how its type meets the observed one, and the suggestions raised. */
export interface Match {
  target?: string;
  decision: TypeDecision;
  suggestions: Suggestion[];
}

const KIND_LABEL: Record<IdentifierKind, string> = {
  external_id: 'external id',
  serial: 'serial number',
  machine_id: 'machine id',
  mac: 'MAC address',
  scan_target: 'scan target',
  hostname: 'host name',
  ip: 'IP address',
};

/** The CI that alone holds the identifier `id` among `hits`, as a list of none or one. */
function soleHolder(hits: IdentifierHit[], id: Identifier): string[] {
  const holders = new Set(hits.filter((h) => h.kind === id.kind && h.value === id.value).map((h) => h.ciId));
  return holders.size === 1 ? [...holders] : [];
}

/**
 * Builds the matcher over the identity repository: `match(trx, observation, identifiers)` answers the CI to apply
 * the observation to (undefined: create one), how the types meet, and the merge suggestions it raises.
 */
export function createMatcher(repo: IdentityRepository) {
  /** The CI to apply the observation to (undefined: create one), how the types meet, and the suggestions it raises. */
  async function match(trx: Kysely<DiscoveryTables>, obs: Observation, ids: Identifier[]): Promise<Match> {
    const hits = [...(await repo.hits(trx, ids)), ...(await ownFieldHits(trx, obs, ids))];
    const types = await repo.typesOf(
      trx,
      hits.map((h) => h.ciId),
    );
    const cisBy = (kind: IdentifierKind) => [...new Set(hits.filter((h) => h.kind === kind).map((h) => h.ciId))];
    const observedValue = (kind: IdentifierKind) => ids.find((i) => i.kind === kind)?.value;
    const certain = obs.typeCertain !== false;
    // Of several CIs an identifier points at, the one of the observed family of thing is the likelier.
    const agrees = (ciId: string) => !certain || familyOf(types.get(ciId) ?? '') === familyOf(obs.type);
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
        target = found.find(agrees) ?? found[0];
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
      // Where this scan found a CI before, it finds the same thing again, whatever it answers to now.
      target = cisBy('scan_target')[0];
      if (target !== undefined) matchedBy = 'scan_target';
    }
    if (target === undefined) {
      // Weak identifiers: host name and IP together; else an address only one CI has, when no CI has the observed
      // name (a name the inventory does not know yet is news, not another thing's) and its MACs do not all differ;
      // else the name alone when the observation has no address. An address many CIs have decides nothing, and one
      // that only one other host has so far (a Docker bridge's 172.17.0.1) is outweighed by that host's hardware.
      const byName = cisBy('hostname');
      const byIp = cisBy('ip');
      const soleHolders = [...new Set(ids.filter((i) => i.kind === 'ip').flatMap((i) => soleHolder(hits, i)))];
      const ownIp: string[] = [];
      for (const c of soleHolders) if (!(await macsDisagree(trx, c, ids))) ownIp.push(c);
      const hasName = observedValue('hostname') !== undefined;
      const hasIp = observedValue('ip') !== undefined;
      const both = byName.filter((c) => byIp.includes(c));
      if (both.length === 1) [target, matchedBy] = [both[0], 'hostname'];
      else if (hasIp && byName.length === 0 && ownIp.length === 1) [target, matchedBy] = [ownIp[0], 'ip'];
      else if (hasName && !hasIp && byName.length === 1) [target, matchedBy] = [byName[0], 'hostname'];
    }
    if (target === undefined) return { decision: 'keep', suggestions };
    const decision = decideType(obs.type, certain, types.get(target) ?? obs.type, await repo.typeSetBy(trx, target));
    if (matchedBy === 'binding') return { target, decision: decision === 'contradiction' ? 'differs' : decision, suggestions };

    // A single-valued identifier that differs means another thing, however much else matches.
    const label = KIND_LABEL[matchedBy as IdentifierKind];
    const known = await repo.identifiersOf(trx, target);
    for (const kind of SINGLE_VALUED) {
      const observed = observedValue(kind);
      const recorded = known.filter((k) => k.kind === kind).map((k) => k.value);
      if (observed !== undefined && recorded.length > 0 && !recorded.includes(observed)) {
        const reason = `same ${label} but different ${KIND_LABEL[kind]} (${recorded[0]} / ${observed})`;
        const details = { kind, recorded: recorded[0], observed, observer: obs.observer };
        return { decision: 'keep', suggestions: [{ otherCiId: target, reason, details }, ...suggestions] };
      }
    }
    // So does a sure observer's type of another kind of thing: a switch is not the server whose MAC it reports.
    if (decision === 'contradiction') {
      const recorded = types.get(target);
      const reason = `same ${label} but seen as a ${obs.type} (recorded as a ${recorded})`;
      const details = { kind: 'type', recorded, observed: obs.type, observer: obs.observer };
      return { decision: 'keep', suggestions: [{ otherCiId: target, reason, details }, ...suggestions] };
    }
    return { target, decision, suggestions };
  }

  /** Whether the CI and the observation both know MAC addresses and share none: two sets of hardware. */
  async function macsDisagree(trx: Kysely<DiscoveryTables>, ciId: string, ids: Identifier[]): Promise<boolean> {
    const observed = ids.filter((i) => i.kind === 'mac').map((i) => i.value);
    if (observed.length === 0) return false;
    const recorded = (await repo.identifiersOf(trx, ciId)).filter((i) => i.kind === 'mac').map((i) => i.value);
    return recorded.length > 0 && !recorded.some((m) => observed.includes(m));
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

  return match;
}
