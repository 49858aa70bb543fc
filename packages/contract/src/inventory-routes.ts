import Type from 'typebox';
import { Empty, IdParams, Page, PageQuery } from './common';
import {
  Ci,
  CiHistoryEntry,
  CiHistoryQuery,
  CiListQuery,
  CiTypeInfo,
  CreateCiRequest,
  CreateRelationshipRequest,
  ImpactQuery,
  ImpactResult,
  Relationship,
  RelationshipListQuery,
  UpdateCiRequest,
} from './inventory';
import { CiDiff, CiDiffQuery, CiReadQuery } from './inventory-history';
import { CreateImportRequest, ImportAccepted, ImportPreset, ImportRun, ImportSummary } from './inventory-import';
import {
  ExpiringItem,
  ExpiringQuery,
  LicenceUsage,
  LicenceUsageQuery,
  RefreshPlan,
  RefreshPlanQuery,
  RelationshipTypeList,
} from './inventory-lifecycle';
import {
  BulkDeleteRequest,
  BulkResult,
  BulkUpdateRequest,
  CiExportQuery,
  CreateSavedViewRequest,
  SavedView,
  SavedViewListQuery,
} from './inventory-views';
import { route } from './route';

/**
 * The CI inventory: types, CIs with their history, bulk changes, relationships, impact, saved views, lifecycle
 * reports and file imports. The export answers CSV or a JSON array as a download, so it declares no response.
 */
export const InventoryRoutes = {
  listCiTypes: route('GET', '/api/v1/ci-types', { response: Type.Array(CiTypeInfo) }),
  listCis: route('GET', '/api/v1/cis', { query: CiListQuery, response: Page(Ci) }),
  exportCis: route('GET', '/api/v1/cis/export', { query: CiExportQuery }),
  createCi: route('POST', '/api/v1/cis', { body: CreateCiRequest, status: 201, response: Ci }),
  getCi: route('GET', '/api/v1/cis/{id}', { params: IdParams, query: CiReadQuery, response: Ci }),
  updateCi: route('PATCH', '/api/v1/cis/{id}', { params: IdParams, body: UpdateCiRequest, response: Ci }),
  deleteCi: route('DELETE', '/api/v1/cis/{id}', { params: IdParams, status: 204, response: Empty }),
  bulkUpdateCis: route('POST', '/api/v1/cis/bulk-update', { body: BulkUpdateRequest, response: BulkResult }),
  bulkDeleteCis: route('POST', '/api/v1/cis/bulk-delete', { body: BulkDeleteRequest, response: BulkResult }),
  listCiHistory: route('GET', '/api/v1/cis/{id}/history', { params: IdParams, query: CiHistoryQuery, response: Page(CiHistoryEntry) }),
  diffCi: route('GET', '/api/v1/cis/{id}/diff', { params: IdParams, query: CiDiffQuery, response: CiDiff }),
  getImpact: route('GET', '/api/v1/cis/{id}/impact', { params: IdParams, query: ImpactQuery, response: ImpactResult }),

  listRelationshipTypes: route('GET', '/api/v1/relationship-types', { response: RelationshipTypeList }),
  listRelationships: route('GET', '/api/v1/relationships', { query: RelationshipListQuery, response: Page(Relationship) }),
  createRelationship: route('POST', '/api/v1/relationships', { body: CreateRelationshipRequest, status: 201, response: Relationship }),
  deleteRelationship: route('DELETE', '/api/v1/relationships/{id}', { params: IdParams, status: 204, response: Empty }),

  listSavedViews: route('GET', '/api/v1/saved-views', { query: SavedViewListQuery, response: Page(SavedView) }),
  createSavedView: route('POST', '/api/v1/saved-views', { body: CreateSavedViewRequest, status: 201, response: SavedView }),
  deleteSavedView: route('DELETE', '/api/v1/saved-views/{id}', { params: IdParams, status: 204, response: Empty }),

  listExpiring: route('GET', '/api/v1/lifecycle/expiring', { query: ExpiringQuery, response: Page(ExpiringItem) }),
  listLicenceUsage: route('GET', '/api/v1/lifecycle/licences', { query: LicenceUsageQuery, response: Page(LicenceUsage) }),
  getRefreshPlan: route('GET', '/api/v1/lifecycle/refresh-plan', { query: RefreshPlanQuery, response: RefreshPlan }),

  createImport: route('POST', '/api/v1/imports', { body: CreateImportRequest, status: 202, response: ImportAccepted }),
  getImport: route('GET', '/api/v1/imports/{id}', { params: IdParams, response: ImportRun }),
  listImports: route('GET', '/api/v1/imports', { query: PageQuery, response: Page(ImportSummary) }),
  listImportPresets: route('GET', '/api/v1/import-presets', { response: Type.Array(ImportPreset) }),
} as const;
