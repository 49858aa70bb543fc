import type { EstateClient } from '@estate/client';
import type { NotificationListQuery } from '@estate/contract';
import { queryOptions } from '@tanstack/react-query';
import { pagedQuery } from '../../../components/paged-query';

/** Prefix of every channels query; invalidate it after saving, testing or deleting a channel. */
export const CHANNELS_QUERY_KEY = ['alerting', 'channels'] as const;

/** The channel types with their fields; they change only with a new server version. */
export function channelTypesQuery(api: EstateClient) {
  return queryOptions({
    queryKey: [...CHANNELS_QUERY_KEY, 'types'] as const,
    queryFn: async () => (await api.listNotificationChannelTypes()).items,
    staleTime: 300_000,
  });
}

/** The channels, 50 per page, re-read every 10 s (their last delivery moves). */
export function channelsListQuery(api: EstateClient) {
  return pagedQuery({
    queryKey: [...CHANNELS_QUERY_KEY, 'list'] as const,
    fetchPage: (cursor) => api.listNotificationChannels({ limit: 50, cursor }),
    refetchInterval: 10_000,
  });
}

/** One channel with its ETag. */
export function channelQuery(api: EstateClient, id: string) {
  return queryOptions({
    queryKey: [...CHANNELS_QUERY_KEY, 'channel', id] as const,
    queryFn: () => api.getNotificationChannel(id),
  });
}

/** The filters of the delivery log, without paging. */
export type NotificationFilters = Omit<NotificationListQuery, 'cursor' | 'limit'>;

/** The delivery log, newest first, 50 per page, re-read every 5 s. */
export function notificationsQuery(api: EstateClient, filters: NotificationFilters) {
  return pagedQuery({
    queryKey: [...CHANNELS_QUERY_KEY, 'notifications', filters] as const,
    fetchPage: (cursor) => api.listNotifications({ ...filters, limit: 50, cursor }),
    refetchInterval: 5_000,
  });
}

/** One delivery with its attempts. */
export function notificationQuery(api: EstateClient, id: string) {
  return queryOptions({
    queryKey: [...CHANNELS_QUERY_KEY, 'notification', id] as const,
    queryFn: () => api.getNotification(id),
    staleTime: 0,
  });
}
