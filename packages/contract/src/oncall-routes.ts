import { Empty, IdParams, Page, PageQuery } from './common';
import {
  AddOverrideRequest,
  CreatedFeedToken,
  CreateEscalationPolicyRequest,
  CreateFeedTokenRequest,
  CreateScheduleRequest,
  EscalationPolicy,
  FeedQuery,
  FeedTokenList,
  MyOnCall,
  OnCallAtQuery,
  OnCallNow,
  OnCallSchedule,
  OverrideParams,
  ShiftList,
  ShiftsQuery,
  UpdateEscalationPolicyRequest,
  UpdateScheduleRequest,
} from './oncall';
import { route } from './route';

/** On-call: schedules, escalation policies, who is on call, iCalendar feeds. */
export const OnCallRoutes = {
  listSchedules: route('GET', '/api/v1/schedules', { query: PageQuery, response: Page(OnCallSchedule) }),
  createSchedule: route('POST', '/api/v1/schedules', { body: CreateScheduleRequest, status: 201, response: OnCallSchedule }),
  getSchedule: route('GET', '/api/v1/schedules/{id}', { params: IdParams, response: OnCallSchedule }),
  updateSchedule: route('PATCH', '/api/v1/schedules/{id}', { params: IdParams, body: UpdateScheduleRequest, response: OnCallSchedule }),
  deleteSchedule: route('DELETE', '/api/v1/schedules/{id}', { params: IdParams, status: 204, response: Empty }),
  addOverride: route('POST', '/api/v1/schedules/{id}/overrides', {
    params: IdParams,
    body: AddOverrideRequest,
    status: 201,
    response: OnCallSchedule,
  }),
  removeOverride: route('DELETE', '/api/v1/schedules/{id}/overrides/{overrideId}', { params: OverrideParams, response: OnCallSchedule }),
  scheduleOnCall: route('GET', '/api/v1/schedules/{id}/on-call', { params: IdParams, query: OnCallAtQuery, response: OnCallNow }),
  scheduleShifts: route('GET', '/api/v1/schedules/{id}/shifts', { params: IdParams, query: ShiftsQuery, response: ShiftList }),
  myOnCall: route('GET', '/api/v1/oncall/me', { response: MyOnCall }),
  listFeedTokens: route('GET', '/api/v1/oncall/feed-tokens', { response: FeedTokenList }),
  createFeedToken: route('POST', '/api/v1/oncall/feed-tokens', { body: CreateFeedTokenRequest, status: 201, response: CreatedFeedToken }),
  revokeFeedToken: route('DELETE', '/api/v1/oncall/feed-tokens/{id}', { params: IdParams, status: 204, response: Empty }),
  /** An iCalendar feed (text/calendar), not JSON; public, the feed token in `?token=` is the credential. */
  scheduleCalendar: route('GET', '/api/v1/schedules/{id}/calendar.ics', { params: IdParams, query: FeedQuery }),
  /** An iCalendar feed (text/calendar) of one user's shifts; public, the feed token is the credential. */
  userCalendar: route('GET', '/api/v1/users/{id}/calendar.ics', { params: IdParams, query: FeedQuery }),
  listEscalationPolicies: route('GET', '/api/v1/escalation-policies', { query: PageQuery, response: Page(EscalationPolicy) }),
  createEscalationPolicy: route('POST', '/api/v1/escalation-policies', {
    body: CreateEscalationPolicyRequest,
    status: 201,
    response: EscalationPolicy,
  }),
  getEscalationPolicy: route('GET', '/api/v1/escalation-policies/{id}', { params: IdParams, response: EscalationPolicy }),
  updateEscalationPolicy: route('PATCH', '/api/v1/escalation-policies/{id}', {
    params: IdParams,
    body: UpdateEscalationPolicyRequest,
    response: EscalationPolicy,
  }),
  deleteEscalationPolicy: route('DELETE', '/api/v1/escalation-policies/{id}', { params: IdParams, status: 204, response: Empty }),
} as const;
