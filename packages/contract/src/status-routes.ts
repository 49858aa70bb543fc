import { Empty, IdParams, Page } from './common';
import { route } from './route';
import { CreateStatusPageRequest, StatusPage, StatusPageListQuery, StatusSlugParams, StatusView, UpdateStatusPageRequest } from './status';

/** Status pages: managed (monitoring permissions) and the public view of pages marked public. */
export const StatusPageRoutes = {
  listStatusPages: route('GET', '/api/v1/status-pages', { query: StatusPageListQuery, response: Page(StatusPage) }),
  createStatusPage: route('POST', '/api/v1/status-pages', { body: CreateStatusPageRequest, status: 201, response: StatusPage }),
  getStatusPage: route('GET', '/api/v1/status-pages/{id}', { params: IdParams, response: StatusPage }),
  updateStatusPage: route('PATCH', '/api/v1/status-pages/{id}', { params: IdParams, body: UpdateStatusPageRequest, response: StatusPage }),
  deleteStatusPage: route('DELETE', '/api/v1/status-pages/{id}', { params: IdParams, status: 204, response: Empty }),
  statusPageView: route('GET', '/api/v1/status-pages/{id}/view', { params: IdParams, response: StatusView }),
  publicStatusView: route('GET', '/api/v1/public/status/{slug}', { params: StatusSlugParams, response: StatusView }),
} as const;
