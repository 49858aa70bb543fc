import type { ImportPreset } from '@estate/contract';
import { GLPI_COMPUTERS } from './glpi-computers.preset';
import { GLPI_NETWORK_EQUIPMENT } from './glpi-network-equipment.preset';
import { NETBOX_CABLES } from './netbox-cables.preset';
import { NETBOX_DEVICES } from './netbox-devices.preset';
import { NETBOX_IP_ADDRESSES } from './netbox-ip-addresses.preset';
import { NETBOX_RACKS } from './netbox-racks.preset';
import { NETBOX_SITES } from './netbox-sites.preset';
import { SNIPEIT_HARDWARE } from './snipeit-hardware.preset';

export { SKIP } from './preset-kit';

/** Every import preset, in the order the UI offers them (NetBox's in the order its objects are imported). */
export const IMPORT_PRESETS: readonly ImportPreset[] = [
  NETBOX_SITES,
  NETBOX_RACKS,
  NETBOX_DEVICES,
  NETBOX_IP_ADDRESSES,
  NETBOX_CABLES,
  SNIPEIT_HARDWARE,
  GLPI_COMPUTERS,
  GLPI_NETWORK_EQUIPMENT,
];

/** The preset `id`, or undefined. */
export function importPreset(id: string): ImportPreset | undefined {
  return IMPORT_PRESETS.find((p) => p.id === id);
}
