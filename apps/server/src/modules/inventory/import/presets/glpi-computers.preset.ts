import { GLPI_COMMON, GLPI_STATUS, GLPI_STEPS } from './glpi-values';
import { column, preset, valueMap } from './preset-kit';

/** GLPI computers: the computer list's CSV export. The computer type decides server, VM or end-user device. */
export const GLPI_COMPUTERS = preset({
  id: 'glpi-computers',
  label: 'GLPI computers',
  product: 'GLPI 9.5 and 10 (computer list export)',
  description:
    'Computers with type (server, VM or workstation), status, manufacturer, model, serial, inventory number, location path, operating system and IP.',
  kind: 'cis',
  mode: 'cis',
  naturalKey: 'name',
  ciType: null,
  relationshipType: null,
  columns: [
    ...GLPI_COMMON,
    column(['Type', 'Computer type'], 'type', { valueMap: 'type' }),
    column(['Operating system - Name', 'Operating System - Name', 'Operating system'], 'os'),
  ],
  valueMaps: {
    status: GLPI_STATUS,
    type: valueMap('CI type', ['physical_server', 'virtual_machine', 'end_user_device'], { '': 'end_user_device' }, [
      ['virtual', 'virtual_machine'],
      ['vm', 'virtual_machine'],
      ['server', 'physical_server'],
      ['laptop', 'end_user_device'],
      ['notebook', 'end_user_device'],
      ['desktop', 'end_user_device'],
      ['workstation', 'end_user_device'],
      ['tower', 'end_user_device'],
      ['mini', 'end_user_device'],
      ['all-in-one', 'end_user_device'],
    ]),
  },
  steps: GLPI_STEPS,
});
