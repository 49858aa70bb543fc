import { typesIn } from '../../ci-type-ids';
import { column, SKIP, statusMap, valueMap } from './preset-kit';

/** Types a NetBox device may become. */
export const DEVICE_TYPES = typesIn('compute', 'network', 'storage', 'facility', 'end_user');

/** NetBox device statuses (labels and slugs) → lifecycle statuses. */
export const DEVICE_STATUS = statusMap({
  active: 'deployed',
  offline: 'in_maintenance',
  planned: 'planned',
  staged: 'in_stock',
  failed: 'in_maintenance',
  inventory: 'in_stock',
  decommissioning: 'retired',
});

/**
 * NetBox device roles (free names) → CI types, by a word the role's name holds: `Core Switch` is a switch. Passive
 * equipment is skipped. Roles this map does not know are row errors until the request maps them.
 */
export const DEVICE_ROLE = valueMap(
  'CI type',
  DEVICE_TYPES,
  {},
  [
    ['patch panel', SKIP],
    ['cable management', SKIP],
    ['blank', SKIP],
    ['load balancer', 'load_balancer'],
    ['firewall', 'firewall'],
    ['router', 'router'],
    ['access point', 'access_point'],
    ['wireless', 'access_point'],
    ['switch', 'switch'],
    ['pdu', 'pdu'],
    ['power distribution', 'pdu'],
    ['ups', 'ups'],
    ['storage', 'storage_array'],
    ['nas', 'storage_array'],
    ['san', 'storage_array'],
    ['cooling', 'cooling_unit'],
    ['generator', 'generator'],
    ['hypervisor', 'physical_server'],
    ['server', 'physical_server'],
    ['compute', 'physical_server'],
    ['host', 'physical_server'],
    ['laptop', 'end_user_device'],
    ['desktop', 'end_user_device'],
    ['workstation', 'end_user_device'],
  ],
  true,
);

/** Rack faces. */
export const FACE = valueMap('rack face', ['front', 'rear'], { front: 'front', rear: 'rear' });

/** The tenant, as a `tenant:<name>` tag (Estate has no tenants). */
export const TENANT = column(['Tenant', 'tenant'], 'tag.tenant');
/** NetBox tags (comma-separated). */
export const TAGS = column(['Tags', 'tags'], 'tags');
