import { createTransport } from '@estate/client';
import { ActionLinkRoutes } from '@estate/contract';

/** The public action-link calls: no session needed, the token in the path is the credential. */
export function actionLinkApi() {
  const transport = createTransport({ baseUrl: '' });
  return {
    describe: async (token: string) => (await transport.call(ActionLinkRoutes.describeActionLink, { params: { token } })).body,
    use: async (token: string, action: 'acknowledge' | 'resolve') =>
      (await transport.call(ActionLinkRoutes.useActionLink, { params: { token }, body: { action } })).body,
  };
}
