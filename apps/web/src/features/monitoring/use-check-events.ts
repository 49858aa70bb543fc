import type { CheckEventBatch } from '@estate/contract';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../../app/use-api';
import { applyCheckBatch } from './check-live';
import { LIVE_REFRESH_MS, MONITORING_QUERY_KEY } from './monitoring-queries';

/**
 * Listens to the server's live check status (`GET /api/v1/checks/events`) while the calling view is open and applies
 * each batch to the cached lists, summary and check pages. Answers the refetch interval the view's queries should
 * use: none while the stream is open, {@link LIVE_REFRESH_MS} while it is not (connecting, reconnecting, refused, or a
 * browser without EventSource), so the view polls as before whenever the stream cannot carry it.
 */
export function useCheckEvents(): number | false {
  const api = useApi();
  const queryClient = useQueryClient();
  const [live, setLive] = useState(false);

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(api.checkEventsUrl());
    let opened = false;
    source.onopen = () => {
      // A reconnection may have missed batches: read what is shown again once.
      if (opened) void queryClient.invalidateQueries({ queryKey: MONITORING_QUERY_KEY });
      opened = true;
      setLive(true);
    };
    source.onerror = () => setLive(false);
    source.addEventListener('checks', (event) => {
      applyCheckBatch(queryClient, JSON.parse((event as MessageEvent<string>).data) as CheckEventBatch);
    });
    return () => {
      source.close();
      setLive(false);
    };
  }, [api, queryClient]);

  return live ? false : LIVE_REFRESH_MS;
}
