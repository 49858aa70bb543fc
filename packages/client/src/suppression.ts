import {
  type ActiveMaintenanceList,
  type AlertRouting,
  type AlertRoutingTestAnswer,
  type AlertRoutingVersion,
  type CreateMaintenanceWindowRequest,
  type CreateSilenceRequest,
  type MaintenanceOccurrence,
  type MaintenanceWindow,
  type MaintenanceWindowListQuery,
  SuppressionRoutes as routes,
  type Silence,
  type SilenceListQuery,
  type TestAlertRoutingRequest,
  type UpdateMaintenanceWindowRequest,
  type UpdateSilenceRequest,
} from '@estate/contract';
import type { Versioned } from './discovery-scans';
import type { PageOf } from './page';
import type { ApiResponse, Transport } from './transport';

/** Suppression: silences, maintenance windows and the alert routing configuration. */
export interface SuppressionMethods {
  /** `GET /silences`: newest end first, filtered by state and matcher text. */
  listSilences(query?: SilenceListQuery): Promise<PageOf<Silence>>;
  /** `POST /silences`: matchers as Alertmanager text or objects; a 400 names the matcher it refuses. */
  createSilence(request: CreateSilenceRequest): Promise<Versioned<Silence>>;
  /** `GET /silences/{id}` with its ETag. */
  getSilence(id: string): Promise<Versioned<Silence>>;
  /** `PATCH /silences/{id}` with `If-Match`. */
  updateSilence(id: string, patch: UpdateSilenceRequest, etag: string): Promise<Versioned<Silence>>;
  /** `DELETE /silences/{id}`: expires it now; it stays listed as expired. */
  expireSilence(id: string): Promise<Silence>;
  /** `GET /maintenance-windows`: by name. */
  listMaintenanceWindows(query?: MaintenanceWindowListQuery): Promise<PageOf<MaintenanceWindow>>;
  /** `GET /maintenance-windows/occurrences`: every occurrence in a range of at most 62 days. */
  maintenanceOccurrences(from: number, to: number): Promise<MaintenanceOccurrence[]>;
  /** `GET /maintenance-windows/active`: the windows holding at `at` (now by default). */
  activeMaintenance(at?: number): Promise<ActiveMaintenanceList>;
  createMaintenanceWindow(request: CreateMaintenanceWindowRequest): Promise<Versioned<MaintenanceWindow>>;
  getMaintenanceWindow(id: string): Promise<Versioned<MaintenanceWindow>>;
  /** `PATCH /maintenance-windows/{id}` with `If-Match`. */
  updateMaintenanceWindow(id: string, patch: UpdateMaintenanceWindowRequest, etag: string): Promise<Versioned<MaintenanceWindow>>;
  /** `DELETE /maintenance-windows/{id}` with `If-Match`. */
  deleteMaintenanceWindow(id: string, etag: string): Promise<void>;
  /** `GET /alert-routing` with its ETag: the YAML, its version and the parsed tree. */
  getAlertRouting(): Promise<Versioned<AlertRouting>>;
  /** `PUT /alert-routing` with `If-Match`; a 400 lists every issue by its path in the YAML. */
  putAlertRouting(yaml: string, etag: string): Promise<Versioned<AlertRouting>>;
  /** `POST /alert-routing/test`: the routes and receivers an alert with these labels reaches. */
  /** What saving `yaml` would store (inline integrations as channels), without saving anything. */
  previewAlertRouting(yaml: string): Promise<AlertRouting>;
  testAlertRouting(request: TestAlertRoutingRequest): Promise<AlertRoutingTestAnswer>;
  /** `GET /alert-routing/versions`: stored versions, newest first. */
  listAlertRoutingVersions(query?: { limit?: number; cursor?: string }): Promise<PageOf<AlertRoutingVersion>>;
}

const versioned = <T>(answer: ApiResponse<T>): Versioned<T> => ({ value: answer.body, etag: answer.headers.get('etag') });

/** Builds the suppression methods over a transport. */
export function createSuppressionMethods(transport: Transport): SuppressionMethods {
  return {
    async listSilences(query = {}) {
      return (await transport.call(routes.listSilences, { query })).body;
    },
    async createSilence(request) {
      return versioned(await transport.call(routes.createSilence, { body: request }));
    },
    async getSilence(id) {
      return versioned(await transport.call(routes.getSilence, { params: { id } }));
    },
    async updateSilence(id, patch, etag) {
      return versioned(await transport.call(routes.updateSilence, { params: { id }, body: patch, headers: { 'if-match': etag } }));
    },
    async expireSilence(id) {
      return (await transport.call(routes.expireSilence, { params: { id } })).body;
    },
    async listMaintenanceWindows(query = {}) {
      return (await transport.call(routes.listMaintenanceWindows, { query })).body;
    },
    async maintenanceOccurrences(from, to) {
      return (await transport.call(routes.maintenanceOccurrences, { query: { from, to } })).body.items;
    },
    async activeMaintenance(at) {
      return (await transport.call(routes.activeMaintenance, { query: at === undefined ? {} : { at } })).body;
    },
    async createMaintenanceWindow(request) {
      return versioned(await transport.call(routes.createMaintenanceWindow, { body: request }));
    },
    async getMaintenanceWindow(id) {
      return versioned(await transport.call(routes.getMaintenanceWindow, { params: { id } }));
    },
    async updateMaintenanceWindow(id, patch, etag) {
      return versioned(
        await transport.call(routes.updateMaintenanceWindow, { params: { id }, body: patch, headers: { 'if-match': etag } }),
      );
    },
    async deleteMaintenanceWindow(id, etag) {
      await transport.call(routes.deleteMaintenanceWindow, { params: { id }, headers: { 'if-match': etag } });
    },
    async getAlertRouting() {
      return versioned(await transport.call(routes.getAlertRouting));
    },
    async putAlertRouting(yaml, etag) {
      return versioned(await transport.call(routes.putAlertRouting, { body: { yaml }, headers: { 'if-match': etag } }));
    },
    async previewAlertRouting(yaml) {
      return (await transport.call(routes.previewAlertRouting, { body: { yaml } })).body;
    },
    async testAlertRouting(request) {
      return (await transport.call(routes.testAlertRouting, { body: request })).body;
    },
    async listAlertRoutingVersions(query = {}) {
      return (await transport.call(routes.listAlertRoutingVersions, { query })).body;
    },
  };
}
