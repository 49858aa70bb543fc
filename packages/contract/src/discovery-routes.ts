import { Empty, IdParams, Page, PageQuery } from './common';
import {
  CiSoftwareQuery,
  InstalledSoftware,
  MergeRequest,
  MergeResult,
  MergeSuggestion,
  MergeSuggestionListQuery,
  SoftwareInstallation,
  SoftwareSearchQuery,
  TerraformImportListQuery,
  TerraformImportRequest,
  TerraformImportResult,
  TerraformImportSummary,
} from './discovery-identity';
import { CiInterface, CiInterfaceQuery, ObservedFact, ObservedFactQuery } from './discovery-observed';
import {
  CreateScanRequest,
  CreateSnmpCredentialRequest,
  DiscoveryScan,
  RunAccepted,
  ScanHost,
  ScanHostQuery,
  ScanRun,
  SnmpCredential,
  UpdateScanRequest,
  UpdateSnmpCredentialRequest,
} from './discovery-scans';
import { route } from './route';

/** Network discovery: SNMP credentials, scans, their runs and per-host results. */
export const DiscoveryScanRoutes = {
  listSnmpCredentials: route('GET', '/api/v1/discovery/snmp-credentials', { query: PageQuery, response: Page(SnmpCredential) }),
  getSnmpCredential: route('GET', '/api/v1/discovery/snmp-credentials/{id}', { params: IdParams, response: SnmpCredential }),
  createSnmpCredential: route('POST', '/api/v1/discovery/snmp-credentials', {
    body: CreateSnmpCredentialRequest,
    status: 201,
    response: SnmpCredential,
  }),
  updateSnmpCredential: route('PATCH', '/api/v1/discovery/snmp-credentials/{id}', {
    params: IdParams,
    body: UpdateSnmpCredentialRequest,
    response: SnmpCredential,
  }),
  deleteSnmpCredential: route('DELETE', '/api/v1/discovery/snmp-credentials/{id}', { params: IdParams, status: 204, response: Empty }),

  listScans: route('GET', '/api/v1/discovery/scans', { query: PageQuery, response: Page(DiscoveryScan) }),
  getScan: route('GET', '/api/v1/discovery/scans/{id}', { params: IdParams, response: DiscoveryScan }),
  createScan: route('POST', '/api/v1/discovery/scans', { body: CreateScanRequest, status: 201, response: DiscoveryScan }),
  updateScan: route('PATCH', '/api/v1/discovery/scans/{id}', { params: IdParams, body: UpdateScanRequest, response: DiscoveryScan }),
  deleteScan: route('DELETE', '/api/v1/discovery/scans/{id}', { params: IdParams, status: 204, response: Empty }),
  startScanRun: route('POST', '/api/v1/discovery/scans/{id}/runs', { params: IdParams, status: 202, response: RunAccepted }),
  listScanRuns: route('GET', '/api/v1/discovery/scans/{id}/runs', { params: IdParams, query: PageQuery, response: Page(ScanRun) }),
  getScanRun: route('GET', '/api/v1/discovery/runs/{id}', { params: IdParams, response: ScanRun }),
  listScanHosts: route('GET', '/api/v1/discovery/runs/{id}/hosts', { params: IdParams, query: ScanHostQuery, response: Page(ScanHost) }),
} as const;

/** One identity per thing: merge suggestions, installed software, interfaces, observed facts and Terraform state imports. */
export const DiscoveryIdentityRoutes = {
  listMergeSuggestions: route('GET', '/api/v1/discovery/merge-suggestions', {
    query: MergeSuggestionListQuery,
    response: Page(MergeSuggestion),
  }),
  mergeSuggestion: route('POST', '/api/v1/discovery/merge-suggestions/{id}/merge', {
    params: IdParams,
    body: MergeRequest,
    response: MergeResult,
  }),
  dismissMergeSuggestion: route('POST', '/api/v1/discovery/merge-suggestions/{id}/dismiss', {
    params: IdParams,
    response: MergeSuggestion,
  }),
  listCiSoftware: route('GET', '/api/v1/cis/{id}/software', {
    params: IdParams,
    query: CiSoftwareQuery,
    response: Page(InstalledSoftware),
  }),
  listCiInterfaces: route('GET', '/api/v1/cis/{id}/interfaces', {
    params: IdParams,
    query: CiInterfaceQuery,
    response: Page(CiInterface),
  }),
  listObservedFacts: route('GET', '/api/v1/cis/{id}/observed-facts', {
    params: IdParams,
    query: ObservedFactQuery,
    response: Page(ObservedFact),
  }),
  findSoftware: route('GET', '/api/v1/software', { query: SoftwareSearchQuery, response: Page(SoftwareInstallation) }),
  importTerraformState: route('POST', '/api/v1/discovery/terraform-imports', {
    body: TerraformImportRequest,
    response: TerraformImportResult,
  }),
  listTerraformImports: route('GET', '/api/v1/discovery/terraform-imports', {
    query: TerraformImportListQuery,
    response: Page(TerraformImportSummary),
  }),
} as const;
