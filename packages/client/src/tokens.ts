import { type ApiToken, type CreatedToken, type CreateTokenRequest, AuthRoutes as routes, type TokenListQuery } from '@estate/contract';
import type { PageOf } from './page';
import type { Transport } from './transport';

/** API tokens: the caller's own, or anyone's for holders of `tokens:read-all` / `tokens:write-all`. */
export interface TokenMethods {
  /** `GET /tokens`: one page of the caller's tokens (or `userId`'s, for admins); revoked ones only on request. */
  listTokens(query?: TokenListQuery): Promise<PageOf<ApiToken>>;
  /** `POST /tokens`: creates a token. The answer holds the secret; it is never shown again. */
  createToken(request: CreateTokenRequest): Promise<CreatedToken>;
  /** `DELETE /tokens/{id}`: revokes a token; it stops working at once. */
  revokeToken(id: string): Promise<void>;
}

/** Builds the token methods over a transport. */
export function createTokenMethods(transport: Transport): TokenMethods {
  return {
    async listTokens(query = {}) {
      return (await transport.call(routes.listTokens, { query })).body;
    },
    async createToken(request) {
      return (await transport.call(routes.createToken, { body: request })).body;
    },
    async revokeToken(id) {
      await transport.call(routes.revokeToken, { params: { id } });
    },
  };
}
