import { Empty, IdParams, Page } from './common';
import { route } from './route';
import {
  ActiveMaintenanceList,
  ActiveMaintenanceQuery,
  AlertRouting,
  AlertRoutingTestAnswer,
  AlertRoutingVersion,
  AlertRoutingVersionQuery,
  CreateMaintenanceWindowRequest,
  CreateSilenceRequest,
  MaintenanceOccurrenceList,
  MaintenanceWindow,
  MaintenanceWindowListQuery,
  OccurrenceQuery,
  PutAlertRoutingRequest,
  Silence,
  SilenceListQuery,
  TestAlertRoutingRequest,
  UpdateMaintenanceWindowRequest,
  UpdateSilenceRequest,
} from './suppression';

/** Suppression: silences, maintenance windows, the routing configuration. */
export const SuppressionRoutes = {
  listSilences: route('GET', '/api/v1/silences', { query: SilenceListQuery, response: Page(Silence) }),
  createSilence: route('POST', '/api/v1/silences', { body: CreateSilenceRequest, status: 201, response: Silence }),
  getSilence: route('GET', '/api/v1/silences/{id}', { params: IdParams, response: Silence }),
  updateSilence: route('PATCH', '/api/v1/silences/{id}', { params: IdParams, body: UpdateSilenceRequest, response: Silence }),
  expireSilence: route('DELETE', '/api/v1/silences/{id}', { params: IdParams, response: Silence }),
  listMaintenanceWindows: route('GET', '/api/v1/maintenance-windows', {
    query: MaintenanceWindowListQuery,
    response: Page(MaintenanceWindow),
  }),
  maintenanceOccurrences: route('GET', '/api/v1/maintenance-windows/occurrences', {
    query: OccurrenceQuery,
    response: MaintenanceOccurrenceList,
  }),
  activeMaintenance: route('GET', '/api/v1/maintenance-windows/active', { query: ActiveMaintenanceQuery, response: ActiveMaintenanceList }),
  createMaintenanceWindow: route('POST', '/api/v1/maintenance-windows', {
    body: CreateMaintenanceWindowRequest,
    status: 201,
    response: MaintenanceWindow,
  }),
  getMaintenanceWindow: route('GET', '/api/v1/maintenance-windows/{id}', { params: IdParams, response: MaintenanceWindow }),
  updateMaintenanceWindow: route('PATCH', '/api/v1/maintenance-windows/{id}', {
    params: IdParams,
    body: UpdateMaintenanceWindowRequest,
    response: MaintenanceWindow,
  }),
  deleteMaintenanceWindow: route('DELETE', '/api/v1/maintenance-windows/{id}', { params: IdParams, status: 204, response: Empty }),
  getAlertRouting: route('GET', '/api/v1/alert-routing', { response: AlertRouting }),
  putAlertRouting: route('PUT', '/api/v1/alert-routing', { body: PutAlertRoutingRequest, response: AlertRouting }),
  previewAlertRouting: route('POST', '/api/v1/alert-routing/preview', { body: PutAlertRoutingRequest, response: AlertRouting }),
  testAlertRouting: route('POST', '/api/v1/alert-routing/test', { body: TestAlertRoutingRequest, response: AlertRoutingTestAnswer }),
  listAlertRoutingVersions: route('GET', '/api/v1/alert-routing/versions', {
    query: AlertRoutingVersionQuery,
    response: Page(AlertRoutingVersion),
  }),
} as const;
