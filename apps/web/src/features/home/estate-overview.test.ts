import { describe, expect, it } from 'vitest';
import type { InstantVector } from '../metrics/prometheus-http';
import { buildOverview, type OverviewVectors, sortHosts } from './estate-overview';

const at = 1_700_000_000;
const sample = (labels: Record<string, string>, value: string): InstantVector[number] => ({ metric: labels, value: [at, value] });
const web = { agent_id: 'a1', ci_id: 'ci-web', instance: 'web-01', job: 'estate-agent' };
const db = { agent_id: 'a2', ci_id: 'ci-db', instance: 'db-01', job: 'estate-agent' };
const loose = { agent_id: 'a3', instance: 'laptop', job: 'estate-agent' };

const vectors: OverviewVectors = {
  cpu: [sample(web, '0.25'), sample(db, '0.9'), sample(loose, 'NaN')],
  memory: [sample(web, '0.5'), sample(db, '0.75')],
  filesystems: [
    sample({ ...web, mountpoint: '/' }, '0.4'),
    sample({ ...web, mountpoint: '/var' }, '0.95'),
    sample({ ...db, mountpoint: '/' }, '0.6'),
    sample({ ...db, mountpoint: '/data' }, '0.95'),
  ],
  filesystemSizes: [sample({ ...web, mountpoint: '/var' }, '1073741824'), sample({ ...db, mountpoint: '/' }, '2147483648')],
};

describe('buildOverview', () => {
  it('makes one row per host with its CPU, memory and fullest filesystem, by name', () => {
    const { hosts } = buildOverview(vectors);
    expect(hosts).toEqual([
      { key: 'a2', ciId: 'ci-db', instance: 'db-01', cpu: 0.9, memory: 0.75, fullestFilesystem: { mountpoint: '/data', ratio: 0.95 } },
      { key: 'a3', ciId: null, instance: 'laptop', cpu: null, memory: null, fullestFilesystem: null },
      { key: 'a1', ciId: 'ci-web', instance: 'web-01', cpu: 0.25, memory: 0.5, fullestFilesystem: { mountpoint: '/var', ratio: 0.95 } },
    ]);
  });

  it('lists the fullest filesystems first, ties by host and mountpoint, with their size when known, up to the limit', () => {
    const { fullestFilesystems } = buildOverview(vectors, 3);
    expect(fullestFilesystems.map((f) => [f.instance, f.mountpoint, f.ratio, f.sizeBytes])).toEqual([
      ['db-01', '/data', 0.95, null],
      ['web-01', '/var', 0.95, 1073741824],
      ['db-01', '/', 0.6, 2147483648],
    ]);
  });

  it('merges an agent’s series from before and after it was linked to its CI into one host and one filesystem each', () => {
    const early = { agent_id: 'a1', instance: 'web-01', job: 'estate-agent' };
    const overview = buildOverview({
      cpu: [sample(web, '0.2'), sample(early, '0.1')],
      filesystems: [sample({ ...web, mountpoint: '/' }, '0.31'), sample({ ...early, mountpoint: '/' }, '0.3')],
      memory: [sample(early, '0.5')],
      filesystemSizes: [sample({ ...web, mountpoint: '/' }, '100')],
    });
    expect(overview.hosts).toEqual([
      { key: 'a1', ciId: 'ci-web', instance: 'web-01', cpu: 0.2, memory: 0.5, fullestFilesystem: { mountpoint: '/', ratio: 0.31 } },
    ]);
    expect(overview.fullestFilesystems).toEqual([
      { hostKey: 'a1', ciId: 'ci-web', instance: 'web-01', mountpoint: '/', ratio: 0.31, sizeBytes: 100 },
    ]);
  });

  it('is empty when nothing reports', () => {
    expect(buildOverview({ cpu: [], memory: [], filesystems: [], filesystemSizes: [] })).toEqual({ hosts: [], fullestFilesystems: [] });
  });
});

describe('sortHosts', () => {
  const { hosts } = buildOverview(vectors);
  const name = (row: (typeof hosts)[number]) => row.instance;

  it('sorts by a usage column with missing values last in both directions', () => {
    expect(sortHosts(hosts, { key: 'cpu', direction: 'desc' }, name).map(name)).toEqual(['db-01', 'web-01', 'laptop']);
    expect(sortHosts(hosts, { key: 'cpu', direction: 'asc' }, name).map(name)).toEqual(['web-01', 'db-01', 'laptop']);
  });

  it('breaks ties by name and sorts by the shown name', () => {
    expect(sortHosts(hosts, { key: 'disk', direction: 'desc' }, name).map(name)).toEqual(['db-01', 'web-01', 'laptop']);
    const shown = (row: (typeof hosts)[number]) => (row.key === 'a1' ? 'alpha' : row.instance);
    expect(sortHosts(hosts, { key: 'name', direction: 'asc' }, shown).map(name)).toEqual(['web-01', 'db-01', 'laptop']);
  });
});
