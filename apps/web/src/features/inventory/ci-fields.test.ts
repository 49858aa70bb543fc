import type { CiTypeInfo } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { attributeFields, COMMON_FIELDS, flattenValues, initialValues, missingRequired, nestValues, valueAt } from './ci-fields';

const server = {
  id: 'physical_server',
  attributes: {
    type: 'object',
    properties: { hostname: { type: 'string' }, cpuCores: { type: 'integer' } },
    required: ['hostname'],
  },
  customFields: [],
} as unknown as CiTypeInfo;

describe('CI form values', () => {
  const fields = [...COMMON_FIELDS, ...attributeFields(server)];

  it('nests values by their keys for the form and reads them back by key', () => {
    const flat = { ...initialValues(fields), name: 'srv-01', 'attributes.cpuCores': 8 };
    const nested = nestValues(flat);
    expect(nested.attributes).toEqual({ hostname: '', cpuCores: 8 });
    expect(valueAt(nested, 'attributes.cpuCores')).toBe(8);
    expect(valueAt(nested, 'attributes.missing.deeper')).toBeUndefined();
    expect(flattenValues(fields, nested)).toEqual(flat);
  });

  it('names the required fields left empty, a blank text counting as empty', () => {
    const values = { ...initialValues(fields), name: '  ', 'attributes.cpuCores': 4 };
    expect(missingRequired(fields, values)).toEqual({ name: 'Name is required', 'attributes.hostname': 'Hostname is required' });
    expect(missingRequired(fields, { ...values, name: 'srv-01', 'attributes.hostname': 'srv-01' })).toEqual({});
  });
});
