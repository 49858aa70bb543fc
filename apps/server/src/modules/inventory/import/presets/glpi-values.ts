import { column, statusMap } from './preset-kit';

/**
 * GLPI statuses are defined per installation; these are the usual ones. An empty status means in service.
 */
export const GLPI_STATUS = statusMap({ '': 'deployed' }, [
  ['use', 'deployed'],
  ['production', 'deployed'],
  ['stock', 'in_stock'],
  ['repair', 'in_maintenance'],
  ['maintenance', 'in_maintenance'],
  ['ordered', 'ordered'],
  ['planned', 'planned'],
  ['retired', 'retired'],
  ['decommissioned', 'retired'],
  ['scrapped', 'disposed'],
  ['disposed', 'disposed'],
]);

/** Columns both GLPI asset lists share (search option names of GLPI 10 in English). */
export const GLPI_COMMON = [
  column(['Name'], 'name', { required: true }),
  column(['Entity'], 'tag.entity'),
  column(['Status'], 'status', { valueMap: 'status' }),
  column(['Manufacturer'], 'manufacturer'),
  column(['Model'], 'model'),
  column(['Serial number'], 'serial'),
  column(['Inventory number'], 'assetTag'),
  column(['Location'], 'location.path'),
  column(['IP', 'IP address', 'IP addresses', 'Network ports - IP'], 'ip', { transforms: ['prefix'] }),
];

export const GLPI_STEPS = [
  'In GLPI open the asset list, add the columns you want to the view (Name, Status, Manufacturer, Model, Type, Serial number, Inventory number, Location, …), search, and export the result as CSV (GLPI separates columns with semicolons; both separators are read).',
  'GLPI locations are a tree: "Site > Room" becomes the item\'s site and room.',
];
