import { describe, expect, it } from 'vitest';
import { identifiersOf } from './identifiers';

describe('identifier normalisation', () => {
  it('drops firmware placeholders instead of matching every machine that has them', () => {
    const ids = identifiersOf({
      serial: 'To Be Filled By O.E.M.',
      machineId: '00000000-0000-0000-0000-000000000000',
      externalId: ' ',
      macs: ['52:54:00:AB:CD:EF', '52-54-00-ab-cd-ef'],
      hostname: 'Db-01',
      ips: ['10.0.0.5', '127.0.0.1'],
    });
    expect(ids).toEqual([
      { kind: 'mac', value: '52:54:00:ab:cd:ef' },
      { kind: 'hostname', value: 'db-01' },
      { kind: 'ip', value: '10.0.0.5' },
    ]);
    expect(identifiersOf({ serial: ' sn-123 ', machineId: 'ABCD-ef01' })).toEqual([
      { kind: 'serial', value: 'SN-123' },
      { kind: 'machine_id', value: 'abcdef01' },
    ]);
  });
});
