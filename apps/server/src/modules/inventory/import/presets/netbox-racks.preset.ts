import { TAGS, TENANT } from './netbox-values';
import { column, preset, statusMap } from './preset-kit';

/** NetBox racks: each rack becomes a rack CI placed in its site → location chain, where a rack of its name is found. */
export const NETBOX_RACKS = preset({
  id: 'netbox-racks',
  label: 'NetBox racks',
  product: 'NetBox 4.x ("Current view" export) and 2.11 (CSV export)',
  description: 'Racks with site → location, status, type, manufacturer, height in units, serial number and asset tag.',
  kind: 'cis',
  mode: 'cis',
  naturalKey: 'name',
  ciType: 'rack',
  relationshipType: null,
  columns: [
    column(['Name', 'name'], 'name', { required: true }),
    column(['Site', 'site'], 'location.site'),
    column(['Location', 'location'], 'location.room'),
    column(['Status', 'status'], 'status', { valueMap: 'status' }),
    TENANT,
    column(['Role', 'role'], 'tag.role'),
    column(['Type', 'Rack Type', 'rack_type'], 'model'),
    column(['Manufacturer', 'manufacturer'], 'manufacturer'),
    column(['Height', 'u_height'], 'attributes.heightU', { transforms: ['units'] }),
    column(['Serial number', 'Serial Number', 'serial'], 'serial'),
    column(['Asset tag', 'Asset Tag', 'asset_tag'], 'assetTag'),
    TAGS,
  ],
  valueMaps: {
    status: statusMap({ reserved: 'planned', available: 'in_stock', planned: 'planned', active: 'deployed', deprecated: 'retired' }),
  },
  steps: ['Open Racks, add the columns you want with "Configure Table", then Export → Current view (2.11: Export).'],
});
