import type { CiTypeInfo, ImportPreset } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import {
  autoMapping,
  countCsvRows,
  csvDelimiter,
  matchPresetColumns,
  parseCsvHeader,
  RELATIONSHIP_TARGETS,
  readSource,
  suggestPreset,
  targetFields,
} from './import-source';

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

  it('reads the header of a semicolon-separated export as GLPI writes it', () => {
    const glpi = '"Name";"Status";"Serial number";"Location"\r\n"PC-1";"In use";"X";"Paris > A"\r\n';
    expect(csvDelimiter(glpi)).toBe(';');
    expect(csvDelimiter('a;b,c\n')).toBe(',');
    expect(readSource('computers.csv', glpi)).toEqual({
      format: 'csv',
      columns: ['Name', 'Status', 'Serial number', 'Location'],
      rowCount: 1,
    });
  });

  it('matches a preset to the file by its header names and suggests the one an export fits', () => {
    const column = (headers: string[], field: string, required = false) => ({ headers, field, transforms: [], required });
    const preset = (id: string, columns: ReturnType<typeof column>[]) => ({ id, label: id, columns }) as unknown as ImportPreset;
    const devices = preset('netbox-devices', [
      column(['Name', 'name'], 'name', true),
      column(['Role', 'device_role'], 'type', true),
      column(['Site', 'site'], 'location.site'),
      column(['Rack', 'rack_name'], 'location.rack'),
      column(['Serial number', 'serial'], 'serial'),
    ]);
    const sites = preset('netbox-sites', [column(['Name'], 'name', true), column(['Time zone'], 'attributes.timezone')]);
    const header = ['name', 'device_role', 'site', 'rack_name', 'serial', 'comments'];
    expect(matchPresetColumns(devices, header).map((m) => m.column)).toEqual(['name', 'device_role', 'site', 'rack_name', 'serial']);
    expect(suggestPreset([sites, devices], header)?.id).toBe('netbox-devices');
    expect(suggestPreset([sites, devices], ['Name', 'Serial', 'Owner'])).toBeNull();
  });
});
