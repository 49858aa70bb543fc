import {
  type CreateNotificationChannelRequest,
  type DeliveryVerdictAnswer,
  type NotificationChannel,
  type NotificationChannelListQuery,
  type NotificationChannelTypeList,
  type NotificationDelivery,
  type NotificationDeliveryDetail,
  type NotificationListQuery,
  NotificationChannelRoutes as routes,
  type TestNotificationChannelRequest,
  type UpdateNotificationChannelRequest,
} from '@estate/contract';
import type { Versioned } from './discovery-scans';
import type { PageOf } from './page';
import type { ApiResponse, Transport } from './transport';

/** Notification channels (secrets write-only), their test sends, and the delivery log. */
export interface ChannelMethods {
  /** `GET /notification-channel-types`: each type with its fields (which are secret, defaults, options). */
  listNotificationChannelTypes(): Promise<NotificationChannelTypeList>;
  /** `GET /notification-channels`: one page, by name. */
  listNotificationChannels(query?: NotificationChannelListQuery): Promise<PageOf<NotificationChannel>>;
  /** `GET /notification-channels/{id}` with its ETag. */
  getNotificationChannel(id: string): Promise<Versioned<NotificationChannel>>;
  /** `POST /notification-channels`: a 400 names the field it refuses (`settings.url`, `secrets.password`). */
  createNotificationChannel(request: CreateNotificationChannelRequest): Promise<Versioned<NotificationChannel>>;
  /** `PATCH /notification-channels/{id}` with `If-Match`; secrets left out keep their stored values. */
  updateNotificationChannel(id: string, patch: UpdateNotificationChannelRequest, etag: string): Promise<Versioned<NotificationChannel>>;
  /** `DELETE /notification-channels/{id}` with `If-Match`. */
  deleteNotificationChannel(id: string, etag: string): Promise<void>;
  /** `POST /notification-channels/{id}/test`: sends the test notification through the saved channel. */
  testNotificationChannel(id: string): Promise<DeliveryVerdictAnswer>;
  /** `POST /notification-channels/test`: sends the test notification through unsaved settings. */
  testUnsavedNotificationChannel(request: TestNotificationChannelRequest): Promise<DeliveryVerdictAnswer>;
  /** `GET /notifications`: the delivery log, newest first. */
  listNotifications(query?: NotificationListQuery): Promise<PageOf<NotificationDelivery>>;
  /** `GET /notifications/{id}`: one delivery with its attempts. */
  getNotification(id: string): Promise<NotificationDeliveryDetail>;
}

const versioned = <T>(answer: ApiResponse<T>): Versioned<T> => ({ value: answer.body, etag: answer.headers.get('etag') });

/** Builds the channel methods over a transport. */
export function createChannelMethods(transport: Transport): ChannelMethods {
  return {
    async listNotificationChannelTypes() {
      return (await transport.call(routes.listNotificationChannelTypes)).body;
    },
    async listNotificationChannels(query = {}) {
      return (await transport.call(routes.listNotificationChannels, { query })).body;
    },
    async getNotificationChannel(id) {
      return versioned(await transport.call(routes.getNotificationChannel, { params: { id } }));
    },
    async createNotificationChannel(request) {
      return versioned(await transport.call(routes.createNotificationChannel, { body: request }));
    },
    async updateNotificationChannel(id, patch, etag) {
      return versioned(
        await transport.call(routes.updateNotificationChannel, { params: { id }, body: patch, headers: { 'if-match': etag } }),
      );
    },
    async deleteNotificationChannel(id, etag) {
      await transport.call(routes.deleteNotificationChannel, { params: { id }, headers: { 'if-match': etag } });
    },
    async testNotificationChannel(id) {
      return (await transport.call(routes.testNotificationChannel, { params: { id } })).body;
    },
    async testUnsavedNotificationChannel(request) {
      return (await transport.call(routes.testUnsavedNotificationChannel, { body: request })).body;
    },
    async listNotifications(query = {}) {
      return (await transport.call(routes.listNotifications, { query })).body;
    },
    async getNotification(id) {
      return (await transport.call(routes.getNotification, { params: { id } })).body;
    },
  };
}
