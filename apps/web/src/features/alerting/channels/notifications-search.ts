import type { DeliveryStatus } from '@estate/contract';
import { DELIVERY_STATUSES } from '@estate/contract';

/** The search parameters of the delivery log: its filters. */
export interface NotificationsSearch {
  channelId?: string;
  status?: DeliveryStatus;
  groupKey?: string;
}

/** Reads the delivery log's filters from the URL, dropping what is not one. */
export function validateNotificationsSearch(search: Record<string, unknown>): NotificationsSearch {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const status = text(search.status);
  return {
    ...(text(search.channelId) ? { channelId: text(search.channelId) } : {}),
    ...(status && (DELIVERY_STATUSES as readonly string[]).includes(status) ? { status: status as DeliveryStatus } : {}),
    ...(text(search.groupKey) ? { groupKey: text(search.groupKey) } : {}),
  };
}
