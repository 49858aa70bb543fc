import type { Me } from '@estate/contract';
import { useSuspenseQuery } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { meQuery } from './auth-queries';

/**
 * The signed-in user. Only for components under the app shell, whose route guard has already loaded it, so this
 * never suspends in practice; it re-renders when the `me` query is refetched.
 */
export function useMe(): Me {
  return useSuspenseQuery(meQuery(useApi())).data;
}
