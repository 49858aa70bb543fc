/** Notification channels: create, change, send a test, the delivery log. */
export const NotificationChannelRoutes = {} as const;
