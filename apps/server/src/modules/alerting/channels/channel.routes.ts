import { Problem, NotificationChannelRoutes as R } from '@estate/contract';
import { requireIfMatch, sendEtag } from '../../../platform/http/etag';
import type { HttpServer } from '../../../platform/http/http-server';
import { actionContext } from '../../../platform/http/principal';
import type { ChannelService } from './channel.service';
import type { DeliveryService } from './delivery.service';

const tags = ['alerting'];
const read = { permission: 'alerting:read' } as const;
const write = { permission: 'alerting:write' } as const;
/** Fastify's `:id` form of a contract path template. */
const path = (template: string) => template.replace(/\{(\w+)\}/g, ':$1');

/** Notification channel types, channels (CRUD with ETag/If-Match, send test) and the delivery log. */
export function registerChannelRoutes(app: HttpServer, channels: ChannelService, deliveries: DeliveryService): void {
  app.get(
    path(R.listNotificationChannelTypes.path),
    {
      config: read,
      schema: {
        tags,
        summary: 'The notification channel types with their fields',
        response: { 200: R.listNotificationChannelTypes.response },
      },
    },
    async () => ({ items: channels.types() }),
  );

  app.get(
    path(R.listNotificationChannels.path),
    {
      config: read,
      schema: {
        tags,
        summary: 'List notification channels (by name)',
        querystring: R.listNotificationChannels.query,
        response: { 200: R.listNotificationChannels.response, 400: Problem },
      },
    },
    async (request) => channels.list(request.query),
  );

  app.post(
    path(R.createNotificationChannel.path),
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a notification channel (validated by its type)',
        body: R.createNotificationChannel.body,
        response: { 201: R.createNotificationChannel.response, 400: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const channel = await channels.create(request.body, actionContext(request));
      sendEtag(reply, channel.id, channel.version);
      return reply.code(201).send(channel);
    },
  );

  app.post(
    path(R.testUnsavedNotificationChannel.path),
    {
      config: write,
      schema: {
        tags,
        summary: 'Send a test notification through unsaved settings; answers the verdict',
        body: R.testUnsavedNotificationChannel.body,
        response: { 200: R.testUnsavedNotificationChannel.response, 400: Problem, 404: Problem },
      },
    },
    async (request) => channels.testUnsaved(request.body, actionContext(request)),
  );

  app.get(
    path(R.getNotificationChannel.path),
    {
      config: read,
      schema: {
        tags,
        summary: 'Read a notification channel (with ETag)',
        params: R.getNotificationChannel.params,
        response: { 200: R.getNotificationChannel.response, 404: Problem },
      },
    },
    async (request, reply) => {
      const channel = await channels.get(request.params.id);
      sendEtag(reply, channel.id, channel.version);
      return channel;
    },
  );

  app.patch(
    path(R.updateNotificationChannel.path),
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a notification channel (If-Match required; secrets left out are kept)',
        params: R.updateNotificationChannel.params,
        body: R.updateNotificationChannel.body,
        response: { 200: R.updateNotificationChannel.response, 400: Problem, 404: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      const channel = await channels.update(request.params.id, request.body, expected, actionContext(request));
      sendEtag(reply, channel.id, channel.version);
      return channel;
    },
  );

  app.delete(
    path(R.deleteNotificationChannel.path),
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete a notification channel (If-Match required)',
        params: R.deleteNotificationChannel.params,
        response: { 204: R.deleteNotificationChannel.response, 404: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      await channels.delete(request.params.id, expected, actionContext(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    path(R.testNotificationChannel.path),
    {
      config: write,
      schema: {
        tags,
        summary: 'Send a test notification through a saved channel; answers the verdict',
        params: R.testNotificationChannel.params,
        response: { 200: R.testNotificationChannel.response, 404: Problem },
      },
    },
    async (request) => channels.test(request.params.id, actionContext(request)),
  );

  app.get(
    path(R.listNotifications.path),
    {
      config: read,
      schema: {
        tags,
        summary: 'The delivery log, newest first (filters narrow)',
        querystring: R.listNotifications.query,
        response: { 200: R.listNotifications.response, 400: Problem },
      },
    },
    async (request) => deliveries.list(request.query),
  );

  app.get(
    path(R.getNotification.path),
    {
      config: read,
      schema: {
        tags,
        summary: 'One delivery with its notification and attempts',
        params: R.getNotification.params,
        response: { 200: R.getNotification.response, 404: Problem },
      },
    },
    async (request) => deliveries.get(request.params.id),
  );
}
