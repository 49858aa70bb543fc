import {
  CreateNotificationChannelRequest,
  DeliveryVerdictAnswer,
  NotificationChannel,
  NotificationChannelListQuery,
  NotificationChannelTypeList,
  NotificationDelivery,
  NotificationDeliveryDetail,
  NotificationListQuery,
  TestNotificationChannelRequest,
  UpdateNotificationChannelRequest,
} from './channels';
import { Empty, IdParams, Page } from './common';
import { route } from './route';

/** Notification channels: create, change, send a test, the delivery log. */
export const NotificationChannelRoutes = {
  listNotificationChannelTypes: route('GET', '/api/v1/notification-channel-types', { response: NotificationChannelTypeList }),
  listNotificationChannels: route('GET', '/api/v1/notification-channels', {
    query: NotificationChannelListQuery,
    response: Page(NotificationChannel),
  }),
  createNotificationChannel: route('POST', '/api/v1/notification-channels', {
    body: CreateNotificationChannelRequest,
    status: 201,
    response: NotificationChannel,
  }),
  testUnsavedNotificationChannel: route('POST', '/api/v1/notification-channels/test', {
    body: TestNotificationChannelRequest,
    response: DeliveryVerdictAnswer,
  }),
  getNotificationChannel: route('GET', '/api/v1/notification-channels/{id}', { params: IdParams, response: NotificationChannel }),
  updateNotificationChannel: route('PATCH', '/api/v1/notification-channels/{id}', {
    params: IdParams,
    body: UpdateNotificationChannelRequest,
    response: NotificationChannel,
  }),
  deleteNotificationChannel: route('DELETE', '/api/v1/notification-channels/{id}', { params: IdParams, status: 204, response: Empty }),
  testNotificationChannel: route('POST', '/api/v1/notification-channels/{id}/test', { params: IdParams, response: DeliveryVerdictAnswer }),
  listNotifications: route('GET', '/api/v1/notifications', { query: NotificationListQuery, response: Page(NotificationDelivery) }),
  getNotification: route('GET', '/api/v1/notifications/{id}', { params: IdParams, response: NotificationDeliveryDetail }),
} as const;
