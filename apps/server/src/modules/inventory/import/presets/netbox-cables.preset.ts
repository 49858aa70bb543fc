import { column, preset } from './preset-kit';

/**
 * NetBox cables: each cable between two devices relates them `connected_to`. Several cables between the same two
 * devices are one relationship; cables to circuits, power feeds or nothing are skipped.
 */
export const NETBOX_CABLES = preset({
  id: 'netbox-cables',
  label: 'NetBox cables',
  product: 'NetBox 4.x ("Current view" export) and 2.11 (CSV export)',
  description: 'Relates the two devices of each cable (connected to). Import the devices first.',
  kind: 'relationships',
  mode: 'relationships',
  naturalKey: 'name',
  ciType: null,
  relationshipType: 'connected_to',
  columns: [
    column(['Device A', 'Side A', 'side_a_device', 'termination_a_device'], 'source', { required: true }),
    column(['Device B', 'Side B', 'side_b_device', 'termination_b_device'], 'target', { required: true }),
  ],
  valueMaps: {},
  steps: ['Open Cables, add the "Device A" and "Device B" columns with "Configure Table", then Export → Current view (2.11: Export).'],
});
