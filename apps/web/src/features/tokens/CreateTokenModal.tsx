import type { CreatedToken, CreateTokenRequest, Permission } from '@estate/contract';
import { Modal } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { CreatedTokenSecret } from './CreatedTokenSecret';
import { CreateTokenForm } from './CreateTokenForm';
import { TOKENS_QUERY_KEY } from './tokens-queries';

/** Props of `CreateTokenModal`. */
export interface CreateTokenModalProps {
  opened: boolean;
  onClose: () => void;
}

/** Dialog that creates a token and then shows its secret, once; it cannot be closed by a stray click then. */
export function CreateTokenModal({ opened, onClose }: CreateTokenModalProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (request: CreateTokenRequest) => api.createToken(request),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: TOKENS_QUERY_KEY }),
  });
  const created: CreatedToken | undefined = create.data;

  const close = () => {
    // Dropping the mutation result drops the only copy of the secret the UI holds.
    create.reset();
    onClose();
  };

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={created ? 'Token created' : 'Create API token'}
      centered
      size="lg"
      closeOnClickOutside={!created}
      closeOnEscape={!created}
    >
      {created ? (
        <CreatedTokenSecret created={created} onDone={close} />
      ) : (
        <CreateTokenForm
          pending={create.isPending}
          error={create.error}
          onCancel={close}
          onSubmit={(name: string, scopes: Permission[], expiresInDays: number) =>
            // The cast bridges the contract's scope type, which TypeBox currently infers too narrowly from PERMISSIONS.
            create.mutate({ name, scopes, expiresInDays })
          }
        />
      )}
    </Modal>
  );
}
