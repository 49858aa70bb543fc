import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createApiClient } from './app/api-client';
import { createQueryClient } from './app/query-client';
import { createAppRouter } from './app/router';

const api = createApiClient();
const queryClient = createQueryClient({
  // The router is created below; these run only after a request has failed, long after start-up.
  onUnauthenticated: () => {
    queryClient.clear();
    const here = router.state.location.href;
    if (!here.startsWith('/login') && !here.startsWith('/setup')) void router.navigate({ to: '/login', search: { redirect: here } });
  },
  onMfaEnrolmentRequired: () => {
    void router.navigate({ to: '/enrol-mfa' });
  },
});
const router = createAppRouter({ api, queryClient });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App api={api} queryClient={queryClient} router={router} />
  </StrictMode>,
);
