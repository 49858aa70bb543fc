import { createTransport, type EstateClient } from '@estate/client';
import {
  type AddOverrideRequest,
  type CreateEscalationPolicyRequest,
  type CreateFeedTokenRequest,
  type CreateScheduleRequest,
  OnCallRoutes,
  type UpdateEscalationPolicyRequest,
  type UpdateScheduleRequest,
} from '@estate/contract';
import { queryOptions } from '@tanstack/react-query';

/** Prefix of every on-call query; invalidate it after a change. */
export const ONCALL_QUERY_KEY = ['oncall'] as const;

/**
 * The on-call calls of the API, over the contract's route table. A transport of its own, same origin, sending the
 * CSRF token the UI's client holds at the time of each call.
 */
export function onCallApi(api: EstateClient) {
  const transport = createTransport({ baseUrl: '' });
  const t = () => {
    transport.csrfToken = api.csrfToken;
    return transport;
  };
  const r = OnCallRoutes;
  const withEtag = <T>(answer: { body: T; headers: Headers }) => ({ value: answer.body, etag: answer.headers.get('etag') ?? '' });
  return {
    listSchedules: async () => (await t().call(r.listSchedules, { query: { limit: 500 } })).body,
    getSchedule: async (id: string) => withEtag(await t().call(r.getSchedule, { params: { id } })),
    createSchedule: async (body: CreateScheduleRequest) => (await t().call(r.createSchedule, { body })).body,
    updateSchedule: async (id: string, body: UpdateScheduleRequest, etag: string) =>
      (await t().call(r.updateSchedule, { params: { id }, body, headers: { 'if-match': etag } })).body,
    deleteSchedule: async (id: string, etag: string) => {
      await t().call(r.deleteSchedule, { params: { id }, headers: { 'if-match': etag } });
    },
    addOverride: async (id: string, body: AddOverrideRequest) => (await t().call(r.addOverride, { params: { id }, body })).body,
    removeOverride: async (id: string, overrideId: string) => (await t().call(r.removeOverride, { params: { id, overrideId } })).body,
    onCall: async (id: string, at?: number) => (await t().call(r.scheduleOnCall, { params: { id }, query: { at } })).body,
    shifts: async (id: string, from: number, to: number) =>
      (await t().call(r.scheduleShifts, { params: { id }, query: { from, to } })).body,
    mine: async () => (await t().call(r.myOnCall)).body,
    listFeedTokens: async () => (await t().call(r.listFeedTokens)).body.items,
    createFeedToken: async (body: CreateFeedTokenRequest) => (await t().call(r.createFeedToken, { body })).body,
    revokeFeedToken: async (id: string) => {
      await t().call(r.revokeFeedToken, { params: { id } });
    },
    listPolicies: async () => (await t().call(r.listEscalationPolicies, { query: { limit: 500 } })).body,
    getPolicy: async (id: string) => withEtag(await t().call(r.getEscalationPolicy, { params: { id } })),
    createPolicy: async (body: CreateEscalationPolicyRequest) => (await t().call(r.createEscalationPolicy, { body })).body,
    updatePolicy: async (id: string, body: UpdateEscalationPolicyRequest, etag: string) =>
      (await t().call(r.updateEscalationPolicy, { params: { id }, body, headers: { 'if-match': etag } })).body,
    deletePolicy: async (id: string, etag: string) => {
      await t().call(r.deleteEscalationPolicy, { params: { id }, headers: { 'if-match': etag } });
    },
  };
}

/** The on-call API's type. */
export type OnCallApi = ReturnType<typeof onCallApi>;

/** Every user, for pickers and names (at most 500). */
export function usersQuery(api: EstateClient) {
  return queryOptions({
    queryKey: [...ONCALL_QUERY_KEY, 'users'] as const,
    queryFn: async () => (await api.listUsers({ limit: 500 })).items,
    staleTime: 60_000,
  });
}
