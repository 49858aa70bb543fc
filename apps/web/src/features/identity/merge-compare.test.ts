import type { Ci } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { compareCis } from './merge-compare';

const ci = (over: Partial<Ci>): Ci => ({
  id: '0190a000-0000-7000-8000-000000000001',
  type: 'physical_server',
  name: 'db-01',
  status: 'deployed',
  environment: null,
  criticality: null,
  ownerTeamId: null,
  locationId: null,
  serial: null,
  assetTag: null,
  manufacturer: null,
  model: null,
  purchaseDate: null,
  warrantyEnd: null,
  endOfLife: null,
  monthlyCost: null,
  tags: [],
  attributes: {},
  customFields: {},
  provenance: {},
  firstSeen: null,
  lastSeen: null,
  createdAt: 0,
  updatedAt: 0,
  version: 1,
  ...over,
});

describe('compareCis', () => {
  it('marks differing values, fillable gaps, and leaves out fields empty on both', () => {
    const rows = compareCis(
      ci({ serial: 'SN-1', manufacturer: 'Dell Inc.', attributes: { cpuCores: 8, ipAddresses: ['10.0.0.1'] } }),
      ci({ serial: 'SN-2', assetTag: 'AT-9', attributes: { cpuCores: 8, ipAddresses: ['10.0.0.2'] }, tags: ['legacy'] }),
    );
    const by = Object.fromEntries(rows.map((r) => [r.field, r]));
    expect(by.serial).toMatchObject({ differs: true, fillable: false });
    expect(by.manufacturer).toMatchObject({ left: 'Dell Inc.', right: null, differs: false, fillable: true });
    expect(by.assetTag).toMatchObject({ fillable: true });
    expect(by['attributes.cpuCores']).toMatchObject({ differs: false, fillable: false });
    expect(by['attributes.ipAddresses']?.differs).toBe(true);
    expect(by.tags).toMatchObject({ left: null, right: ['legacy'] });
    expect(by.model).toBeUndefined();
    expect(rows.map((r) => r.field)).toEqual([
      'name',
      'type',
      'status',
      'serial',
      'assetTag',
      'manufacturer',
      'tags',
      'attributes.cpuCores',
      'attributes.ipAddresses',
    ]);
  });
});
