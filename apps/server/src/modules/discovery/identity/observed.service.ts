import type { CiInterface, CiInterfaceQuery, ObservedFact, ObservedFactQuery } from '@estate/contract';
import type { Kysely } from 'kysely';
import { problems } from '../../../platform/http/problem';
import type { DiscoveryTables } from '../discovery.tables';
import type { IdentityDeps } from './identity-deps';
import { ObservedRepository } from './observed.repository';
import { SoftwareRepository } from './software.repository';

/** What observers saw of a CI beyond its fields, as discovery recorded it. Reads only. */
export interface ObservedService {
  /** One CI's interfaces from every source, by source and name, keyset paged; 404 for an unknown CI. */
  interfaces(ciId: string, query: CiInterfaceQuery): Promise<{ items: CiInterface[]; nextCursor: string | null }>;
  /** One CI's observed facts by key and source, keyset paged; 404 for an unknown CI. */
  facts(ciId: string, query: ObservedFactQuery): Promise<{ items: ObservedFact[]; nextCursor: string | null }>;
}

/** Builds the observed-details service. */
export function createObservedService(deps: Pick<IdentityDeps, 'db' | 'dialect'>): ObservedService {
  const db = deps.db as unknown as Kysely<DiscoveryTables>;
  const repo = new ObservedRepository(deps.dialect);
  const cis = new SoftwareRepository();
  const known = async (ciId: string) => {
    if (!(await cis.ciExists(db, ciId))) throw problems.notFound('The CI');
  };
  return {
    async interfaces(ciId, query) {
      await known(ciId);
      return repo.listInterfaces(db, ciId, { limit: query.limit ?? 500, cursor: query.cursor });
    },
    async facts(ciId, query) {
      await known(ciId);
      return repo.listFacts(db, ciId, { limit: query.limit ?? 200, cursor: query.cursor });
    },
  };
}
