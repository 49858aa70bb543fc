import { Button, Switch } from '@mantine/core';
import { useState } from 'react';
import { useApi } from '../../app/use-api';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { CreateTokenModal } from './CreateTokenModal';
import { TokensTable } from './TokensTable';
import { ownTokensQuery } from './tokens-queries';

/** The signed-in user's API tokens: list, create (the secret is shown once) and revoke. */
export function TokensPage() {
  const api = useApi();
  const [includeRevoked, setIncludeRevoked] = useState(false);
  const [creating, setCreating] = useState(false);
  const list = usePagedQuery(ownTokensQuery(api, includeRevoked));
  const tokens = list.items;

  return (
    <>
      <PageHeader
        title="API tokens"
        description="Tokens let scripts and integrations call the API as you, limited to the scopes you choose."
        actions={
          <Button onClick={() => setCreating(true)} data-testid="create-token">
            Create token
          </Button>
        }
      />
      <Switch
        mb="md"
        label="Show revoked tokens"
        checked={includeRevoked}
        onChange={(event) => setIncludeRevoked(event.currentTarget.checked)}
      />
      <ProblemAlert error={list.error} />
      <TokensTable tokens={tokens} loading={list.isPending} list={list} />
      <CreateTokenModal opened={creating} onClose={() => setCreating(false)} />
    </>
  );
}
