import { FeedQuery, IdParams, Problem } from '@estate/contract';
import type { FastifyReply } from 'fastify';
import type { HttpServer } from '../../../platform/http/http-server';
import type { CalendarFeedService } from './calendar-feed.service';

const tags = ['on-call'];

/**
 * The iCalendar feeds calendar apps subscribe to: `/api/v1/schedules/{id}/calendar.ics` and
 * `/api/v1/users/{id}/calendar.ics`. Public — calendar apps carry no session — and read-only: the feed token in
 * `?token=` is the credential, and it opens that one feed and nothing else (a wrong, revoked or missing token is a
 * 404 that says nothing about which). Held to 60 fetches a minute per feed.
 */
export function registerCalendarFeedRoutes(app: HttpServer, feeds: CalendarFeedService): void {
  const config = {
    public: true,
    rateLimit: {
      max: 60,
      timeWindow: 60_000,
      keyGenerator: (request: { url: string }) => `ical:${request.url.split('?')[0]}`,
    },
  };
  const send = (reply: FastifyReply, text: string) =>
    reply.code(200).header('cache-control', 'private, max-age=300').type('text/calendar; charset=utf-8').send(text);

  app.get(
    '/api/v1/schedules/:id/calendar.ics',
    {
      config,
      schema: {
        tags,
        summary: "A schedule's shifts as an iCalendar feed (feed token in ?token=)",
        params: IdParams,
        querystring: FeedQuery,
        response: { 404: Problem },
      },
    },
    async (request, reply) => send(reply, await feeds.feed('schedule', request.params.id, request.query.token)),
  );

  app.get(
    '/api/v1/users/:id/calendar.ics',
    {
      config,
      schema: {
        tags,
        summary: "A user's shifts across schedules as an iCalendar feed (feed token in ?token=)",
        params: IdParams,
        querystring: FeedQuery,
        response: { 404: Problem },
      },
    },
    async (request, reply) => send(reply, await feeds.feed('user', request.params.id, request.query.token)),
  );
}
