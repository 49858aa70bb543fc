import {
  AlertActionRequest,
  AlertDetail,
  AlertEpisode,
  AlertListQuery,
  AlertRuleGroup,
  AlertRuleGroupList,
  AlertSummary,
  BacktestAlertRulesAnswer,
  BacktestAlertRulesRequest,
  CreateAlertRuleGroupRequest,
  ImportAlertRulesAnswer,
  ImportAlertRulesRequest,
  PromRulesQuery,
  UpdateAlertRuleGroupRequest,
} from './alerting';
import { Empty, IdParams, Page } from './common';
import { PromSuccess } from './prometheus-api';
import { route } from './route';

/** Alerting: rule groups, alerts (Prometheus' shapes and Estate's list), acknowledge and resolve. */
export const AlertingRoutes = {
  promRules: route('GET', '/api/v1/rules', { query: PromRulesQuery, response: PromSuccess }),
  promAlerts: route('GET', '/api/v1/alerts', { response: PromSuccess }),
  listAlertRuleGroups: route('GET', '/api/v1/alert-rule-groups', { response: AlertRuleGroupList }),
  createAlertRuleGroup: route('POST', '/api/v1/alert-rule-groups', {
    body: CreateAlertRuleGroupRequest,
    status: 201,
    response: AlertRuleGroup,
  }),
  importAlertRules: route('POST', '/api/v1/alert-rule-groups/import', { body: ImportAlertRulesRequest, response: ImportAlertRulesAnswer }),
  /** How often a group (YAML, not saved) would have fired over stored history. */
  backtestAlertRules: route('POST', '/api/v1/alert-rule-groups/backtest', {
    body: BacktestAlertRulesRequest,
    response: BacktestAlertRulesAnswer,
  }),
  /** The whole set as one Prometheus rule file (YAML, not JSON). */
  exportAlertRules: route('GET', '/api/v1/alert-rule-groups/export', {}),
  getAlertRuleGroup: route('GET', '/api/v1/alert-rule-groups/{id}', { params: IdParams, response: AlertRuleGroup }),
  updateAlertRuleGroup: route('PATCH', '/api/v1/alert-rule-groups/{id}', {
    params: IdParams,
    body: UpdateAlertRuleGroupRequest,
    response: AlertRuleGroup,
  }),
  deleteAlertRuleGroup: route('DELETE', '/api/v1/alert-rule-groups/{id}', { params: IdParams, status: 204, response: Empty }),
  listAlerts: route('GET', '/api/v1/alerting/alerts', { query: AlertListQuery, response: Page(AlertEpisode) }),
  alertSummary: route('GET', '/api/v1/alerting/alerts/summary', { response: AlertSummary }),
  getAlert: route('GET', '/api/v1/alerting/alerts/{id}', { params: IdParams, response: AlertDetail }),
  acknowledgeAlert: route('POST', '/api/v1/alerting/alerts/{id}/acknowledge', {
    params: IdParams,
    body: AlertActionRequest,
    response: AlertEpisode,
  }),
  resolveAlert: route('POST', '/api/v1/alerting/alerts/{id}/resolve', {
    params: IdParams,
    body: AlertActionRequest,
    response: AlertEpisode,
  }),
} as const;
