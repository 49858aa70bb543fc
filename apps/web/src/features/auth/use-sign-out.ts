import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useCallback } from 'react';
import { useApi } from '../../app/use-api';

/**
 * A function that ends the session, forgets every cached answer (they belong to the user who leaves) and shows the
 * login page. It reaches the login page even when the server cannot be reached: the user asked to leave.
 */
export function useSignOut(): () => Promise<void> {
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  return useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // The session may already be gone (expired, revoked elsewhere); leaving the UI is still right.
    }
    queryClient.clear();
    await navigate({ to: '/login' });
  }, [api, queryClient, navigate]);
}
