import {
  type CreateScanRequest,
  type CreateSnmpCredentialRequest,
  type DiscoveryScan,
  type HostChange,
  type RunAccepted,
  DiscoveryScanRoutes as routes,
  type ScanHost,
  type ScanRun,
  type SnmpCredential,
  type UpdateScanRequest,
  type UpdateSnmpCredentialRequest,
} from '@estate/contract';
import type { PageOf } from './page';
import type { ApiResponse, Transport } from './transport';

/** A resource with the entity tag of the version read, to send back as `If-Match` when changing or deleting it. */
export interface Versioned<T> {
  value: T;
  /** The `ETag` of this version, or null if the server sent none. */
  etag: string | null;
}

/** Network discovery: SNMP credentials (secrets are write-only), scans, their runs and per-host results. */
export interface DiscoveryScanMethods {
  /** `GET /discovery/snmp-credentials`: one page in name order; secrets appear only as `configured` flags. */
  listSnmpCredentials(query?: { limit?: number; cursor?: string }): Promise<PageOf<SnmpCredential>>;
  /** `GET /discovery/snmp-credentials/{id}` with its ETag. */
  getSnmpCredential(id: string): Promise<Versioned<SnmpCredential>>;
  /** `POST /discovery/snmp-credentials`: the secrets are sealed on the server and never sent back. */
  createSnmpCredential(request: CreateSnmpCredentialRequest): Promise<Versioned<SnmpCredential>>;
  /** `PATCH /discovery/snmp-credentials/{id}` with `If-Match`; secrets left out keep their stored values. */
  updateSnmpCredential(id: string, patch: UpdateSnmpCredentialRequest, etag: string): Promise<Versioned<SnmpCredential>>;
  /** `DELETE /discovery/snmp-credentials/{id}` with `If-Match`; a 409 while a scan uses it. */
  deleteSnmpCredential(id: string, etag: string): Promise<void>;
  /** `GET /discovery/scans`: one page in name order. */
  listScans(query?: { limit?: number; cursor?: string }): Promise<PageOf<DiscoveryScan>>;
  /** `GET /discovery/scans/{id}` with its ETag. */
  getScan(id: string): Promise<Versioned<DiscoveryScan>>;
  /** `POST /discovery/scans`: a 400 names each target the scan policy refuses. */
  createScan(request: CreateScanRequest): Promise<Versioned<DiscoveryScan>>;
  /** `PATCH /discovery/scans/{id}` with `If-Match`. */
  updateScan(id: string, patch: UpdateScanRequest, etag: string): Promise<Versioned<DiscoveryScan>>;
  /** `DELETE /discovery/scans/{id}` with `If-Match`: the scan with its runs; a 409 while a run is going. */
  deleteScan(id: string, etag: string): Promise<void>;
  /** `POST /discovery/scans/{id}/runs`: starts a run now and answers its id; a 409 while one is queued or running. */
  startScanRun(scanId: string): Promise<RunAccepted>;
  /** `GET /discovery/scans/{id}/runs`: the scan's runs, newest first. */
  listScanRuns(scanId: string, query?: { limit?: number; cursor?: string }): Promise<PageOf<ScanRun>>;
  /** `GET /discovery/runs/{id}`: status, progress (done of total) and summary; poll while queued or running. */
  getScanRun(id: string): Promise<ScanRun>;
  /** `GET /discovery/runs/{id}/hosts`: the run's hosts in address order, optionally of one change kind. */
  listScanHosts(runId: string, query?: { limit?: number; cursor?: string; change?: HostChange }): Promise<PageOf<ScanHost>>;
}

const versioned = <T>(answer: ApiResponse<T>): Versioned<T> => ({ value: answer.body, etag: answer.headers.get('etag') });

/** Builds the discovery methods over a transport. */
export function createDiscoveryScanMethods(transport: Transport): DiscoveryScanMethods {
  return {
    async listSnmpCredentials(query = {}) {
      return (await transport.call(routes.listSnmpCredentials, { query })).body;
    },
    async getSnmpCredential(id) {
      return versioned(await transport.call(routes.getSnmpCredential, { params: { id } }));
    },
    async createSnmpCredential(request) {
      return versioned(await transport.call(routes.createSnmpCredential, { body: request }));
    },
    async updateSnmpCredential(id, patch, etag) {
      return versioned(await transport.call(routes.updateSnmpCredential, { params: { id }, body: patch, headers: { 'if-match': etag } }));
    },
    async deleteSnmpCredential(id, etag) {
      await transport.call(routes.deleteSnmpCredential, { params: { id }, headers: { 'if-match': etag } });
    },
    async listScans(query = {}) {
      return (await transport.call(routes.listScans, { query })).body;
    },
    async getScan(id) {
      return versioned(await transport.call(routes.getScan, { params: { id } }));
    },
    async createScan(request) {
      return versioned(await transport.call(routes.createScan, { body: request }));
    },
    async updateScan(id, patch, etag) {
      return versioned(await transport.call(routes.updateScan, { params: { id }, body: patch, headers: { 'if-match': etag } }));
    },
    async deleteScan(id, etag) {
      await transport.call(routes.deleteScan, { params: { id }, headers: { 'if-match': etag } });
    },
    async startScanRun(scanId) {
      return (await transport.call(routes.startScanRun, { params: { id: scanId } })).body;
    },
    async listScanRuns(scanId, query = {}) {
      return (await transport.call(routes.listScanRuns, { params: { id: scanId }, query })).body;
    },
    async getScanRun(id) {
      return (await transport.call(routes.getScanRun, { params: { id } })).body;
    },
    async listScanHosts(runId, query = {}) {
      return (await transport.call(routes.listScanHosts, { params: { id: runId }, query })).body;
    },
  };
}
