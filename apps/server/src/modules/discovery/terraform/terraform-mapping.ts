import { isIP } from 'node:net';
import type { StateInstance, TerraformState } from './terraform-state';

/*
 * How Terraform resources become cloud-resource CIs and relationships. Pure functions over a parsed state: no I/O.
 *
 * Every resource instance falls in one of three classes:
 * - Nothing: data sources (`data.*`, whatever their provider), resources of helper providers that make values
 *   rather than things (`random`, `null`, `tls`, `local`, `template`, `time`, `external`, `archive`, `http`,
 *   `terraform`, `cloudinit`), and managed resources without an `id`. Each but the data sources is listed in
 *   `ignored` with the reason.
 * - Links: resources that only join two others — {@link LINK_TYPES} and every type ending in `_attachment` or
 *   `_association`. They become relationships where the pair is understood (volume attachment: instance
 *   `depends_on` volume; target group attachment: target group `depends_on` target; listener: load balancer
 *   `depends_on` target group; Azure data disk attachment and Google attached disk: machine `depends_on` disk),
 *   and are listed in `ignored` as links either way.
 * - CIs: every other managed resource instance with an id, of any provider, becomes one `cloud_resource` CI
 *   (`provider` is `other` for providers outside {@link CLOUD_OF}). References inside those resources add
 *   `located_in` (subnet, VPC or virtual network, Google subnetwork → network) and `depends_on` (security groups,
 *   load balancer → target group) relationships; see {@link mapState}.
 */

/** Providers whose resources are not things in a cloud (random values, files, keys, waits). */
const HELPER_PROVIDERS = new Set([
  'random',
  'null',
  'tls',
  'local',
  'template',
  'time',
  'external',
  'archive',
  'http',
  'terraform',
  'cloudinit',
]);

/** Terraform provider names → the `provider` attribute of cloud-resource CIs. */
const CLOUD_OF: Record<string, string> = {
  aws: 'aws',
  azurerm: 'azure',
  azuread: 'azure',
  azapi: 'azure',
  google: 'gcp',
  'google-beta': 'gcp',
  oci: 'oci',
  hcloud: 'hetzner',
  digitalocean: 'digitalocean',
};

/** Resource types that link two other resources: imported as relationships, not as CIs. */
const LINK_TYPES = new Set([
  'aws_volume_attachment',
  'aws_lb_target_group_attachment',
  'aws_alb_target_group_attachment',
  'aws_lb_listener',
  'aws_alb_listener',
  'aws_lb_listener_rule',
  'azurerm_virtual_machine_data_disk_attachment',
  'google_compute_attached_disk',
]);

/** A managed resource instance that becomes (or updates) a cloud-resource CI. */
export interface MappedResource {
  address: string;
  resourceType: string;
  /** `<provider>:<cloud id>`: the CI's external id identifier. */
  externalId: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** A relationship the state implies, between two mapped resources' addresses. */
export interface MappedRelation {
  type: 'located_in' | 'depends_on';
  from: string;
  to: string;
}

/** What a state maps to. */
export interface StateMapping {
  resources: MappedResource[];
  relations: MappedRelation[];
  /** Managed instances that are not CIs, and why. Data sources are left out silently. */
  ignored: Array<{ address: string; reason: string }>;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : []);
const objects = (v: unknown): Array<Record<string, unknown>> =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)) : [];

/** EC2-style ids (`i-0abc…`, `subnet-…`) are unique across types; other AWS ids (bucket names, DB identifiers) are not. */
const AWS_SHORT_ID =
  /^(i|vpc|subnet|sg|sgr|vol|snap|ami|eni|igw|eigw|nat|rtb|rtbassoc|acl|eipalloc|lt|tgw|tgw-attach|tgw-rtb|pcx|vpce|dopt|cgw|vgw|vpn|fs|fsmt|fsap|pl|key|h|r|cr)-[0-9a-f]{8,17}$/;

function externalIdOf(cloud: string, provider: string, type: string, a: Record<string, unknown>): string | null {
  const id = str(a.id);
  if (id === undefined) return null;
  if (cloud === 'aws') return `aws:${AWS_SHORT_ID.test(id) || id.startsWith('arn:') ? id : (str(a.arn) ?? `${type}/${id}`)}`;
  // Azure resource ids and Google self ids are paths unique across types; other providers' ids may not be.
  if (cloud === 'azure' || cloud === 'gcp') return `${cloud}:${id}`;
  return `${provider}:${type}/${id}`;
}

function nameOf(instance: StateInstance): string {
  const a = instance.attributes;
  const tags = a.tags && typeof a.tags === 'object' ? (a.tags as Record<string, unknown>) : {};
  const name = str(tags.Name) ?? str(a.name) ?? str(a.bucket) ?? str(a.identifier) ?? instance.address;
  return name.length > 190 ? name.slice(0, 190) : name;
}

function regionOf(a: Record<string, unknown>): string | undefined {
  const arnRegion = str(a.arn)?.split(':')[3];
  const zone = str(a.availability_zone) ?? str(a.zone);
  const fromZone = zone?.replace(/^([a-z]+(-[a-z]+)*-\d+)[a-z]$/, '$1').replace(/^([a-z]+-[a-z]+\d+)-[a-z]$/, '$1');
  return str(a.region) ?? str(a.location) ?? (arnRegion || undefined) ?? fromZone;
}

function accountOf(a: Record<string, unknown>): string | undefined {
  const arnAccount = str(a.arn)?.split(':')[4];
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(str(a.id) ?? '')?.[1];
  return (arnAccount || undefined) ?? str(a.owner_id) ?? subscription ?? str(a.project);
}

