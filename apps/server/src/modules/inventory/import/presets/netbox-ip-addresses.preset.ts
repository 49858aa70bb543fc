import { column, preset } from './preset-kit';

/**
 * NetBox IP addresses: each address is added to the device it is assigned to (found by name among existing items):
 * to `ipAddresses` of servers and other hosts, as `managementIp` of network and power equipment that has none.
 */
export const NETBOX_IP_ADDRESSES = preset({
  id: 'netbox-ip-addresses',
  label: 'NetBox IP addresses',
  product: 'NetBox 4.x ("Current view" export) and 2.11 (CSV export)',
  description: 'Adds each assigned address to its device. Import the devices first; unassigned addresses are skipped.',
  kind: 'cis',
  mode: 'addresses',
  naturalKey: 'name',
  ciType: null,
  relationshipType: null,
  columns: [
    column(['IP Address', 'Address', 'address'], 'ip', { transforms: ['prefix'], required: true }),
    column(['Device / VM', 'Device/VM', 'Parent', 'Interface Parent', 'device', 'virtual_machine'], 'device', { required: true }),
  ],
  valueMaps: {},
  steps: [
    'Open IP Addresses, add the "Device / VM" (older 4.x: "Parent") column with "Configure Table", then Export → Current view (2.11: Export, which has a device column).',
  ],
});
