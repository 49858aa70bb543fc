import {
  type CreateStatusPageRequest,
  StatusPageRoutes as routes,
  type StatusPage,
  type StatusPageListQuery,
  type StatusView,
  type UpdateStatusPageRequest,
} from '@estate/contract';
import type { Versioned } from './discovery-scans';
import type { PageOf } from './page';
import type { ApiResponse, Transport } from './transport';

/** Status pages: what the users of a service see (the public view is read signed out, not through this client). */
export interface StatusPageMethods {
  /** `GET /status-pages`: by title. */
  listStatusPages(query?: StatusPageListQuery): Promise<PageOf<StatusPage>>;
  /** `POST /status-pages`: a 400 names the component it refuses; 409 when the slug is taken. */
  createStatusPage(request: CreateStatusPageRequest): Promise<Versioned<StatusPage>>;
  /** `GET /status-pages/{id}` with its ETag. */
  getStatusPage(id: string): Promise<Versioned<StatusPage>>;
  /** `PATCH /status-pages/{id}` with `If-Match`; components, when given, replace the list. */
  updateStatusPage(id: string, patch: UpdateStatusPageRequest, etag: string): Promise<Versioned<StatusPage>>;
  /** `DELETE /status-pages/{id}`. */
  deleteStatusPage(id: string): Promise<void>;
  /** `GET /status-pages/{id}/view`: the page as its readers see it, public or not. */
  statusPageView(id: string): Promise<StatusView>;
}

const versioned = <T>(answer: ApiResponse<T>): Versioned<T> => ({ value: answer.body, etag: answer.headers.get('etag') });

export function createStatusPageMethods(transport: Transport): StatusPageMethods {
  return {
    async listStatusPages(query) {
      return (await transport.call(routes.listStatusPages, { query })).body;
    },
    async createStatusPage(request) {
      return versioned(await transport.call(routes.createStatusPage, { body: request }));
    },
    async getStatusPage(id) {
      return versioned(await transport.call(routes.getStatusPage, { params: { id } }));
    },
    async updateStatusPage(id, patch, etag) {
      return versioned(await transport.call(routes.updateStatusPage, { params: { id }, body: patch, headers: { 'if-match': etag } }));
    },
    async deleteStatusPage(id) {
      await transport.call(routes.deleteStatusPage, { params: { id } });
    },
    async statusPageView(id) {
      return (await transport.call(routes.statusPageView, { params: { id } })).body;
    },
  };
}
