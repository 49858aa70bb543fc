import type { CreatedToken, CreateTokenRequest, Permission } from '@estate/contract';
import { useApi } from '../../app/use-api';
import { SecretOnceModal } from '../../components/SecretOnceModal';
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
  return (
    <SecretOnceModal<CreateTokenRequest, CreatedToken>
      opened={opened}
      onClose={onClose}
      titles={{ form: 'Create API token', created: 'Token created' }}
      create={(request) => api.createToken(request)}
      invalidates={TOKENS_QUERY_KEY}
      created={(created, done) => <CreatedTokenSecret created={created} onDone={done} />}
      form={({ submit, pending, error, cancel }) => (
        <CreateTokenForm
          pending={pending}
          error={error}
          onCancel={cancel}
          onSubmit={(name: string, scopes: Permission[], expiresInDays: number) => submit({ name, scopes, expiresInDays })}
        />
      )}
    />
  );
}
