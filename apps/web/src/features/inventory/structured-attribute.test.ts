import type { CiTypeInfo } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { isStructured, structureColumns } from './structured-attribute';

const server = {
  attributes: {
    properties: {
      interfaces: { type: 'array', items: { properties: { name: {}, mac: {}, addresses: {}, speedMbps: {} } } },
    },
  },
} as unknown as CiTypeInfo;

describe('structured attributes', () => {
  it('treats lists of records and records as structures, scalars and lists of scalars not', () => {
    expect(isStructured([{ name: 'eth0' }])).toBe(true);
    expect(isStructured({ vendor: 'x' })).toBe(true);
    expect(isStructured(['10.0.0.1', '10.0.0.2'])).toBe(false);
    expect(isStructured([])).toBe(false);
    expect(isStructured('eth0')).toBe(false);
    expect(isStructured(null)).toBe(false);
  });

  it("orders columns as the type's schema declares them, leaves out unused ones and appends unknown keys", () => {
    const rows = [
      { addresses: [], name: 'eth0', extra: 1 },
      { name: 'eth1', mac: '52:54:00:00:00:01' },
    ];
    expect(structureColumns(rows, server, 'interfaces')).toEqual(['name', 'mac', 'addresses', 'extra']);
    expect(structureColumns(rows, undefined, 'interfaces')).toEqual(['addresses', 'name', 'extra', 'mac']);
  });
});
