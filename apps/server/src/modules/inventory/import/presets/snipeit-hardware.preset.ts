import { typesIn } from '../../ci-type-ids';
import { column, preset, SKIP, statusMap, valueMap } from './preset-kit';

/**
 * Snipe-IT assets: the hardware list's CSV export. The asset tag identifies an asset; the category decides its CI
 * type (peripherals such as monitors and printers are skipped); the status label its lifecycle status; the location
 * becomes its site.
 */
export const SNIPEIT_HARDWARE = preset({
  id: 'snipeit-hardware',
  label: 'Snipe-IT assets',
  product: 'Snipe-IT 6.x and 7.x (hardware export)',
  description:
    'Assets by asset tag, with name, serial, model, category (deciding the item type), manufacturer, status, location, purchase and warranty dates.',
  kind: 'cis',
  mode: 'cis',
  naturalKey: 'assetTag',
  ciType: null,
  relationshipType: null,
  columns: [
    column(['Asset Tag', 'asset_tag'], 'assetTag', { required: true }),
    column(['Asset Name', 'Name', 'Item Name', 'name'], 'name', { required: true }),
    column(['Serial', 'Serial Number', 'serial'], 'serial'),
    column(['Model', 'Model Name', 'model'], 'model'),
    column(['Category', 'category'], 'type', { valueMap: 'type', required: true }),
    column(['Manufacturer', 'manufacturer'], 'manufacturer'),
    column(['Status', 'Status Label', 'status'], 'status', { valueMap: 'status' }),
    column(['Location', 'location'], 'location.site'),
    column(['Company', 'company'], 'tag.company'),
    column(['Checked Out To', 'Assigned To'], 'attributes.assignedTo'),
    column(['Purchase Date', 'Purchased', 'purchase_date'], 'purchaseDate', { transforms: ['date'] }),
    column(['Warranty Expires', 'warranty_expires'], 'warrantyEnd', { transforms: ['date'] }),
    column(['EOL', 'EOL Date', 'eol'], 'endOfLife', { transforms: ['date'] }),
  ],
  valueMaps: {
    type: valueMap(
      'CI type',
      typesIn('compute', 'network', 'storage', 'facility', 'end_user'),
      {},
      [
        ['monitor', SKIP],
        ['display', SKIP],
        ['printer', SKIP],
        ['peripheral', SKIP],
        ['keyboard', SKIP],
        ['mouse', SKIP],
        ['headset', SKIP],
        ['laptop', 'end_user_device'],
        ['notebook', 'end_user_device'],
        ['desktop', 'end_user_device'],
        ['workstation', 'end_user_device'],
        ['phone', 'end_user_device'],
        ['tablet', 'end_user_device'],
        ['server', 'physical_server'],
        ['switch', 'switch'],
        ['router', 'router'],
        ['firewall', 'firewall'],
        ['access point', 'access_point'],
        ['storage', 'storage_array'],
        ['nas', 'storage_array'],
        ['ups', 'ups'],
        ['pdu', 'pdu'],
      ],
      true,
    ),
    status: statusMap(
      {
        'ready to deploy': 'in_stock',
        deployed: 'deployed',
        pending: 'ordered',
        archived: 'retired',
        'broken - not fixable': 'disposed',
        'lost/stolen': 'disposed',
        'out for diagnostics': 'in_maintenance',
        'out for repair': 'in_maintenance',
      },
      [
        ['ready', 'in_stock'],
        ['deployed', 'deployed'],
        ['pending', 'ordered'],
        ['repair', 'in_maintenance'],
        ['diagnostics', 'in_maintenance'],
        ['broken', 'disposed'],
        ['lost', 'disposed'],
        ['stolen', 'disposed'],
        ['archived', 'retired'],
      ],
    ),
  },
  steps: [
    'In Snipe-IT open Assets → List All, show the columns you want (Asset Tag, Asset Name, Serial, Model, Category, Manufacturer, Status, Location, …) and export CSV.',
    'Categories are matched by a word in their name (laptop, desktop, server, switch, …); map any other category under "Value maps".',
  ],
});
