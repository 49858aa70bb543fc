import { createTransport } from '@estate/client';
import { StatusPageRoutes } from '@estate/contract';

/** The public status view: no session needed; only pages marked public answer. */
export function publicStatusApi() {
  const transport = createTransport({ baseUrl: '' });
  return {
    view: async (slug: string) => (await transport.call(StatusPageRoutes.publicStatusView, { params: { slug } })).body,
  };
}
