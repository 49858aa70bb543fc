import {
  type BulkDeleteRequest,
  type BulkResult,
  type BulkUpdateRequest,
  type Ci,
  type CiDiff,
  type CiHistoryEntry,
  type CiListQuery,
  type CiTypeInfo,
  type CreateCiRequest,
  type CreateRelationshipRequest,
  type CreateSavedViewRequest,
  type ExpiringItem,
  type ExpiringQuery,
  type ImpactQuery,
  type ImpactResult,
  type LicenceUsage,
  type LicenceUsageQuery,
  pathOf,
  type RefreshPlan,
  type RefreshPlanQuery,
  type Relationship,
  type RelationshipListQuery,
  type RelationshipTypeInfo,
  InventoryRoutes as routes,
  type SavedView,
  type UpdateCiRequest,
} from '@estate/contract';
import type { PageOf } from './page';
import { queryString, type Transport } from './transport';

/** A CI with the entity tag of the version read, to send back as `If-Match` when updating or deleting. */
export interface VersionedCi {
  /** The CI as the server holds it. */
  ci: Ci;
  /** The `ETag` of this version, or null if the server sent none. */
  etag: string | null;
}

/**
 * Filters of the CI list and export. Besides the contract's named filters, `attr.<key>` and `cf.<key>` filter on a
 * type attribute or a custom field by exact value.
 */
export type CiFilters = Omit<CiListQuery, 'limit' | 'cursor'> & { [filter: `attr.${string}` | `cf.${string}`]: string | undefined };

/** The CI inventory: types, CIs, history, relationships, impact, saved views and lifecycle reports. */
export interface InventoryMethods {
  /** `GET /ci-types`: every CI type with its attribute JSON Schema and custom fields. */
  listCiTypes(): Promise<CiTypeInfo[]>;
  /** `GET /cis`: one page of CIs matching the filters. */
  listCis(query?: CiFilters & { limit?: number; cursor?: string }): Promise<PageOf<Ci>>;
  /** The URL of `GET /cis/export` for the filters, for a download link (cookie auth, same origin). */
  ciExportUrl(format: 'csv' | 'json', filters?: CiFilters): string;
  /** `POST /cis`: creates a CI and answers it with its ETag. */
  createCi(request: CreateCiRequest): Promise<VersionedCi>;
  /** `GET /cis/{id}`: one CI and its ETag; with `asOf` (epoch ms) its state at that time. */
  getCi(id: string, asOf?: number): Promise<VersionedCi>;
  /**
   * `PATCH /cis/{id}` with `If-Match: etag`: merges the change and answers the new version. Rejects with problem
   * type `precondition-failed` (412) when someone else changed the CI since `etag` was read.
   */
  updateCi(id: string, patch: UpdateCiRequest, etag: string): Promise<VersionedCi>;
  /** `DELETE /cis/{id}` with `If-Match: etag`. */
  deleteCi(id: string, etag: string): Promise<void>;
  /**
   * `POST /cis/bulk-update`: applies one patch to the listed (or filtered) CIs in one transaction; `confirm` must be
   * their count, otherwise the server answers 409 with the real count and changes nothing.
   */
  bulkUpdateCis(request: BulkUpdateRequest): Promise<BulkResult>;
  /** `POST /cis/bulk-delete`: deletes the listed (or filtered) CIs; `confirm` must be their count (409 otherwise). */
  bulkDeleteCis(request: BulkDeleteRequest): Promise<BulkResult>;
  /** `GET /cis/{id}/history`: the CI's changes, newest first. */
  listCiHistory(id: string, query?: { limit?: number; cursor?: string }): Promise<PageOf<CiHistoryEntry>>;
  /** `GET /cis/{id}/diff`: field-level differences between two times (epoch ms); `to` defaults to now. */
  diffCi(id: string, from: number, to?: number): Promise<CiDiff>;
  /** `GET /relationship-types`: every relationship type with its name and inverse name. */
  listRelationshipTypes(): Promise<RelationshipTypeInfo[]>;
  /** `GET /relationships`: one page of relationships, of one CI (either end) and/or one type. */
  listRelationships(query?: RelationshipListQuery): Promise<PageOf<Relationship>>;
  /** `POST /relationships`: relates two CIs. */
  createRelationship(request: CreateRelationshipRequest): Promise<Relationship>;
  /** `DELETE /relationships/{id}`. */
  deleteRelationship(id: string): Promise<void>;
  /** `GET /cis/{id}/impact`: the graph around a CI and the business services that depend on it. */
  getImpact(id: string, query?: ImpactQuery): Promise<ImpactResult>;
  /** `GET /saved-views`: the caller's saved CI views, up to 500. */
  listSavedViews(): Promise<SavedView[]>;
  /** `POST /saved-views`: stores a view for the caller. */
  createSavedView(request: CreateSavedViewRequest): Promise<SavedView>;
  /** `DELETE /saved-views/{id}`. */
  deleteSavedView(id: string): Promise<void>;
  /** `GET /lifecycle/expiring`: warranties, end of life, contracts and licences ending within `within` days. */
  listExpiring(query?: ExpiringQuery): Promise<PageOf<ExpiringItem>>;
  /** `GET /lifecycle/licences`: each licence's seats against its use. */
  listLicenceUsage(query?: LicenceUsageQuery): Promise<PageOf<LicenceUsage>>;
  /** `GET /lifecycle/refresh-plan`: hardware to replace before the horizon's end, with totals per quarter. */
  getRefreshPlan(query?: RefreshPlanQuery): Promise<RefreshPlan>;
}