function ipsOf(a: Record<string, unknown>): string[] {
  const found = [
    str(a.private_ip),
    str(a.public_ip),
    ...strings(a.private_ips),
    str(a.private_ip_address),
    str(a.public_ip_address),
    str(a.ipv4_address),
    str(a.ipv6_address),
    ...strings(a.ipv6_addresses),
    ...objects(a.network_interface).flatMap((n) => [str(n.network_ip), ...objects(n.access_config).map((c) => str(c.nat_ip))]),
  ];
  return [...new Set(found.filter((ip): ip is string => ip !== undefined && isIP(ip) !== 0))];
}

const cap = (v: string | undefined, max: number) => (v !== undefined && v.length <= max ? v : undefined);

function attributesOf(cloud: string, instance: StateInstance): Record<string, unknown> {
  const a = instance.attributes;
  const attributes: Record<string, unknown> = {
    provider: cloud,
    region: cap(regionOf(a), 100),
    accountId: cap(accountOf(a), 100),
    resourceId: cap(str(a.arn) ?? str(a.id), 500),
    kind: cap(instance.type, 100),
    ipAddresses: ipsOf(a),
  };
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
}

/**
 * Maps a state's managed resources to cloud-resource CIs and the relationships between them: instance in subnet in
 * VPC (`located_in`), security groups and volumes an instance or database needs, load balancer → target group →
 * target (`depends_on`). References are resolved by id, ARN or self link among the state's own resources; a
 * reference to something outside the state is left out.
 */
export function mapState(state: TerraformState): StateMapping {
  const resources: MappedResource[] = [];
  const ignored: StateMapping['ignored'] = [];
  const links: StateInstance[] = [];
  const byRef = new Map<string, string>();
  const byExternal = new Map<string, string>();

  for (const instance of state.instances) {
    if (instance.mode !== 'managed') continue;
    if (HELPER_PROVIDERS.has(instance.provider)) {
      ignored.push({ address: instance.address, reason: `not a cloud resource (provider ${instance.provider})` });
      continue;
    }
    if (LINK_TYPES.has(instance.type) || /_(attachment|association)$/.test(instance.type)) {
      links.push(instance);
      ignored.push({ address: instance.address, reason: 'a link between resources, imported as a relationship where understood' });
      continue;
    }
    const cloud = CLOUD_OF[instance.provider] ?? 'other';
    const externalId = externalIdOf(cloud, instance.provider, instance.type, instance.attributes);
    if (externalId === null) {
      ignored.push({ address: instance.address, reason: 'it has no id' });
      continue;
    }
    const seen = byExternal.get(externalId);
    if (seen !== undefined) {
      ignored.push({ address: instance.address, reason: `same cloud id as ${seen}` });
      continue;
    }
    byExternal.set(externalId, instance.address);
    resources.push({
      address: instance.address,
      resourceType: instance.type,
      externalId,
      name: nameOf(instance),
      attributes: attributesOf(cloud, instance),
    });
    for (const ref of [str(instance.attributes.id), str(instance.attributes.arn), str(instance.attributes.self_link)]) {
      if (ref !== undefined && !byRef.has(ref)) byRef.set(ref, instance.address);
    }
  }

  const relations = new Map<string, MappedRelation>();
  const relate = (type: MappedRelation['type'], from: string, ref: string | undefined) => {
    const to = ref === undefined ? undefined : byRef.get(ref);
    if (to === undefined || to === from) return;
    relations.set(`${type} ${from} ${to}`, { type, from, to });
  };
  const mapped = new Set(resources.map((r) => r.address));
  for (const instance of state.instances) {
    if (!mapped.has(instance.address)) continue;
    const a = instance.attributes;
    const from = instance.address;
    relate('located_in', from, str(a.subnet_id));
    // The narrowest network it is in: a subnet if it names one, else its VPC.
    if (str(a.subnet_id) === undefined && strings(a.subnets).length === 0)
      relate('located_in', from, str(a.vpc_id) ?? str(a.virtual_network_id));
    for (const subnet of strings(a.subnets)) relate('located_in', from, subnet);
    for (const sg of [...strings(a.vpc_security_group_ids), ...strings(a.security_groups)]) relate('depends_on', from, sg);
    for (const lb of strings(a.load_balancer_arns)) {
      const balancer = byRef.get(lb);
      if (balancer !== undefined) relate('depends_on', balancer, str(a.arn));
    }
    for (const nic of objects(a.ip_configuration)) relate('located_in', from, str(nic.subnet_id));
    for (const nic of objects(a.network_interface)) relate('located_in', from, str(nic.subnetwork));
    if (instance.type === 'google_compute_subnetwork') relate('located_in', from, str(a.network));
  }
  for (const link of links) {
    const a = link.attributes;
    const need = (needer: string | undefined, needed: string | undefined) => {
      const from = needer === undefined ? undefined : byRef.get(needer);
      if (from !== undefined) relate('depends_on', from, needed);
    };
    switch (link.type) {
      case 'aws_volume_attachment':
        need(str(a.instance_id), str(a.volume_id));
        break;
      case 'aws_lb_target_group_attachment':
      case 'aws_alb_target_group_attachment':
        need(str(a.target_group_arn), str(a.target_id));
        break;
      case 'aws_lb_listener':
      case 'aws_alb_listener':
        for (const action of objects(a.default_action)) {
          need(str(a.load_balancer_arn), str(action.target_group_arn));
          for (const forward of objects(action.forward))
            for (const tg of objects(forward.target_group)) need(str(a.load_balancer_arn), str(tg.arn));
        }
        break;
      case 'azurerm_virtual_machine_data_disk_attachment':
        need(str(a.virtual_machine_id), str(a.managed_disk_id));
        break;
      case 'google_compute_attached_disk':
        need(str(a.instance), str(a.disk));
        break;
    }
  }
  return { resources, relations: [...relations.values()], ignored };
}
