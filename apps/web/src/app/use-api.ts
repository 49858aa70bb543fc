import type { EstateClient } from '@estate/client';
import { useContext } from 'react';
import { ApiContext } from './api-context';

/** The UI's API client. Throws when used outside `ApiProvider`, which is a programming error. */
export function useApi(): EstateClient {
  const client = useContext(ApiContext);
  if (!client) throw new Error('useApi must be used inside <ApiProvider>');
  return client;
}
