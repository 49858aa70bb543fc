import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';
import { route } from './route';

/** A signed action link's token (`<payload>.<mac>`, base64url). */
export const ActionLinkParams = Type.Object(
  { token: Type.String({ minLength: 10, maxLength: 1_000, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$' }) },
  { additionalProperties: false },
);
export type ActionLinkParams = Static<typeof ActionLinkParams>;

/** One alert a link acts on, as its page shows it. */
export const ActionLinkAlert = Type.Object({
  id: Id,
  name: Type.String(),
  severity: Type.String(),
  state: Type.String(),
  summary: Type.Union([Type.String(), Type.Null()]),
  acknowledged: Type.Boolean(),
});
export type ActionLinkAlert = Static<typeof ActionLinkAlert>;

/**
 * What a link will do (GET, nothing changes) or did (POST). `status`: `ready` (POST acts), `done` (this POST acted),
 * `used` (the link was used before), `expired`, `nothing` (every alert is already resolved or acknowledged).
 */
export const ActionLinkView = Type.Object({
  action: Type.Union([Type.Literal('acknowledge'), Type.Literal('resolve')]),
  status: Type.Union([Type.Literal('ready'), Type.Literal('done'), Type.Literal('used'), Type.Literal('expired'), Type.Literal('nothing')]),
  expiresAt: EpochMs,
  alerts: Type.Array(ActionLinkAlert),
  /** The alerts this POST acted on. */
  acted: Type.Optional(Type.Array(Id)),
  message: Type.String(),
});
export type ActionLinkView = Static<typeof ActionLinkView>;

/** The public routes of action links (not in the signed-in route tables: the token is the credential). */
export const ActionLinkRoutes = {
  describeActionLink: route('GET', '/api/v1/alerting/actions/{token}', { params: ActionLinkParams, response: ActionLinkView }),
  useActionLink: route('POST', '/api/v1/alerting/actions/{token}', {
    params: ActionLinkParams,
    body: Type.Object(
      { action: Type.Optional(Type.Union([Type.Literal('acknowledge'), Type.Literal('resolve')])) },
      { additionalProperties: false },
    ),
    response: ActionLinkView,
  }),
} as const;
