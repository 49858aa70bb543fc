/**
 * Every built-in CI type: id, label and category. The attribute schemas live in ci-types.ts; relationship rules
 * refer to types by these ids and categories.
 */
export const CI_TYPE_IDS = [
  ['physical_server', 'Physical server', 'compute'],
  ['virtual_machine', 'Virtual machine', 'compute'],
  ['container', 'Container', 'compute'],
  ['router', 'Router', 'network'],
  ['switch', 'Switch', 'network'],
  ['firewall', 'Firewall', 'network'],
  ['access_point', 'Access point', 'network'],
  ['load_balancer', 'Load balancer', 'network'],
  ['network_device', 'Network device', 'network'],
  ['storage_array', 'Storage array', 'storage'],
  ['storage_volume', 'Storage volume', 'storage'],
  ['file_share', 'File share', 'storage'],
  ['ups', 'UPS', 'facility'],
  ['generator', 'Generator', 'facility'],
  ['pdu', 'PDU', 'facility'],
  ['cooling_unit', 'Cooling unit (CRAH)', 'facility'],
  ['end_user_device', 'End-user device', 'end_user'],
  ['printer', 'Printer', 'end_user'],
  ['application', 'Application', 'software'],
  ['database', 'Database', 'software'],
  ['business_service', 'Business service', 'service'],
  ['technical_service', 'Technical service', 'service'],
  ['cloud_resource', 'Cloud resource', 'cloud'],
  ['site', 'Site', 'location'],
  ['room', 'Room', 'location'],
  ['rack', 'Rack', 'location'],
  ['software_product', 'Software product', 'software'],
  ['licence', 'Licence', 'commercial'],
  ['contract', 'Contract', 'commercial'],
  ['vendor', 'Vendor', 'commercial'],
  ['team', 'Team', 'organisation'],
  ['person', 'Person', 'organisation'],
] as const;

export type CiTypeId = (typeof CI_TYPE_IDS)[number][0];
export type CiCategory = (typeof CI_TYPE_IDS)[number][2];

/** The category of a type id, or undefined for an unknown type. */
export function categoryOf(type: string): CiCategory | undefined {
  return CI_TYPE_IDS.find(([id]) => id === type)?.[2];
}

/** Type ids of the given categories. */
export function typesIn(...categories: CiCategory[]): CiTypeId[] {
  return CI_TYPE_IDS.filter(([, , c]) => categories.includes(c)).map(([id]) => id);
}
