import type { ApiToken } from '@estate/contract';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { TOKENS_QUERY_KEY } from './tokens-queries';

/** Props of `RevokeTokenButton`. */
export interface RevokeTokenButtonProps {
  token: ApiToken;
}

/** Revokes a token after confirmation; scripts using it fail from then on. */
export function RevokeTokenButton({ token }: RevokeTokenButtonProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  return (
    <ConfirmButton
      label="Revoke"
      title={`Revoke "${token.name}"?`}
      message="Anything using this token will be refused from now on. This cannot be undone."
      confirmLabel="Revoke token"
      aria-label={`Revoke token ${token.name}`}
      data-testid="revoke-token"
      onConfirm={async () => {
        await api.revokeToken(token.id);
        notifications.show({ color: 'teal', title: 'Token revoked', message: `"${token.name}" no longer works.` });
        await queryClient.invalidateQueries({ queryKey: TOKENS_QUERY_KEY });
      }}
    />
  );
}
