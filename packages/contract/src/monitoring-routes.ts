import { Empty, IdParams, Page } from './common';
import {
  Check,
  CheckHistoryQuery,
  CheckListQuery,
  CheckResult,
  CheckResultList,
  CheckResultQuery,
  CheckRunAnswer,
  CheckStateChange,
  CheckSummary,
  CheckTypeList,
  CheckUptime,
  CheckUptimeQuery,
  CreateCheckRequest,
  TestCheckRequest,
  UpdateCheckRequest,
} from './monitoring';
import {
  BulkChecksAnswer,
  BulkCreateChecksAnswer,
  BulkCreateChecksRequest,
  BulkDeleteChecksRequest,
  BulkUpdateChecksRequest,
  CheckSuggestionList,
} from './monitoring-bulk';
import { route } from './route';

/** Monitoring: checks, their state, results, history and uptime. */
export const MonitoringRoutes = {
  listCheckTypes: route('GET', '/api/v1/check-types', { response: CheckTypeList }),
  listChecks: route('GET', '/api/v1/checks', { query: CheckListQuery, response: Page(Check) }),
  checkSummary: route('GET', '/api/v1/checks/summary', { response: CheckSummary }),
  testCheck: route('POST', '/api/v1/checks/test', { body: TestCheckRequest, response: CheckResult }),
  getCheck: route('GET', '/api/v1/checks/{id}', { params: IdParams, response: Check }),
  createCheck: route('POST', '/api/v1/checks', { body: CreateCheckRequest, status: 201, response: Check }),
  updateCheck: route('PATCH', '/api/v1/checks/{id}', { params: IdParams, body: UpdateCheckRequest, response: Check }),
  deleteCheck: route('DELETE', '/api/v1/checks/{id}', { params: IdParams, status: 204, response: Empty }),
  runCheck: route('POST', '/api/v1/checks/{id}/run', { params: IdParams, response: CheckRunAnswer }),
  listCheckResults: route('GET', '/api/v1/checks/{id}/results', { params: IdParams, query: CheckResultQuery, response: CheckResultList }),
  listCheckHistory: route('GET', '/api/v1/checks/{id}/history', {
    params: IdParams,
    query: CheckHistoryQuery,
    response: Page(CheckStateChange),
  }),
  checkUptime: route('GET', '/api/v1/checks/{id}/uptime', { params: IdParams, query: CheckUptimeQuery, response: CheckUptime }),
  bulkCreateChecks: route('POST', '/api/v1/checks/bulk', { body: BulkCreateChecksRequest, status: 201, response: BulkCreateChecksAnswer }),
  bulkUpdateChecks: route('POST', '/api/v1/checks/bulk-update', { body: BulkUpdateChecksRequest, response: BulkChecksAnswer }),
  bulkDeleteChecks: route('POST', '/api/v1/checks/bulk-delete', { body: BulkDeleteChecksRequest, response: BulkChecksAnswer }),
  /** A Server-Sent Events stream of `checks` events (`CheckEventBatch`), not JSON. */
  checkEvents: route('GET', '/api/v1/checks/events', {}),
  listCheckSuggestions: route('GET', '/api/v1/cis/{id}/check-suggestions', { params: IdParams, response: CheckSuggestionList }),
} as const;
