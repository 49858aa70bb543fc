import type { ApiToken } from '@estate/contract';
import { Badge, Code, Group, Text } from '@mantine/core';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatDateTime } from '../../components/format-time';
import type { PagedList } from '../../components/paged-query';
import { RevokeTokenButton } from './RevokeTokenButton';
import { TOKEN_STATUS_COLORS, tokenStatus } from './token-status';

/** Props of `TokensTable`. */
export interface TokensTableProps {
  tokens: readonly ApiToken[];
  loading: boolean;
  /** The keyset list the tokens came from, for the "Load more" foot. */
  list: Pick<PagedList<unknown, unknown>, 'hasMore' | 'isLoadingMore' | 'loadMore'>;
}

/** API tokens as a table: name, prefix, scopes, expiry, last use, status and a revoke button. */
export function TokensTable({ tokens, loading, list }: TokensTableProps) {
  const now = Date.now();
  const columns: DataTableColumn<ApiToken>[] = [
    {
      id: 'name',
      header: 'Name',
      cell: (token) => (
        <>
          <Text size="sm" fw={500}>
            {token.name}
          </Text>
          <Text size="xs" c="dimmed">
            created {formatDateTime(token.createdAt)}
          </Text>
        </>
      ),
    },
    { id: 'prefix', header: 'Prefix', cell: (token) => <Code>{token.prefix}…</Code> },
    {
      id: 'scopes',
      header: 'Scopes',
      cell: (token) => (
        <Group gap={4}>
          {token.scopes.map((scope) => (
            <Badge key={scope} variant="light" size="sm" tt="none">
              {scope}
            </Badge>
          ))}
        </Group>
      ),
    },
    { id: 'expires', header: 'Expires', cell: (token) => <Text size="sm">{formatDateTime(token.expiresAt)}</Text> },
    { id: 'lastUsed', header: 'Last used', cell: (token) => <Text size="sm">{formatDateTime(token.lastUsedAt)}</Text> },
    {
      id: 'status',
      header: 'Status',
      cell: (token) => {
        const status = tokenStatus(token, now);
        return (
          <Badge variant="dot" color={TOKEN_STATUS_COLORS[status]} data-testid="token-status">
            {status}
          </Badge>
        );
      },
    },
    { id: 'actions', header: '', cell: (token) => tokenStatus(token, now) !== 'revoked' && <RevokeTokenButton token={token} /> },
  ];
  return (
    <DataTable
      columns={columns}
      rows={tokens}
      rowKey={(token) => token.id}
      loading={loading}
      empty="No tokens yet."
      list={list}
      minWidth={860}
      testId="tokens-table"
      rowTestId="token-row"
    />
  );
}
