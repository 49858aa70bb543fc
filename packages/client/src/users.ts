import {
  type CreateUserRequest,
  type PasswordChanged,
  AuthRoutes as routes,
  type UpdateUserRequest,
  type User,
  type UserListQuery,
} from '@estate/contract';
import type { PageOf } from './page';
import type { Transport } from './transport';

/** A user with the entity tag of the version read, to send back as `If-Match` when updating. */
export interface VersionedUser {
  /** The user as the server holds it. */
  user: User;
  /** The `ETag` of this version, or null if the server sent none. */
  etag: string | null;
}

/** User administration (needs `users:read` to read and `users:write` to change). */
export interface UserMethods {
  /** `GET /users`: one page of users, filtered by role and by a substring of email or name. */
  listUsers(query?: UserListQuery): Promise<PageOf<User>>;
  /** `POST /users`: creates a user with an initial password. */
  createUser(request: CreateUserRequest): Promise<User>;
  /** `GET /users/{id}`: one user and its ETag. */
  getUser(id: string): Promise<VersionedUser>;
  /**
   * `PATCH /users/{id}` with `If-Match: etag`: changes name, role or disabled flag and answers the new version.
   * Rejects with problem type `precondition-failed` (412) when someone else changed the user since `etag` was read.
   */
  updateUser(id: string, patch: UpdateUserRequest, etag: string): Promise<VersionedUser>;
  /**
   * `PUT /users/{id}/password`: sets another user's password (an admin reset). Signs them out everywhere and revokes
   * their API tokens unless `keepTokens` is set; answers how many of each it revoked.
   */
  setUserPassword(id: string, newPassword: string, options?: { keepTokens?: boolean }): Promise<PasswordChanged>;
}

/** Builds the user methods over a transport. */
export function createUserMethods(transport: Transport): UserMethods {
  return {
    async listUsers(query = {}) {
      return (await transport.call(routes.listUsers, { query })).body;
    },
    async createUser(request) {
      return (await transport.call(routes.createUser, { body: request })).body;
    },
    async getUser(id) {
      const answer = await transport.call(routes.getUser, { params: { id } });
      return { user: answer.body, etag: answer.headers.get('etag') };
    },
    async updateUser(id, patch, etag) {
      const answer = await transport.call(routes.updateUser, { params: { id }, body: patch, headers: { 'if-match': etag } });
      return { user: answer.body, etag: answer.headers.get('etag') };
    },
    async setUserPassword(id, newPassword, options = {}) {
      return (await transport.call(routes.setUserPassword, { params: { id }, body: { newPassword, ...options } })).body;
    },
  };
}
