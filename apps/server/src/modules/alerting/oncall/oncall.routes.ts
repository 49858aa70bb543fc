import {
  AddOverrideRequest,
  CreatedFeedToken,
  CreateEscalationPolicyRequest,
  CreateFeedTokenRequest,
  CreateScheduleRequest,
  Empty,
  EscalationPolicy,
  FeedTokenList,
  IdParams,
  MyOnCall,
  OnCallAtQuery,
  OnCallNow,
  OnCallSchedule,
  OverrideParams,
  Page,
  PageQuery,
  Problem,
  ShiftList,
  ShiftsQuery,
  UpdateEscalationPolicyRequest,
  UpdateScheduleRequest,
} from '@estate/contract';
import { requireIfMatch, sendEtag } from '../../../platform/http/etag';
import type { HttpServer } from '../../../platform/http/http-server';
import { actionContext, type Principal } from '../../../platform/http/principal';
import type { CalendarFeedService } from './calendar-feed.service';
import type { EscalationPolicyService } from './escalation-policy.service';
import type { ScheduleService } from './schedule.service';

const SCHEDULES = '/api/v1/schedules';
const POLICIES = '/api/v1/escalation-policies';
const tags = ['on-call'];
const read = { permission: 'alerting:read' } as const;
const write = { permission: 'alerting:write' } as const;

function principalOf(request: { principal: Principal | null }): Principal {
  // The access hook has refused unauthenticated callers before any handler here runs.
  return request.principal as Principal;
}

