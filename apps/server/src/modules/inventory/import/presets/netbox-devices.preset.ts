import { DEVICE_ROLE, DEVICE_STATUS, FACE, TAGS, TENANT } from './netbox-values';
import { column, preset } from './preset-kit';

/**
 * NetBox devices: the device list's CSV export ("Export → Current view" in 4.x, "Export" in 2.11). The role decides
 * each device's CI type; site → location → rack become the device's location chain (found or created); the primary
 * IPv4 address becomes its management or host address; half-unit positions are kept.
 */
export const NETBOX_DEVICES = preset({
  id: 'netbox-devices',
  label: 'NetBox devices',
  product: 'NetBox 4.x ("Current view" export) and 2.11 (CSV export)',
  description:
    'Devices with their role (deciding the item type), status, site → location → rack, position, face, manufacturer, type, platform, serial number, asset tag and primary IPv4 address.',
  kind: 'cis',
  mode: 'cis',
  naturalKey: 'name',
  ciType: null,
  relationshipType: null,
  columns: [
    column(['Name', 'name'], 'name', { required: true }),
    column(['Status', 'status'], 'status', { valueMap: 'status' }),
    column(['Role', 'Device Role', 'device_role', 'role'], 'type', { valueMap: 'type', required: true }),
    TENANT,
    column(['Site', 'site'], 'location.site'),
    column(['Location', 'location'], 'location.room'),
    column(['Rack', 'rack_name', 'rack'], 'location.rack'),
    column(['Position', 'position'], 'attributes.rackPosition', { transforms: ['units'] }),
    column(['Rack face', 'Face', 'face'], 'attributes.rackFace', { valueMap: 'face' }),
    column(['Manufacturer', 'manufacturer'], 'manufacturer'),
    column(['Type', 'Device Type', 'device_type'], 'model'),
    column(['Platform', 'platform'], 'os'),
    column(['Serial number', 'Serial Number', 'serial'], 'serial'),
    column(['Asset tag', 'Asset Tag', 'asset_tag'], 'assetTag'),
    column(['IPv4 Address', 'IP Address', 'primary_ip4', 'primary_ip'], 'ip', { transforms: ['prefix'] }),
    column(['IPv6 Address', 'primary_ip6'], 'ip', { transforms: ['prefix'] }),
    TAGS,
  ],
  valueMaps: { status: DEVICE_STATUS, type: DEVICE_ROLE, face: FACE },
  steps: [
    'NetBox 4.x: open Devices, choose the columns to export with "Configure Table" (Name, Status, Tenant, Site, Location, Rack, Position, Rack face, Role, Manufacturer, Type, Platform, Serial number, Asset tag, IPv4 Address), then Export → Current view.',
    'NetBox 2.11: open Devices and choose Export (CSV).',
    'Import the sites and racks first if you want their details (status, height); otherwise the import creates the sites, rooms and racks the devices name.',
    'Roles are matched by a word in their name (switch, router, firewall, server, pdu, …); map any other role to a type under "Value maps".',
  ],
});
