import { Problem } from '@estate/contract';
import type { HttpServer } from '../../../platform/http/http-server';
import { problems } from '../../../platform/http/problem';
import type { CheckStatusFeed } from './check-status-feed';

/** Bytes a stream may have waiting for a slow reader before it is ended (the browser reconnects and re-reads). */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * `GET /api/v1/checks/events`: Server-Sent Events of check status changes (`event: checks`, a `CheckEventBatch` as
 * JSON), at most one a second, with keep-alive comments, for callers that accept `text/event-stream`. Authenticated
 * and authorised like every route (monitoring:read), and refused from a foreign Origin even though it is a GET.
 * Streams end when the server closes.
 */
export function registerCheckEventRoutes(app: HttpServer, feed: CheckStatusFeed): void {
  app.addHook('preClose', async () => feed.close());

  app.get(
    '/api/v1/checks/events',
    {
      config: { permission: 'monitoring:read', sameOrigin: true },
      schema: {
        tags: ['monitoring'],
        summary: 'Check status changes as Server-Sent Events (text/event-stream), coalesced to one event a second',
        response: { 400: Problem, 401: Problem, 403: Problem, 429: Problem, 503: Problem },
      },
    },
    async (request, reply) => {
      // EventSource always asks for the stream; any other caller gets an answer instead of a response that never ends.
      if (!request.headers.accept?.includes('text/event-stream')) {
        throw problems.validation('This is an event stream: send Accept: text/event-stream (EventSource does).', [
          { path: 'headers/accept', message: 'must accept text/event-stream' },
        ]);
      }
      const userId = request.principal?.userId ?? '';
      const res = reply.raw;
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        res.end();
      };
      const unsubscribe = feed.subscribe({
        userId,
        send(frame) {
          if (ended) return;
          if (res.writableLength > MAX_BUFFERED_BYTES) end();
          else res.write(frame);
        },
        close: end,
      });
      reply.hijack();
      res.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        // Proxies such as nginx would otherwise hold the events back in their buffers.
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      res.write('retry: 3000\n\n');
      res.on('close', () => {
        ended = true;
        unsubscribe();
      });
    },
  );
}
