/**
 * Values firmware, SNMP agents and spreadsheets put where a serial number, asset tag or UUID is unknown. They
 * identify nothing, so identity matching, the CI uniqueness keys and the agent's host mapping all drop them — one
 * list, so the three can never disagree about what counts as a real serial.
 */
const PLACEHOLDERS = new Set([
  '',
  '-',
  '0',
  'none',
  'n/a',
  'na',
  'null',
  'unknown',
  'default string',
  'not specified',
  'not applicable',
  'not available',
  'to be filled by o.e.m.',
  'to be filled by oem',
  'system serial number',
  'chassis serial number',
  'serial number',
  'invalid',
  '0123456789',
  '123456789',
]);

/** True when `value` (any case, surrounding space ignored) is a placeholder: a listed text, all zeros/dashes, or all F. */
export function isPlaceholderIdentifier(value: string): boolean {
  const v = value.trim();
  return PLACEHOLDERS.has(v.toLowerCase()) || /^[0\-:. ]+$/.test(v) || /^f+$/i.test(v.replace(/-/g, ''));
}