/** Builds the inventory methods over a transport; `baseUrl` makes the export links absolute. */
export function createInventoryMethods(transport: Transport, baseUrl = ''): InventoryMethods {
  const base = baseUrl.replace(/\/+$/, '');
  const versioned = (answer: { body: Ci; headers: Headers }): VersionedCi => ({ ci: answer.body, etag: answer.headers.get('etag') });
  return {
    async listCiTypes() {
      return (await transport.call(routes.listCiTypes)).body;
    },
    async listCis(query = {}) {
      return (await transport.call(routes.listCis, { query })).body;
    },
    ciExportUrl(format, filters = {}) {
      return `${base}${pathOf(routes.exportCis)}${queryString({ ...filters, format })}`;
    },
    async createCi(request) {
      return versioned(await transport.call(routes.createCi, { body: request }));
    },
    async getCi(id, asOf) {
      return versioned(await transport.call(routes.getCi, { params: { id }, query: { asOf } }));
    },
    async updateCi(id, patch, etag) {
      return versioned(await transport.call(routes.updateCi, { params: { id }, body: patch, headers: { 'if-match': etag } }));
    },
    async deleteCi(id, etag) {
      await transport.call(routes.deleteCi, { params: { id }, headers: { 'if-match': etag } });
    },
    async bulkUpdateCis(request) {
      return (await transport.call(routes.bulkUpdateCis, { body: request })).body;
    },
    async bulkDeleteCis(request) {
      return (await transport.call(routes.bulkDeleteCis, { body: request })).body;
    },
    async listCiHistory(id, query = {}) {
      return (await transport.call(routes.listCiHistory, { params: { id }, query })).body;
    },
    async diffCi(id, from, to) {
      return (await transport.call(routes.diffCi, { params: { id }, query: { from, to } })).body;
    },
    async listRelationshipTypes() {
      return (await transport.call(routes.listRelationshipTypes)).body.items;
    },
    async listRelationships(query = {}) {
      return (await transport.call(routes.listRelationships, { query })).body;
    },
    async createRelationship(request) {
      return (await transport.call(routes.createRelationship, { body: request })).body;
    },
    async deleteRelationship(id) {
      await transport.call(routes.deleteRelationship, { params: { id } });
    },
    async getImpact(id, query = {}) {
      return (await transport.call(routes.getImpact, { params: { id }, query })).body;
    },
    async listSavedViews() {
      return (await transport.call(routes.listSavedViews, { query: { limit: 500 } })).body.items;
    },
    async createSavedView(request) {
      return (await transport.call(routes.createSavedView, { body: request })).body;
    },
    async deleteSavedView(id) {
      await transport.call(routes.deleteSavedView, { params: { id } });
    },
    async listExpiring(query = {}) {
      return (await transport.call(routes.listExpiring, { query })).body;
    },
    async listLicenceUsage(query = {}) {
      return (await transport.call(routes.listLicenceUsage, { query })).body;
    },
    async getRefreshPlan(query = {}) {
      return (await transport.call(routes.getRefreshPlan, { query })).body;
    },
  };
}
