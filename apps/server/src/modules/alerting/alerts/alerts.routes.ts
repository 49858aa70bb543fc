import { type BacktestAlertRulesAnswer, type BacktestAlertRulesRequest, Problem, AlertingRoutes as R } from '@estate/contract';
import { requireIfMatch, sendEtag } from '../../../platform/http/etag';
import type { HttpServer } from '../../../platform/http/http-server';
import { actionContext } from '../../../platform/http/principal';
import type { RulesFilter } from '../rules';
import type { AlertsService } from './alerts.service';
import type { RuleGroupService } from './rule-groups.service';

const tags = ['alerting'];
const read = { permission: 'alerting:read' } as const;
const write = { permission: 'alerting:write' } as const;
const path = (p: string) => p.replace(/\{(\w+)\}/g, ':$1');
const list = (v: string | string[] | undefined) => (v === undefined ? undefined : Array.isArray(v) ? v : [v]);

/** Rule groups, Prometheus' rules and alerts bodies, and the alerts people act on. */
export function registerAlertRoutes(
  app: HttpServer,
  alerts: AlertsService,
  groups: RuleGroupService,
  backtest?: (request: BacktestAlertRulesRequest) => Promise<BacktestAlertRulesAnswer>,
): void {
  app.get(
    R.promRules.path,
    {
      config: read,
      schema: {
        tags,
        summary: "Rules and their alerts, in Prometheus' shape",
        querystring: R.promRules.query,
        response: { 200: R.promRules.response },
      },
    },
    async (request) => {
      const q = request.query;
      const filter: RulesFilter = {
        ...(q.type ? { type: q.type } : {}),
        ...(q['rule_name[]'] ? { ruleName: list(q['rule_name[]']) } : {}),
        ...(q['rule_group[]'] ? { ruleGroup: list(q['rule_group[]']) } : {}),
        ...(q['file[]'] ? { file: list(q['file[]']) } : {}),
        ...(q.exclude_alerts ? { excludeAlerts: true } : {}),
      };
      return alerts.prometheusRules(filter);
    },
  );

  app.get(
    R.promAlerts.path,
    {
      config: read,
      schema: { tags, summary: "Pending and firing alerts, in Prometheus' shape", response: { 200: R.promAlerts.response } },
    },
    async () => alerts.prometheusAlerts(),
  );

  app.get(
    R.listAlertRuleGroups.path,
    {
      config: read,
      schema: { tags, summary: 'Rule groups with their rules and health', response: { 200: R.listAlertRuleGroups.response } },
    },
    async () => ({ items: await alerts.ruleGroups() }),
  );

  app.post(
    R.createAlertRuleGroup.path,
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a rule group from rule-file YAML (one group)',
        body: R.createAlertRuleGroup.body,
        response: { 201: R.createAlertRuleGroup.response, 400: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const created = await groups.create(request.body.yaml, request.body.enabled ?? true, actionContext(request));
      const group = await alerts.ruleGroup(created.id);
      sendEtag(reply, group.id, group.version);
      return reply.code(201).send(group);
    },
  );

  app.post(
    R.importAlertRules.path,
    {
      config: write,
      schema: {
        tags,
        summary: 'Import a Prometheus rule file: groups created or replaced by name, all or nothing',
        body: R.importAlertRules.body,
        response: { 200: R.importAlertRules.response, 400: Problem },
      },
    },
    async (request) => groups.import(request.body.yaml, request.body.file ?? '', actionContext(request)),
  );

  if (backtest) {
    // Evaluates (writes nothing, so nothing is audited); for rule editors, as it may run up to 2,000 evaluations.
    app.post(
      R.backtestAlertRules.path,
      {
        config: write,
        schema: {
          tags,
          summary: 'Backtest a rule group (YAML) over stored history: per rule, how often it would have fired',
          body: R.backtestAlertRules.body,
          response: { 200: R.backtestAlertRules.response, 400: Problem },
        },
      },
      async (request) => backtest(request.body),
    );
  }

  app.get(
    R.exportAlertRules.path,
    { config: read, schema: { tags, summary: 'Every rule group as one Prometheus rule file (YAML)' } },
    async (_request, reply) =>
      reply
        .header('content-type', 'application/yaml; charset=utf-8')
        .header('content-disposition', 'attachment; filename="estate-rules.yml"')
        .send(await groups.export()),
  );

  app.get(
    path(R.getAlertRuleGroup.path),
    {
      config: read,
      schema: {
        tags,
        summary: 'Read a rule group (with ETag)',
        params: R.getAlertRuleGroup.params,
        response: { 200: R.getAlertRuleGroup.response, 404: Problem },
      },
    },
    async (request, reply) => {
      const group = await alerts.ruleGroup(request.params.id);
      sendEtag(reply, group.id, group.version);
      return group;
    },
  );

  app.patch(
    path(R.updateAlertRuleGroup.path),
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a rule group (If-Match required)',
        params: R.updateAlertRuleGroup.params,
        body: R.updateAlertRuleGroup.body,
        response: { 200: R.updateAlertRuleGroup.response, 400: Problem, 404: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      await groups.update(request.params.id, request.body, expected, actionContext(request));
      const group = await alerts.ruleGroup(request.params.id);
      sendEtag(reply, group.id, group.version);
      return group;
    },
  );

  app.delete(
    path(R.deleteAlertRuleGroup.path),
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete a rule group (If-Match required); its alerts stay in the history',
        params: R.deleteAlertRuleGroup.params,
        response: { 204: R.deleteAlertRuleGroup.response, 404: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      await groups.delete(request.params.id, expected, actionContext(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    R.listAlerts.path,
    {
      config: read,
      schema: {
        tags,
        summary: 'Alerts, newest first (active ones unless a state is asked)',
        querystring: R.listAlerts.query,
        response: { 200: R.listAlerts.response, 400: Problem },
      },
    },
    async (request) => alerts.list(request.query),
  );

  app.get(
    R.alertSummary.path,
    {
      config: read,
      schema: { tags, summary: 'How many alerts fire, pend, are acknowledged or suppressed', response: { 200: R.alertSummary.response } },
    },
    async () => alerts.summary(),
  );

  app.get(
    path(R.getAlert.path),
    {
      config: read,
      schema: {
        tags,
        summary: 'An alert with its timeline',
        params: R.getAlert.params,
        response: { 200: R.getAlert.response, 404: Problem },
      },
    },
    async (request) => alerts.detail(request.params.id),
  );

  app.post(
    path(R.acknowledgeAlert.path),
    {
      config: write,
      schema: {
        tags,
        summary: 'Acknowledge an alert: no more repeats or escalation; its recovery is still sent',
        params: R.acknowledgeAlert.params,
        body: R.acknowledgeAlert.body,
        response: { 200: R.acknowledgeAlert.response, 404: Problem, 409: Problem },
      },
    },
    async (request) => alerts.acknowledge(request.params.id, request.body?.comment, actionContext(request)),
  );

  app.post(
    path(R.resolveAlert.path),
    {
      config: write,
      schema: {
        tags,
        summary: 'Resolve an alert sent in from outside (rule alerts resolve themselves)',
        params: R.resolveAlert.params,
        body: R.resolveAlert.body,
        response: { 200: R.resolveAlert.response, 404: Problem, 409: Problem },
      },
    },
    async (request) => alerts.resolve(request.params.id, request.body?.comment, actionContext(request)),
  );
}
