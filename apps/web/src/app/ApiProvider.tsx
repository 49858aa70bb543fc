import type { EstateClient } from '@estate/client';
import type { ReactNode } from 'react';
import { ApiContext } from './api-context';

/** Props of `ApiProvider`. */
export interface ApiProviderProps {
  /** The client every component below talks to the server with. */
  client: EstateClient;
  children: ReactNode;
}

/** Makes the API client available to every component below it through `useApi`. */
export function ApiProvider({ client, children }: ApiProviderProps) {
  return <ApiContext.Provider value={client}>{children}</ApiContext.Provider>;
}
