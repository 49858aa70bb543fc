import { GLPI_COMMON, GLPI_STATUS, GLPI_STEPS } from './glpi-values';
import { column, preset, valueMap } from './preset-kit';

/** GLPI network devices: the network equipment list's CSV export. The equipment type decides the CI type. */
export const GLPI_NETWORK_EQUIPMENT = preset({
  id: 'glpi-network-equipment',
  label: 'GLPI network devices',
  product: 'GLPI 9.5 and 10 (network device list export)',
  description:
    'Network devices with type (switch, router, firewall, …), status, manufacturer, model, firmware, serial, inventory number, location path and IP.',
  kind: 'cis',
  mode: 'cis',
  naturalKey: 'name',
  ciType: null,
  relationshipType: null,
  columns: [
    ...GLPI_COMMON,
    column(['Type', 'Network equipment type', 'Networking equipment type'], 'type', { valueMap: 'type', required: true }),
    column(['Firmware'], 'attributes.firmware'),
  ],
  valueMaps: {
    status: GLPI_STATUS,
    type: valueMap('CI type', ['switch', 'router', 'firewall', 'access_point', 'load_balancer'], {}, [
      ['switch', 'switch'],
      ['router', 'router'],
      ['firewall', 'firewall'],
      ['access point', 'access_point'],
      ['wifi', 'access_point'],
      ['wireless', 'access_point'],
      ['load balancer', 'load_balancer'],
    ]),
  },
  steps: GLPI_STEPS,
});
