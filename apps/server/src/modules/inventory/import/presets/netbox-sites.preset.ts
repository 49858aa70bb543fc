import { TAGS, TENANT } from './netbox-values';
import { column, preset, statusMap } from './preset-kit';

/** NetBox sites: each site becomes a site CI (matched by name). */
export const NETBOX_SITES = preset({
  id: 'netbox-sites',
  label: 'NetBox sites',
  product: 'NetBox 4.x ("Current view" export) and 2.11 (CSV export)',
  description: 'Sites with status, region and group (as tags), time zone and physical address.',
  kind: 'cis',
  mode: 'cis',
  naturalKey: 'name',
  ciType: 'site',
  relationshipType: null,
  columns: [
    column(['Name', 'name'], 'name', { required: true }),
    column(['Status', 'status'], 'status', { valueMap: 'status' }),
    column(['Region', 'region'], 'tag.region'),
    column(['Group', 'group'], 'tag.site-group'),
    TENANT,
    column(['Time zone', 'Time Zone', 'time_zone'], 'attributes.timezone'),
    column(['Physical address', 'Physical Address', 'physical_address'], 'attributes.address'),
    TAGS,
  ],
  valueMaps: {
    status: statusMap({ planned: 'planned', staging: 'planned', active: 'deployed', decommissioning: 'retired', retired: 'retired' }),
  },
  steps: ['Open Sites, add the columns you want with "Configure Table", then Export → Current view (2.11: Export).'],
});
