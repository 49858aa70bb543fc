import {
  CreateUserRequest,
  IdParams,
  Page,
  PasswordChanged,
  Problem,
  SetPasswordRequest,
  UpdateUserRequest,
  User,
  UserListQuery,
} from '@estate/contract';
import { requireIfMatch, sendEtag } from '../../platform/http/etag';
import type { HttpServer } from '../../platform/http/http-server';
import { actionContext } from '../../platform/http/principal';
import type { AuthRouteDeps } from './auth.routes';

/** User administration. */
export function registerUserRoutes(app: HttpServer, deps: AuthRouteDeps): void {
  app.get(
    '/api/v1/users',
    {
      config: { permission: 'users:read' },
      schema: { tags: ['users'], summary: 'List users', querystring: UserListQuery, response: { 200: Page(User) } },
    },
    async (request) => deps.users.list(request.query),
  );

  app.post(
    '/api/v1/users',
    {
      config: { permission: 'users:write' },
      schema: { tags: ['users'], summary: 'Create a user', body: CreateUserRequest, response: { 201: User, 400: Problem, 409: Problem } },
    },
    async (request, reply) => {
      const { user, version } = await deps.users.create(request.body, actionContext(request));
      sendEtag(reply, user.id, version);
      return reply.code(201).send(user);
    },
  );

  app.get(
    '/api/v1/users/:id',
    {
      config: { permission: 'users:read' },
      schema: { tags: ['users'], summary: 'Read a user (with ETag)', params: IdParams, response: { 200: User, 404: Problem } },
    },
    async (request, reply) => {
      const { user, version } = await deps.users.get(request.params.id);
      sendEtag(reply, user.id, version);
      return user;
    },
  );

  app.patch(
    '/api/v1/users/:id',
    {
      config: { permission: 'users:write' },
      schema: {
        tags: ['users'],
        summary: 'Update a user (If-Match required)',
        params: IdParams,
        body: UpdateUserRequest,
        response: { 200: User, 404: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      const { user, version } = await deps.users.update(
        request.params.id,
        request.body,
        expected,
        request.principal,
        actionContext(request),
      );
      sendEtag(reply, user.id, version);
      return user;
    },
  );

  app.put(
    '/api/v1/users/:id/password',
    {
      config: { permission: 'users:write' },
      schema: {
        tags: ['users'],
        summary: "Set a user's password (signs them out and revokes their API tokens unless keepTokens)",
        params: IdParams,
        body: SetPasswordRequest,
        response: { 200: PasswordChanged, 400: Problem, 404: Problem },
      },
    },
    async (request) => deps.users.setPassword(request.params.id, request.body, actionContext(request)),
  );
}
