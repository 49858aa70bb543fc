import type { EstateClient } from '@estate/client';
import { MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { ApiProvider } from './ApiProvider';
import type { AppRouter } from './router';
import { colorSchemeManager, theme } from './theme';

/** Props of `App`: the long-lived objects created once in `main.tsx`. */
export interface AppProps {
  api: EstateClient;
  queryClient: QueryClient;
  router: AppRouter;
}

/** The whole UI: theme, notifications, API client, query cache and the router. */
export function App({ api, queryClient, router }: AppProps) {
  return (
    <MantineProvider theme={theme} colorSchemeManager={colorSchemeManager} defaultColorScheme="auto">
      <Notifications position="top-right" />
      <ApiProvider client={api}>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </ApiProvider>
    </MantineProvider>
  );
}
