import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';

export const ActorType = Type.Union([
  Type.Literal('user'),
  Type.Literal('token'),
  Type.Literal('system'),
  Type.Literal('cli'),
  Type.Literal('agent'),
  Type.Literal('anonymous'),
]);
export type ActorType = Static<typeof ActorType>;
export const Outcome = Type.Union([Type.Literal('success'), Type.Literal('denied'), Type.Literal('failure')]);
export type Outcome = Static<typeof Outcome>;

/** One entry of the append-only, hash-chained audit log. */
export const AuditEvent = Type.Object({
  seq: Type.Integer({ minimum: 1 }),
  id: Id,
  at: EpochMs,
  actorType: ActorType,
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorLabel: Type.Union([Type.String(), Type.Null()]),
  action: Type.String({ description: 'Dotted verb, e.g. user.create, auth.login.failed' }),
  outcome: Outcome,
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  targetLabel: Type.Union([Type.String(), Type.Null()], {
    description:
      "The target's display name as it is now (a CI's or user's name, a scan's name…), resolved when the log is read; null when the target has no name of its own (its id says it all) or is gone",
  }),
  targetDeleted: Type.Boolean({ description: 'True when the target is of a kind Estate names and no longer exists' }),
  before: Type.Unknown(),
  after: Type.Unknown(),
  requestId: Type.Union([Type.String(), Type.Null()]),
  sourceIp: Type.Union([Type.String(), Type.Null()]),
  hash: Type.String(),
});
export type AuditEvent = Static<typeof AuditEvent>;

export const AuditQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    actorId: Type.Optional(Type.String({ maxLength: 100 })),
    action: Type.Optional(Type.String({ maxLength: 100, description: 'Exact action, or a prefix ending in "." (e.g. "user.")' })),
    outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('denied'), Type.Literal('failure')])),
    targetType: Type.Optional(Type.String({ maxLength: 100 })),
    targetId: Type.Optional(Type.String({ maxLength: 100 })),
    since: Type.Optional(EpochMs),
    until: Type.Optional(EpochMs),
  },
  { additionalProperties: false },
);
export type AuditQuery = Static<typeof AuditQuery>;
