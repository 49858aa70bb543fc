import type { RelationshipType } from '@estate/contract';
import { type CiTypeId, typesIn } from './ci-type-ids';

/**
 * Which end of a relationship is impacted when the other end fails:
 * - `source`: the source needs the target (a VM `runs_on` a host: the host fails, the VM is down);
 * - `target`: the target needs the source (a backup system `backs_up` a database: it fails, the database is unprotected);
 * - `both`: symmetric links; impact flows from an end whose type is one of the rule's `providers` to the other end
 *   (a switch fails, the servers `connected_to` it lose the network; a server failing does not take its switch down);
 * - `none`: the relationship records a fact (ownership) and carries no impact.
 *
 * Impact analysis follows these rules: "downstream" of a CI is what is impacted when it fails, "upstream" is what it
 * needs.
 */
export type ImpactedEnd = 'source' | 'target' | 'both' | 'none';

/** The rules of one relationship type. */
export interface RelationshipRule {
  type: RelationshipType;
  /** Read from the source: "runs on". */
  name: string;
  /** Read from the target: "hosts". */
  inverseName: string;
  /** The inverse as a key, used as the history field on the target end (`relationship:hosts`). */
  inverseKey: string;
  /** A–B is the same relationship as B–A; stored with the smaller id as source, so the unique index holds both. */
  symmetric: boolean;
  /** Refused when it would close a cycle through relationships of the same type. */
  acyclic: boolean;
  sources: readonly CiTypeId[];
  targets: readonly CiTypeId[];
  impacted: ImpactedEnd;
  /** For `impacted: 'both'`: the types from which impact flows over the link. */
  providers?: readonly CiTypeId[];
  description: string;
}

const connectable = typesIn('compute', 'network', 'storage', 'facility', 'end_user');
const workloads = typesIn('compute', 'software', 'cloud');
const everythingButOrganisation = typesIn(
  'compute',
  'network',
  'storage',
  'facility',
  'end_user',
  'software',
  'service',
  'cloud',
  'location',
  'commercial',
);

/** Every relationship type's rules, in the contract's order. */
export const RELATIONSHIP_RULES: readonly RelationshipRule[] = [
  {
    type: 'runs_on',
    name: 'runs on',
    inverseName: 'hosts',
    inverseKey: 'hosts',
    symmetric: false,
    acyclic: true,
    sources: [...workloads, 'technical_service'],
    targets: ['physical_server', 'virtual_machine', 'container', 'cloud_resource'],
    impacted: 'source',
    description: 'A workload runs on a host; the host failing takes the workload down.',
  },
  {
    type: 'depends_on',
    name: 'depends on',
    inverseName: 'used by',
    inverseKey: 'used_by',
    symmetric: false,
    acyclic: false,
    sources: typesIn('compute', 'network', 'storage', 'software', 'service', 'cloud', 'end_user'),
    targets: typesIn('compute', 'network', 'storage', 'facility', 'software', 'service', 'cloud'),
    impacted: 'source',
    description: 'The source needs the target to work.',
  },
  {
    type: 'connected_to',
    name: 'connected to',
    inverseName: 'connected to',
    inverseKey: 'connected_to',
    symmetric: true,
    acyclic: false,
    sources: [...connectable, 'cloud_resource'],
    targets: [...connectable, 'cloud_resource'],
    impacted: 'both',
    providers: [...typesIn('network', 'facility'), 'storage_array'],
    description: 'A physical or logical link; impact flows from network, power and storage gear to what is connected to it.',
  },
  {
    type: 'located_in',
    name: 'located in',
    inverseName: 'contains',
    inverseKey: 'contains',
    symmetric: false,
    acyclic: true,
    // Cloud resources are located in cloud networks (an instance in a subnet, a subnet in a VPC), as Terraform says.
    sources: [...connectable, 'room', 'rack', 'cloud_resource'],
    targets: [...typesIn('location'), 'cloud_resource'],
    impacted: 'source',
    description:
      'Where a thing is: a rack in a room, a room in a site, a cloud instance in a subnet. What it is in failing (power, fire, a network) impacts its contents.',
  },
  {
    type: 'member_of',
    name: 'member of',
    inverseName: 'has member',
    inverseKey: 'has_member',
    symmetric: false,
    acyclic: false,
    sources: [...typesIn('organisation', 'compute', 'network', 'storage', 'software', 'cloud')],
    targets: ['team', 'technical_service', 'business_service'],
    impacted: 'target',
    description: 'A person in a team, a node in a cluster or pool; a member failing degrades the group.',
  },
  {
    type: 'backs_up',
    name: 'backs up',
    inverseName: 'backed up by',
    inverseKey: 'backed_up_by',
    symmetric: false,
    acyclic: false,
    sources: typesIn('compute', 'storage', 'software', 'cloud'),
    targets: typesIn('compute', 'storage', 'software', 'cloud', 'network'),
    impacted: 'target',
    description: 'A backup system protects the target; it failing leaves the target unprotected.',
  },
  {
    type: 'licensed_by',
    name: 'licensed by',
    inverseName: 'licenses',
    inverseKey: 'licenses',
    symmetric: false,
    acyclic: false,
    sources: typesIn('compute', 'network', 'storage', 'software', 'cloud', 'end_user', 'service'),
    targets: ['licence'],
    impacted: 'source',
    description: 'Each licensed_by relationship uses one seat of the licence; the licence lapsing impacts the source.',
  },
  {
    type: 'supported_by',
    name: 'supported by',
    inverseName: 'supports',
    inverseKey: 'supports',
    symmetric: false,
    acyclic: false,
    sources: everythingButOrganisation.filter((t) => t !== 'contract' && t !== 'vendor'),
    targets: ['contract', 'vendor', 'team'],
    impacted: 'source',
    description: 'A support contract, vendor or team supports the source.',
  },
  {
    type: 'owned_by',
    name: 'owned by',
    inverseName: 'owns',
    inverseKey: 'owns',
    symmetric: false,
    acyclic: false,
    sources: everythingButOrganisation,
    targets: ['team', 'person'],
    impacted: 'none',
    description: 'Who is accountable for the source. Carries no impact.',
  },
];

const BY_TYPE = new Map(RELATIONSHIP_RULES.map((r) => [r.type, r]));

/** The rules of a relationship type (every contract type has one). */
export function ruleOf(type: RelationshipType): RelationshipRule {
  const rule = BY_TYPE.get(type);
  if (!rule) throw new Error(`No rules for relationship type ${type}`);
  return rule;
}

/** True when the rule allows a relationship from a CI of `sourceType` to one of `targetType` (either way if symmetric). */
export function allowsPair(rule: RelationshipRule, sourceType: string, targetType: string): boolean {
  const forward = (rule.sources as readonly string[]).includes(sourceType) && (rule.targets as readonly string[]).includes(targetType);
  if (forward || !rule.symmetric) return forward;
  return (rule.sources as readonly string[]).includes(targetType) && (rule.targets as readonly string[]).includes(sourceType);
}
