import {
  type CiInterface,
  type CiInterfaceQuery,
  type CiSoftwareQuery,
  type InstalledSoftware,
  type MergeResult,
  type MergeSuggestion,
  type MergeSuggestionListQuery,
  type ObservedFact,
  type ObservedFactQuery,
  DiscoveryIdentityRoutes as routes,
  type SoftwareInstallation,
  type SoftwareSearchQuery,
  type TerraformImportListQuery,
  type TerraformImportRequest,
  type TerraformImportResult,
  type TerraformImportSummary,
} from '@estate/contract';
import type { PageOf } from './page';
import type { Transport } from './transport';

/** One identity per thing: merge suggestions, installed software and Terraform state imports. */
export interface DiscoveryIdentityMethods {
  /** `GET /discovery/merge-suggestions`: one page, newest first, optionally of one status. */
  listMergeSuggestions(query?: MergeSuggestionListQuery): Promise<PageOf<MergeSuggestion>>;
  /** `POST /discovery/merge-suggestions/{id}/merge`: merges the pair into `keepCiId`; the other CI is deleted. */
  mergeSuggestion(id: string, keepCiId: string): Promise<MergeResult>;
  /** `POST /discovery/merge-suggestions/{id}/dismiss`: the two CIs are different things. */
  dismissMergeSuggestion(id: string): Promise<MergeSuggestion>;
  /** `GET /cis/{id}/software`: one page of a CI's installed packages by name. */
  listCiSoftware(ciId: string, query?: CiSoftwareQuery): Promise<PageOf<InstalledSoftware>>;
  /** `GET /cis/{id}/interfaces`: one page of a CI's network interfaces, by source and name. */
  listCiInterfaces(ciId: string, query?: CiInterfaceQuery): Promise<PageOf<CiInterface>>;
  /** `GET /cis/{id}/observed-facts`: one page of what observers saw of a CI that is not one of its fields. */
  listObservedFacts(ciId: string, query?: ObservedFactQuery): Promise<PageOf<ObservedFact>>;
  /** `GET /software`: one page of the CIs that have a package, by version. */
  findSoftware(query: SoftwareSearchQuery): Promise<PageOf<SoftwareInstallation>>;
  /** `POST /discovery/terraform-imports`: imports a state file's text (a dry run with `dryRun: true` writes nothing). */
  importTerraformState(request: TerraformImportRequest): Promise<TerraformImportResult>;
  /** `GET /discovery/terraform-imports`: one page of recorded imports, newest first. */
  listTerraformImports(query?: TerraformImportListQuery): Promise<PageOf<TerraformImportSummary>>;
}

/** Builds the identity methods over a transport. */
export function createDiscoveryIdentityMethods(transport: Transport): DiscoveryIdentityMethods {
  return {
    async listMergeSuggestions(query = {}) {
      return (await transport.call(routes.listMergeSuggestions, { query })).body;
    },
    async mergeSuggestion(id, keepCiId) {
      return (await transport.call(routes.mergeSuggestion, { params: { id }, body: { keepCiId } })).body;
    },
    async dismissMergeSuggestion(id) {
      return (await transport.call(routes.dismissMergeSuggestion, { params: { id } })).body;
    },
    async listCiSoftware(ciId, query = {}) {
      return (await transport.call(routes.listCiSoftware, { params: { id: ciId }, query })).body;
    },
    async listCiInterfaces(ciId, query = {}) {
      return (await transport.call(routes.listCiInterfaces, { params: { id: ciId }, query })).body;
    },
    async listObservedFacts(ciId, query = {}) {
      return (await transport.call(routes.listObservedFacts, { params: { id: ciId }, query })).body;
    },
    async findSoftware(query) {
      return (await transport.call(routes.findSoftware, { query })).body;
    },
    async importTerraformState(request) {
      return (await transport.call(routes.importTerraformState, { body: request })).body;
    },
    async listTerraformImports(query = {}) {
      return (await transport.call(routes.listTerraformImports, { query })).body;
    },
  };
}
