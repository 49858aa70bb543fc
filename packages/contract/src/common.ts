import Type, { type Static, type TSchema } from 'typebox';

/** A time-sortable text identifier (UUIDv7). */
export const Id = Type.String({ minLength: 36, maxLength: 36, pattern: '^[0-9a-f-]{36}$', description: 'UUIDv7' });

/** Milliseconds since the Unix epoch, UTC. */
export const EpochMs = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000, description: 'Epoch milliseconds (UTC)' });

/** The path parameter of every single-resource route. */
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

/** Query string accepted by every list route: keyset pagination, never offsets. */
export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuery>;

/**
 * A page of a list. `nextCursor` is null on the last page; pass it back as `cursor` to read on.
 * Lists never report a total: counting big tables on a hot path is what keyset pagination avoids.
 */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}

/** RFC 9457 problem details: the body of every error answer, served as `application/problem+json`. */
export const Problem = Type.Object({
  type: Type.String({ description: 'Stable problem identifier, e.g. urn:estate:problem:validation' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  requestId: Type.Optional(Type.String()),
  errors: Type.Optional(
    Type.Array(Type.Object({ path: Type.String(), message: Type.String() }), {
      description: 'Per-field validation errors',
    }),
  ),
});
export type Problem = Static<typeof Problem>;

/** Stable problem type identifiers. Clients branch on these, never on titles. */
export const ProblemType = {
  validation: 'urn:estate:problem:validation',
  unauthenticated: 'urn:estate:problem:unauthenticated',
  forbidden: 'urn:estate:problem:forbidden',
  notFound: 'urn:estate:problem:not-found',
  conflict: 'urn:estate:problem:conflict',
  preconditionFailed: 'urn:estate:problem:precondition-failed',
  preconditionRequired: 'urn:estate:problem:precondition-required',
  tooManyRequests: 'urn:estate:problem:too-many-requests',
  payloadTooLarge: 'urn:estate:problem:payload-too-large',
  headersTooLarge: 'urn:estate:problem:headers-too-large',
  requestTimeout: 'urn:estate:problem:request-timeout',
  unsupportedMediaType: 'urn:estate:problem:unsupported-media-type',
  csrf: 'urn:estate:problem:csrf',
  mfaRequired: 'urn:estate:problem:mfa-required',
  mfaEnrolmentRequired: 'urn:estate:problem:mfa-enrolment-required',
  sessionRequired: 'urn:estate:problem:session-required',
  invalidCredentials: 'urn:estate:problem:invalid-credentials',
  weakPassword: 'urn:estate:problem:weak-password',
  internal: 'urn:estate:problem:internal',
  unavailable: 'urn:estate:problem:unavailable',
} as const;

/** No content: the body of 204 answers, documented for OpenAPI. */
export const Empty = Type.Null({ description: 'No content' });
