import type { CheckTypeRegistry } from '@estate/checks';
import type { CheckSuggestion } from '@estate/contract';
import type { Kysely } from 'kysely';
import { readJson } from '../../../platform/db/database';
import { problems } from '../../../platform/http/problem';
import type { ObservedServicesReader } from '../../discovery';
import type { MonitoringTables } from '../monitoring.tables';
import { suggestChecks } from './check-suggestions';

/** What check suggestions are built from; without `observed` (no discovery wired) nothing is suggested. */
export interface CheckSuggestionDeps {
  db: Kysely<MonitoringTables>;
  registry: CheckTypeRegistry;
  observed?: ObservedServicesReader;
}

/** The checks discovery's findings suggest for a CI, less those its bound checks cover already. */
export class CheckSuggestionService {
  constructor(private readonly deps: CheckSuggestionDeps) {}

  /** 404 for a CI that does not exist. */
  async forCi(ciId: string): Promise<CheckSuggestion[]> {
    const ci = await this.deps.db.selectFrom('cis').select(['id', 'name']).where('id', '=', ciId).executeTakeFirst();
    if (!ci) throw problems.notFound('The configuration item');
    if (!this.deps.observed) return [];
    const [observed, bound] = await Promise.all([
      this.deps.observed(ciId),
      this.deps.db
        .selectFrom('checks')
        .innerJoin('check_cis', 'check_cis.check_id', 'checks.id')
        .select(['checks.type', 'checks.config'])
        .where('check_cis.ci_id', '=', ciId)
        .execute(),
    ]);
    return suggestChecks(
      ci,
      observed,
      bound.map((b) => ({ type: b.type, config: readJson<Record<string, unknown>>(b.config) })),
      new Set(this.deps.registry.types()),
    );
  }
}
