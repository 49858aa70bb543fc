import { IdParams, MergeRequest, MergeResult, MergeSuggestion, MergeSuggestionListQuery, Page, Problem } from '@estate/contract';
import type { HttpServer } from '../../../platform/http/http-server';
import { actionContext } from '../../../platform/http/principal';
import type { MergeService } from './merge.service';

/** Merge suggestions: list, merge a pair into one CI, dismiss. */
export function registerMergeRoutes(app: HttpServer, merges: MergeService): void {
  const tags = ['discovery'];

  app.get(
    '/api/v1/discovery/merge-suggestions',
    {
      config: { permission: 'discovery:read' },
      schema: {
        tags,
        summary: 'Merge suggestions, newest first: two CIs that may be one real thing, with the reason',
        querystring: MergeSuggestionListQuery,
        response: { 200: Page(MergeSuggestion), 400: Problem },
      },
    },
    async (request) => merges.list(request.query),
  );

  app.post(
    '/api/v1/discovery/merge-suggestions/:id/merge',
    {
      config: { permission: 'discovery:write' },
      schema: {
        tags,
        summary: 'Merge the pair into the CI to keep: relationships, identifiers, software and empty fields move; the other CI is deleted',
        params: IdParams,
        body: MergeRequest,
        response: { 200: MergeResult, 400: Problem, 404: Problem, 409: Problem },
      },
    },
    async (request) => merges.merge(request.params.id, request.body.keepCiId, actionContext(request)),
  );

  app.post(
    '/api/v1/discovery/merge-suggestions/:id/dismiss',
    {
      config: { permission: 'discovery:write' },
      schema: {
        tags,
        summary: 'Dismiss a merge suggestion: the two CIs are different things and are not suggested again',
        params: IdParams,
        response: { 200: MergeSuggestion, 404: Problem, 409: Problem },
      },
    },
    async (request) => merges.dismiss(request.params.id, actionContext(request)),
  );
}
