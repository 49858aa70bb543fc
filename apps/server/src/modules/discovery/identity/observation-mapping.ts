import type { Ci } from '@estate/contract';
import { canonicalJson } from '../../../platform/audit/canonical-json';
import { type CiTypeId, categoryOf, type ObservedFields, splitAttributes } from '../../inventory';
import type { FactRecord } from './observed.repository';

/*
 * How an observation fits the CI it is about: which of its values the CI's type takes as fields, which it keeps as
 * observed facts, and what to do when the observer's idea of the type differs from the CI's. Pure functions.
 */

/** Who may overwrite a field another observer set: a scan sees a host from outside, its agent from inside. */
const OUTRANKS: Readonly<Record<string, readonly string[]>> = { agent: ['scan'] };

/** Whether a value observed by `source` yields to the one `current` (the field's provenance source) set. */
function yields(source: string, current: string | undefined): boolean {
  return current !== undefined && (OUTRANKS[current] ?? []).includes(source);
}

const same = (a: unknown, b: unknown) => canonicalJson(a ?? null) === canonicalJson(b ?? null);

/**
 * The fields of `fields` a CI of `type` takes, and the rest as facts: attributes the type has no place for (or whose
 * value its schema refuses), and values that differ from what a higher-ranked observer set (`ci`'s provenance: an
 * agent's field is not overwritten by a scan). `ci` is undefined for a CI about to be created.
 */
export function mapOntoType(
  fields: Omit<ObservedFields, 'name'>,
  type: string,
  source: string,
  ci?: Pick<Ci, 'provenance' | 'attributes'> & Record<string, unknown>,
): { fields: Omit<ObservedFields, 'name'>; facts: FactRecord[] } {
  const { attributes, ...common } = fields;
  const { fitting, misfits } = splitAttributes(type, attributes ?? {});
  const facts: FactRecord[] = misfits.map((m) => ({ key: m.key, value: m.value, reason: m.reason }));
  const outranked = (field: string, current: unknown, value: unknown) => {
    const setBy = ci?.provenance[field]?.source;
    if (value === null || value === undefined || same(current, value) || !yields(source, setBy)) return false;
    facts.push({ key: field.replace(/^attributes\./, ''), value, reason: `the ${setBy} reports ${JSON.stringify(current)}` });
    return true;
  };
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(common)) if (!outranked(field, ci?.[field], value)) out[field] = value;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fitting)) if (!outranked(`attributes.${key}`, ci?.attributes[key], value)) kept[key] = value;
  if (attributes !== undefined) out.attributes = kept;
  return { fields: out as Omit<ObservedFields, 'name'>, facts };
}

/**
 * The family of things a type belongs to, for telling a contradiction from a difference of detail: a physical
 * server, a virtual machine, a cloud instance and a laptop are all hosts (an agent cannot tell a laptop from a
 * server, a cloud instance is a virtual machine); a switch is not a host.
 */
export function familyOf(type: string): string {
  const category = categoryOf(type) ?? type;
  return category === 'compute' || category === 'cloud' || category === 'end_user' ? 'host' : category;
}

/** What to do about the type when an observation of one type meets a CI of another. */
export type TypeDecision =
  /** The types agree, or the observer only guessed: apply what fits the CI's type. */
  | 'keep'
  /** The CI's type was a scan's reading and the observer knows better: change the CI's type. */
  | 'retype'
  /** Both are sure and name different families of thing (a server and a switch): not the same thing, or one is wrong. */
  | 'contradiction'
  /** Both are sure of types of one family (a server and a virtual machine): keep the CI's, note the observed one. */
  | 'differs';

/**
 * Decides how an observation typed `observed` (`certain` unless the observer guessed) meets a CI typed `recorded`
 * whose type `setBy` last set. A scan's type is a reading an agent, an import or a surer scan may correct.
 */
export function decideType(observed: CiTypeId, certain: boolean, recorded: string, setBy: string | undefined): TypeDecision {
  if (observed === recorded || !certain) return 'keep';
  if (setBy === 'scan') return 'retype';
  return familyOf(observed) === familyOf(recorded) ? 'differs' : 'contradiction';
}
