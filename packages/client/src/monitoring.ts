import {
  type BulkChecksAnswer,
  type BulkCreateChecksRequest,
  type Check,
  type CheckListQuery,
  type CheckResult,
  type CheckResultList,
  type CheckRunAnswer,
  type CheckStateChange,
  type CheckSuggestion,
  type CheckSummary,
  type CheckTypeList,
  type CheckUptime,
  type CheckUptimeQuery,
  type CreateCheckRequest,
  pathOf,
  MonitoringRoutes as routes,
  type TestCheckRequest,
  type UpdateCheckRequest,
} from '@estate/contract';
import type { Versioned } from './discovery-scans';
import type { PageOf } from './page';
import type { ApiResponse, Transport } from './transport';

/** Monitoring: checks (HTTP, TCP, …), their state, results, state history and uptime. Secrets are write-only. */
export interface MonitoringMethods {
  /** `GET /check-types`: the types this server runs, with their placeholders, default conditions and secret names. */
  listCheckTypes(): Promise<CheckTypeList>;
  /** `GET /checks`: one page, every filter narrowing (state, type, text in the name or target, bound CI, enabled). */
  listChecks(query?: CheckListQuery): Promise<PageOf<Check>>;
  /** `GET /checks/summary`: how many checks are in each state, disabled ones counted apart. */
  checkSummary(): Promise<CheckSummary>;
  /** `POST /checks/test`: runs an unsaved check once and answers its result; nothing is recorded. */
  testCheck(request: TestCheckRequest): Promise<CheckResult>;
  /** `GET /checks/{id}` with its ETag. */
  getCheck(id: string): Promise<Versioned<Check>>;
  /** `POST /checks`: a 400 names the configuration field it refuses (`config.url`). */
  createCheck(request: CreateCheckRequest): Promise<Versioned<Check>>;
  /** `PATCH /checks/{id}` with `If-Match`; secrets left out keep their stored values, an empty one removes it. */
  updateCheck(id: string, patch: UpdateCheckRequest, etag: string): Promise<Versioned<Check>>;
  /** `DELETE /checks/{id}` with `If-Match`: the check with its results and history. */
  deleteCheck(id: string, etag: string): Promise<void>;
  /** `POST /checks/{id}/run`: runs a saved check now, records the result like a scheduled run's, answers it with the new status. */
  runCheck(id: string): Promise<CheckRunAnswer>;
  /** `GET /checks/{id}/results`: its last results, newest first. */
  listCheckResults(id: string, query?: { limit?: number }): Promise<CheckResultList>;
  /** `GET /checks/{id}/history`: its state changes, newest first. */
  listCheckHistory(id: string, query?: { limit?: number; cursor?: string }): Promise<PageOf<CheckStateChange>>;
  /** `GET /checks/{id}/uptime`: uptime over 24 h, 7 d, 30 d and 90 d ending now, or over `from`–`to`. */
  checkUptime(id: string, query?: CheckUptimeQuery): Promise<CheckUptime>;
  /** `POST /checks/bulk`: up to 1,000 checks in one transaction; a 400 names every refused `items[i].<field>`. */
  bulkCreateChecks(request: BulkCreateChecksRequest): Promise<Check[]>;
  /** `POST /checks/bulk-update`: enables or disables the checks; answers those it changed. */
  bulkSetChecksEnabled(ids: string[], enabled: boolean): Promise<BulkChecksAnswer>;
  /** `POST /checks/bulk-delete`: deletes the checks with their results and history. */
  bulkDeleteChecks(ids: string[]): Promise<BulkChecksAnswer>;
  /** `GET /cis/{id}/check-suggestions`: checks discovery's findings suggest for the CI, not yet covered. */
  listCheckSuggestions(ciId: string): Promise<CheckSuggestion[]>;
  /** The URL of the live stream of check status changes (Server-Sent Events), for `new EventSource(url)`. */
  checkEventsUrl(): string;
}

const versioned = <T>(answer: ApiResponse<T>): Versioned<T> => ({ value: answer.body, etag: answer.headers.get('etag') });

/** Builds the monitoring methods over a transport; `baseUrl` makes the event stream's URL absolute. */
export function createMonitoringMethods(transport: Transport, baseUrl = ''): MonitoringMethods {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async listCheckTypes() {
      return (await transport.call(routes.listCheckTypes)).body;
    },
    async listChecks(query = {}) {
      return (await transport.call(routes.listChecks, { query })).body;
    },
    async checkSummary() {
      return (await transport.call(routes.checkSummary)).body;
    },
    async testCheck(request) {
      return (await transport.call(routes.testCheck, { body: request })).body;
    },
    async getCheck(id) {
      return versioned(await transport.call(routes.getCheck, { params: { id } }));
    },
    async createCheck(request) {
      return versioned(await transport.call(routes.createCheck, { body: request }));
    },
    async updateCheck(id, patch, etag) {
      return versioned(await transport.call(routes.updateCheck, { params: { id }, body: patch, headers: { 'if-match': etag } }));
    },
    async deleteCheck(id, etag) {
      await transport.call(routes.deleteCheck, { params: { id }, headers: { 'if-match': etag } });
    },
    async runCheck(id) {
      return (await transport.call(routes.runCheck, { params: { id } })).body;
    },
    async listCheckResults(id, query = {}) {
      return (await transport.call(routes.listCheckResults, { params: { id }, query })).body;
    },
    async listCheckHistory(id, query = {}) {
      return (await transport.call(routes.listCheckHistory, { params: { id }, query })).body;
    },
    async checkUptime(id, query = {}) {
      return (await transport.call(routes.checkUptime, { params: { id }, query })).body;
    },
    async bulkCreateChecks(request) {
      return (await transport.call(routes.bulkCreateChecks, { body: request })).body.items;
    },
    async bulkSetChecksEnabled(ids, enabled) {
      return (await transport.call(routes.bulkUpdateChecks, { body: { ids, enabled } })).body;
    },
    async bulkDeleteChecks(ids) {
      return (await transport.call(routes.bulkDeleteChecks, { body: { ids } })).body;
    },
    async listCheckSuggestions(ciId) {
      return (await transport.call(routes.listCheckSuggestions, { params: { id: ciId } })).body.items;
    },
    checkEventsUrl() {
      return `${base}${pathOf(routes.checkEvents)}`;
    },
  };
}
