import type { CiTypeInfo } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { enumLabel, formatValue } from './ci-labels';
import { historyFieldLabel, historyValue, listChangeText, readableChange } from './history-format';

const server = {
  id: 'physical_server',
  attributes: {
    type: 'object',
    properties: {
      cpuCores: { type: 'integer' },
      architecture: { type: 'string', enum: ['x86_64', 'arm64'] },
      bootedAt: { type: 'string', format: 'date-time' },
      services: { type: 'array', items: { type: 'string' } },
      disks: { type: 'array', items: { type: 'object', properties: { device: {}, sizeGb: {} } } },
      memoryGb: { type: 'number' },
    },
  },
  customFields: [{ key: 'rackRow', label: 'Rack row', kind: 'text', required: false }],
} as unknown as CiTypeInfo;

describe('history for people', () => {
  it('labels fields from the type schema, not by their keys', () => {
    expect(historyFieldLabel('attributes.cpuCores', server)).toBe('CPU cores');
    expect(historyFieldLabel('customFields.rackRow', server)).toBe('Rack row');
    expect(historyFieldLabel('serial', server)).toBe('Serial number');
    expect(historyFieldLabel('attributes.unknownThing', server)).toBe('Unknown thing');
    // The size's unit is on its values, not also on its label.
    expect(historyFieldLabel('attributes.memoryGb', server)).toBe('Memory');
    expect(historyValue('attributes.memoryGb', 23.54, server)).toBe('23.54 GB');
  });

  it('formats values: option labels, dates, sizes, booleans; values are not labels', () => {
    expect(historyValue('status', 'in_stock', server)).toBe('In stock');
    expect(historyValue('type', 'virtual_machine', server)).toBe('Virtual machine');
    expect(historyValue('attributes.architecture', 'x86_64', server)).toBe('x86_64');
    expect(historyValue('attributes.memoryGb', 64, server)).toBe('64 GB');
    expect(historyValue('attributes.bootedAt', '2026-12-04T01:00:00.000Z', server)).not.toContain('T01:00');
    expect(historyValue('attributes.x', true, server)).toBe('Yes');
    expect(historyValue('attributes.x', null, server)).toBe('—');
    expect(enumLabel('x86_64')).toBe('x86_64');
    expect(enumLabel('business_hours')).toBe('Business hours');
  });

  it('summarises structured values without JSON', () => {
    const disks = [
      { device: '/dev/sda', sizeGb: 480 },
      { device: '/dev/sdb', sizeGb: 960 },
    ];
    expect(historyValue('attributes.disks', disks, server)).toBe('/dev/sda, /dev/sdb');
    expect(formatValue({ device: '/dev/sda', sizeGb: 480, rotational: false })).toBe('Device: /dev/sda, Size GB: 480, Rotational: No');
    const many = Array.from({ length: 8 }, (_, i) => `svc${i}`);
    expect(historyValue('attributes.services', many, server)).toBe('svc0, svc1, svc2, svc3, svc4 and 3 more');
  });

  it('reads a list change as what was added, removed and changed', () => {
    const services = readableChange({ field: 'attributes.services', from: ['cron', 'apache2'], to: ['cron', 'nginx'] }, server);
    expect(services).toMatchObject({ label: 'Services', kind: 'list', added: ['nginx'], removed: ['apache2'] });
    const disks = readableChange(
      {
        field: 'attributes.disks',
        from: [{ device: '/dev/sda', sizeGb: 480 }],
        to: [
          { device: '/dev/sda', sizeGb: 500 },
          { device: '/dev/sdb', sizeGb: 960 },
        ],
      },
      server,
    );
    expect(disks.kind === 'list' && listChangeText(disks)).toBe('added /dev/sdb; changed /dev/sda');
    expect(readableChange({ field: 'status', from: 'planned', to: 'deployed' }, server)).toMatchObject({
      label: 'Status',
      from: 'Planned',
      to: 'Deployed',
    });
    expect(readableChange({ field: 'attributes.services', from: null, to: ['cron'] }, server)).toMatchObject({ from: '—', to: 'cron' });
  });
});
