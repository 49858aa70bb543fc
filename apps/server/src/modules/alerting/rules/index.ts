/*
 * Alert rule evaluation as a library (Prometheus' alert-generator specification): rule files, the group evaluator
 * over injected query and check-state sources, the API bodies, and promtool's rule tests. The alerting module's
 * storage, scheduler and routes sit on these.
 */
export { type ActiveCandidate, type AlertNotice, AlertTracker, RESOLVED_RETENTION_MS, type TrackedAlert } from './alert-tracker';
export { engineQuery, type InstantEngine } from './promql-query';
export { formatPromtoolReport, type PromtoolFileResult, runPromtoolTestFile, runPromtoolTests } from './promtool/promtool-runner';
export { formatRuleFile, parseRuleFile, type RuleFileError, type RuleFileResult } from './rule-file';
export {
  type CheckStateSource,
  type GroupEvaluation,
  type GroupState,
  type InstantQuery,
  RuleGroupEvaluator,
  type RuleGroupOptions,
  type RuleHealth,
  type RuleStatus,
} from './rule-group';
export * from './rule-model';
export { type CheckState, type InstantSample, type OutputSample, RuleEvaluationError } from './rule-runtime';
export { type ApiAlert, type ApiRule, type ApiRuleGroup, alertsResponse, type RulesFilter, rulesResponse } from './rules-api';
export { type CompiledTemplate, compileTemplate, type TemplateData, TemplateSyntaxError } from './template';