/** Schedules, overrides, who is on call, shifts, the caller's own shifts and feed tokens. */
export function registerScheduleRoutes(app: HttpServer, schedules: ScheduleService, feeds: CalendarFeedService): void {
  app.get(
    SCHEDULES,
    {
      config: read,
      schema: {
        tags,
        summary: 'List on-call schedules (by name)',
        querystring: PageQuery,
        response: { 200: Page(OnCallSchedule), 400: Problem },
      },
    },
    async (request) => schedules.list(request.query),
  );

  app.post(
    SCHEDULES,
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a schedule (gaps and overlapping overrides come back as warnings)',
        body: CreateScheduleRequest,
        response: { 201: OnCallSchedule, 400: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const schedule = await schedules.create(request.body, actionContext(request));
      sendEtag(reply, schedule.id, schedule.version);
      return reply.code(201).send(schedule);
    },
  );

  app.get(
    `${SCHEDULES}/:id`,
    {
      config: read,
      schema: { tags, summary: 'Read a schedule (with ETag)', params: IdParams, response: { 200: OnCallSchedule, 404: Problem } },
    },
    async (request, reply) => {
      const schedule = await schedules.get(request.params.id);
      sendEtag(reply, schedule.id, schedule.version);
      return schedule;
    },
  );

  app.patch(
    `${SCHEDULES}/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a schedule (If-Match required)',
        params: IdParams,
        body: UpdateScheduleRequest,
        response: { 200: OnCallSchedule, 400: Problem, 404: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      const schedule = await schedules.update(request.params.id, request.body, expected, actionContext(request));
      sendEtag(reply, schedule.id, schedule.version);
      return schedule;
    },
  );

  app.delete(
    `${SCHEDULES}/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete a schedule and its feed tokens (If-Match required)',
        params: IdParams,
        response: { 204: Empty, 404: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      await schedules.delete(request.params.id, expected, actionContext(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${SCHEDULES}/:id/overrides`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Add an override: one person on call for a while, above every layer',
        params: IdParams,
        body: AddOverrideRequest,
        response: { 201: OnCallSchedule, 400: Problem, 404: Problem },
      },
    },
    async (request, reply) => {
      const schedule = await schedules.addOverride(request.params.id, request.body, actionContext(request));
      sendEtag(reply, schedule.id, schedule.version);
      return reply.code(201).send(schedule);
    },
  );

  app.delete(
    `${SCHEDULES}/:id/overrides/:overrideId`,
    {
      config: write,
      schema: { tags, summary: 'Remove an override', params: OverrideParams, response: { 200: OnCallSchedule, 404: Problem } },
    },
    async (request, reply) => {
      const schedule = await schedules.removeOverride(request.params.id, request.params.overrideId, actionContext(request));
      sendEtag(reply, schedule.id, schedule.version);
      return schedule;
    },
  );

  app.get(
    `${SCHEDULES}/:id/on-call`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Who is on call now, or at ?at=',
        params: IdParams,
        querystring: OnCallAtQuery,
        response: { 200: OnCallNow, 404: Problem },
      },
    },
    async (request) => schedules.onCall(request.params.id, request.query.at),
  );

  app.get(
    `${SCHEDULES}/:id/shifts`,
    {
      config: read,
      schema: {
        tags,
        summary: 'The final shifts over [from, to) (at most 62 days), each with the layer or override behind it',
        params: IdParams,
        querystring: ShiftsQuery,
        response: { 200: ShiftList, 400: Problem, 404: Problem },
      },
    },
    async (request) => schedules.shifts(request.params.id, request.query.from, request.query.to),
  );

  app.get(
    '/api/v1/oncall/me',
    {
      config: read,
      schema: { tags, summary: "The signed-in user's current and next shifts across schedules", response: { 200: MyOnCall } },
    },
    async (request) => schedules.mine(principalOf(request).userId),
  );

  app.get(
    '/api/v1/oncall/feed-tokens',
    {
      config: read,
      schema: { tags, summary: "The signed-in user's calendar feed tokens (never the secrets)", response: { 200: FeedTokenList } },
    },
    async (request) => ({ items: await feeds.list(principalOf(request).userId) }),
  );

  // Creating a feed token needs only read access: the token opens nothing its creator could not read already, and
  // it stops working when its creator is disabled.
  app.post(
    '/api/v1/oncall/feed-tokens',
    {
      config: read,
      schema: {
        tags,
        summary: 'Create a calendar feed token for your own shifts or a schedule; the URL is shown once',
        body: CreateFeedTokenRequest,
        response: { 201: CreatedFeedToken, 400: Problem, 404: Problem },
      },
    },
    async (request, reply) => reply.code(201).send(await feeds.create(principalOf(request).userId, request.body, actionContext(request))),
  );

  app.delete(
    '/api/v1/oncall/feed-tokens/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'Revoke a calendar feed token (your own; any with alerting:write)',
        params: IdParams,
        response: { 204: Empty, 404: Problem },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await feeds.revoke(principal.userId, request.params.id, principal.permissions.has('alerting:write'), actionContext(request));
      return reply.code(204).send(null);
    },
  );
}

/** Escalation policies. */
export function registerEscalationPolicyRoutes(app: HttpServer, policies: EscalationPolicyService): void {
  app.get(
    POLICIES,
    {
      config: read,
      schema: {
        tags,
        summary: 'List escalation policies (by name)',
        querystring: PageQuery,
        response: { 200: Page(EscalationPolicy), 400: Problem },
      },
    },
    async (request) => policies.list(request.query),
  );

  app.post(
    POLICIES,
    {
      config: write,
      schema: {
        tags,
        summary: 'Create an escalation policy',
        body: CreateEscalationPolicyRequest,
        response: { 201: EscalationPolicy, 400: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const policy = await policies.create(request.body, actionContext(request));
      sendEtag(reply, policy.id, policy.version);
      return reply.code(201).send(policy);
    },
  );

  app.get(
    `${POLICIES}/:id`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Read an escalation policy (with ETag)',
        params: IdParams,
        response: { 200: EscalationPolicy, 404: Problem },
      },
    },
    async (request, reply) => {
      const policy = await policies.get(request.params.id);
      sendEtag(reply, policy.id, policy.version);
      return policy;
    },
  );

  app.patch(
    `${POLICIES}/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Change an escalation policy (If-Match required)',
        params: IdParams,
        body: UpdateEscalationPolicyRequest,
        response: { 200: EscalationPolicy, 400: Problem, 404: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      const policy = await policies.update(request.params.id, request.body, expected, actionContext(request));
      sendEtag(reply, policy.id, policy.version);
      return policy;
    },
  );

  app.delete(
    `${POLICIES}/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete an escalation policy (If-Match required; refused while an escalation under it runs)',
        params: IdParams,
        response: { 204: Empty, 404: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      await policies.delete(request.params.id, expected, actionContext(request));
      return reply.code(204).send(null);
    },
  );
}
