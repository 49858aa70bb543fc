import type { Transport } from '@estate/client';
import { type Check, type CreateCheckRequest, MonitoringRoutes as routes, type UpdateCheckRequest } from '@estate/contract';

/** Checks are read this many per page. */
const PAGE_SIZE = 500;

/**
 * The checks routes the CLI needs, over the generic transport and the contract's route table. Every call rejects
 * with `ApiError` on a problem answer.
 */
export interface ChecksApi {
  /** Every check on the server, all pages read, in the server's order (by name). */
  listAll(): Promise<Check[]>;
  create(body: CreateCheckRequest): Promise<Check>;
  /**
   * Changes a check, but only if it is still at `version` (the one the plan was made from): reads its ETag first and
   * sends it as `If-Match`, so an edit made since the plan is refused rather than overwritten.
   */
  update(check: Check, patch: UpdateCheckRequest): Promise<Check>;
  /** Deletes a check still at the version the plan saw, with `If-Match` like `update`. */
  delete(check: Check): Promise<void>;
}

/** Thrown when a check changed on the server between reading the list and writing the change. */
export class ChangedMeanwhileError extends Error {
  override name = 'ChangedMeanwhileError';
}

/** Builds the checks calls over a transport. */
export function createChecksApi(transport: Transport): ChecksApi {
  const etagOf = async (check: Check): Promise<string> => {
    const current = await transport.call(routes.getCheck, { params: { id: check.id } });
    const etag = current.headers.get('etag');
    if (current.body.version !== check.version || !etag) {
      throw new ChangedMeanwhileError('changed on the server while applying; run apply again');
    }
    return etag;
  };
  return {
    async listAll() {
      const checks: Check[] = [];
      let cursor: string | undefined;
      do {
        const page = (await transport.call(routes.listChecks, { query: { limit: PAGE_SIZE, cursor } })).body;
        checks.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return checks;
    },
    async create(body) {
      return (await transport.call(routes.createCheck, { body })).body;
    },
    async update(check, patch) {
      const etag = await etagOf(check);
      return (await transport.call(routes.updateCheck, { params: { id: check.id }, body: patch, headers: { 'if-match': etag } })).body;
    },
    async delete(check) {
      const etag = await etagOf(check);
      await transport.call(routes.deleteCheck, { params: { id: check.id }, headers: { 'if-match': etag } });
    },
  };
}
