import type { CiTypeInfo } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import { autoMapping, countCsvRows, parseCsvHeader, RELATIONSHIP_TARGETS, readSource, targetFields } from './import-source';

const server = {
  id: 'physical_server',
  label: 'Physical server',
  category: 'hardware',
  attributes: { type: 'object', properties: { cpuCores: { type: 'integer' }, memoryGb: { type: 'number' } } },
  customFields: [{ key: 'costCentre', label: 'Cost centre', kind: 'text', required: false }],
} as unknown as CiTypeInfo;

describe('reading an import file in the browser', () => {
  it('parses a CSV header with a BOM, quotes, escaped quotes and a line break inside quotes', () => {
    expect(parseCsvHeader('\ufeffName,"Asset, Tag","say ""hi""","two\nlines",last\r\na,b,c,d,e')).toEqual([
      'Name',
      'Asset, Tag',
      'say "hi"',
      'two\nlines',
      'last',
    ]);
    expect(countCsvRows('a,b\r\n1,"x\ny"\r\n\r\n2,z\n')).toBe(2);
  });

  it('takes the keys of every JSON object and refuses what is not an array', () => {
    expect(readSource('x.json', '[{"name":"a"},{"name":"b","serial":"1"}]')).toEqual({
      format: 'json',
      columns: ['name', 'serial'],
      rowCount: 2,
    });
    expect(() => readSource('x.json', '{"name":"a"}')).toThrow(/array of objects/);
    expect(() => readSource('x.json', '[{')).toThrow(/not valid JSON/);
    expect(() => readSource('x.csv', 'name,Name\n1,2')).toThrow(/twice/);
  });

  it('pre-fills the mapping by case-insensitive name, label and attr./cf. prefixes', () => {
    const columns = ['NAME', 'Asset Tag', 'attr.cpuCores', 'memorygb', 'cf.costCentre', 'whatever'];
    expect(autoMapping(columns, targetFields(server))).toEqual({
      NAME: 'name',
      'Asset Tag': 'assetTag',
      'attr.cpuCores': 'attributes.cpuCores',
      memorygb: 'attributes.memoryGb',
      'cf.costCentre': 'customFields.costCentre',
      whatever: '',
    });
  });

  it('maps relationship columns by key or label', () => {
    expect(autoMapping(['Source', 'relationship type', 'TARGET', 'Source item type', 'note'], RELATIONSHIP_TARGETS)).toEqual({
      Source: 'source',
      'relationship type': 'type',
      TARGET: 'target',
      'Source item type': 'sourceType',
      note: '',
    });
  });
});
