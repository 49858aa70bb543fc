import type { CiSoftwareQuery, InstalledSoftware, SoftwareInstallation, SoftwareSearchQuery } from '@estate/contract';
import type { Kysely } from 'kysely';
import { problems } from '../../../platform/http/problem';
import type { DiscoveryTables } from '../discovery.tables';
import type { IdentityDeps } from './identity-deps';
import { SoftwareRepository } from './software.repository';

/** Installed software as discovery recorded it: per CI, and across CIs ("where is this openssl installed?"). */
export interface SoftwareService {
  /** One CI's packages by name, keyset paged; 404 for an unknown CI. */
  ofCi(ciId: string, query: CiSoftwareQuery): Promise<{ items: InstalledSoftware[]; nextCursor: string | null }>;
  /** The CIs with package `name` installed (exact name, optionally one version), by version then CI name. */
  installations(query: SoftwareSearchQuery): Promise<{ items: SoftwareInstallation[]; nextCursor: string | null }>;
}

/** Builds the software service (reads only). */
export function createSoftwareService(deps: Pick<IdentityDeps, 'db'>): SoftwareService {
  const db = deps.db as unknown as Kysely<DiscoveryTables>;
  const repo = new SoftwareRepository();
  return {
    async ofCi(ciId, query) {
      if (!(await repo.ciExists(db, ciId))) throw problems.notFound('The CI');
      return repo.ofCi(db, ciId, { prefix: query.name, limit: query.limit ?? 100, cursor: query.cursor });
    },
    installations(query) {
      return repo.installations(db, { name: query.name, version: query.version, limit: query.limit ?? 100, cursor: query.cursor });
    },
  };
}
