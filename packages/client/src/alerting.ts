import {
  type AlertDetail,
  type AlertEpisode,
  type AlertListQuery,
  type AlertRuleGroup,
  type AlertSummary,
  type CreateAlertRuleGroupRequest,
  type ImportAlertRulesAnswer,
  type ImportAlertRulesRequest,
  pathOf,
  AlertingRoutes as routes,
  type UpdateAlertRuleGroupRequest,
} from '@estate/contract';
import type { Versioned } from './discovery-scans';
import type { PageOf } from './page';
import type { ApiResponse, Transport } from './transport';

/** Alerting: rule groups (Prometheus rule-file YAML) and the alerts they raise. */
export interface AlertingMethods {
  /** `GET /alert-rule-groups`: every group with its rules, their health and how many alerts each holds. */
  listAlertRuleGroups(): Promise<AlertRuleGroup[]>;
  /** `GET /alert-rule-groups/{id}` with its ETag. */
  getAlertRuleGroup(id: string): Promise<Versioned<AlertRuleGroup>>;
  /** `POST /alert-rule-groups`: one group as rule-file YAML; a 400 names each problem by group, rule, field and line. */
  createAlertRuleGroup(request: CreateAlertRuleGroupRequest): Promise<Versioned<AlertRuleGroup>>;
  /** `PATCH /alert-rule-groups/{id}` with `If-Match`. */
  updateAlertRuleGroup(id: string, patch: UpdateAlertRuleGroupRequest, etag: string): Promise<Versioned<AlertRuleGroup>>;
  /** `DELETE /alert-rule-groups/{id}` with `If-Match`. */
  deleteAlertRuleGroup(id: string, etag: string): Promise<void>;
  /** `POST /alert-rule-groups/import`: a whole rule file, all or nothing. */
  importAlertRules(request: ImportAlertRulesRequest): Promise<ImportAlertRulesAnswer>;
  /** The URL of every group as one rule file, for a download link. */
  exportAlertRulesUrl(): string;
  /** `GET /alerting/alerts`: active alerts by default, newest first. */
  listAlerts(query?: AlertListQuery): Promise<PageOf<AlertEpisode>>;
  /** `GET /alerting/alerts/summary`. */
  alertSummary(): Promise<AlertSummary>;
  /** `GET /alerting/alerts/{id}`: the alert, its timeline, its earlier episodes. */
  getAlert(id: string): Promise<AlertDetail>;
  acknowledgeAlert(id: string, comment?: string): Promise<AlertEpisode>;
  resolveAlert(id: string, comment?: string): Promise<AlertEpisode>;
}

const versioned = <T>(answer: ApiResponse<T>): Versioned<T> => ({ value: answer.body, etag: answer.headers.get('etag') });

export function createAlertingMethods(transport: Transport, baseUrl = ''): AlertingMethods {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    async listAlertRuleGroups() {
      return (await transport.call(routes.listAlertRuleGroups)).body.items;
    },
    async getAlertRuleGroup(id) {
      return versioned(await transport.call(routes.getAlertRuleGroup, { params: { id } }));
    },
    async createAlertRuleGroup(request) {
      return versioned(await transport.call(routes.createAlertRuleGroup, { body: request }));
    },
    async updateAlertRuleGroup(id, patch, etag) {
      return versioned(await transport.call(routes.updateAlertRuleGroup, { params: { id }, body: patch, headers: { 'if-match': etag } }));
    },
    async deleteAlertRuleGroup(id, etag) {
      await transport.call(routes.deleteAlertRuleGroup, { params: { id }, headers: { 'if-match': etag } });
    },
    async importAlertRules(request) {
      return (await transport.call(routes.importAlertRules, { body: request })).body;
    },
    exportAlertRulesUrl() {
      return `${base}${pathOf(routes.exportAlertRules)}`;
    },
    async listAlerts(query = {}) {
      return (await transport.call(routes.listAlerts, { query })).body;
    },
    async alertSummary() {
      return (await transport.call(routes.alertSummary)).body;
    },
    async getAlert(id) {
      return (await transport.call(routes.getAlert, { params: { id } })).body;
    },
    async acknowledgeAlert(id, comment) {
      return (await transport.call(routes.acknowledgeAlert, { params: { id }, body: comment ? { comment } : {} })).body;
    },
    async resolveAlert(id, comment) {
      return (await transport.call(routes.resolveAlert, { params: { id }, body: comment ? { comment } : {} })).body;
    },
  };
}
