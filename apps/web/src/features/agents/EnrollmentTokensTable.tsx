import type { EnrollmentToken, EnrollmentTokenStatus } from '@estate/contract';
import { Badge, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { formatDateTime } from '../../components/format-time';
import type { PagedList } from '../../components/paged-query';
import { ENROLLMENT_TOKENS_QUERY_KEY } from './agents-queries';

/** Props of `EnrollmentTokensTable`. */
export interface EnrollmentTokensTableProps {
  tokens: readonly EnrollmentToken[];
  loading: boolean;
  /** The keyset list the tokens came from, for the "Load more" foot. */
  list: Pick<PagedList<unknown, unknown>, 'hasMore' | 'isLoadingMore' | 'loadMore'>;
  /** Whether to show the revoke button (the viewer holds `agents:write`). */
  canManage: boolean;
}

const STATUS_COLORS: Record<EnrollmentTokenStatus, string> = { unused: 'blue', used: 'teal', expired: 'gray', revoked: 'red' };

function RevokeEnrollmentTokenButton({ token }: { token: EnrollmentToken }) {
  const api = useApi();
  const queryClient = useQueryClient();
  return (
    <ConfirmButton
      label="Revoke"
      title={`Revoke "${token.name}"?`}
      message="Nobody will be able to enroll an agent with this token. Agents already enrolled are not affected."
      confirmLabel="Revoke token"
      aria-label={`Revoke enrollment token ${token.name}`}
      data-testid="revoke-enrollment-token"
      onConfirm={async () => {
        await api.revokeEnrollmentToken(token.id);
        notifications.show({ color: 'teal', title: 'Token revoked', message: `"${token.name}" can no longer enroll an agent.` });
        await queryClient.invalidateQueries({ queryKey: ENROLLMENT_TOKENS_QUERY_KEY });
      }}
    />
  );
}

const COLUMNS: DataTableColumn<EnrollmentToken>[] = [
  {
    id: 'name',
    header: 'Name',
    cell: (token) => (
      <Text size="sm" fw={500}>
        {token.name}
      </Text>
    ),
  },
  {
    id: 'status',
    header: 'Status',
    cell: (token) => (
      <Badge variant="dot" color={STATUS_COLORS[token.status]} data-testid="enrollment-token-status">
        {token.status}
      </Badge>
    ),
  },
  { id: 'approval', header: 'Approval', cell: (token) => <Text size="sm">{token.requireApproval ? 'required' : 'no'}</Text> },
  { id: 'created', header: 'Created', cell: (token) => <Text size="sm">{formatDateTime(token.createdAt)}</Text> },
  { id: 'expires', header: 'Expires', cell: (token) => <Text size="sm">{formatDateTime(token.expiresAt)}</Text> },
  { id: 'used', header: 'Used', cell: (token) => <Text size="sm">{formatDateTime(token.usedAt, '—')}</Text> },
];

const ACTIONS: DataTableColumn<EnrollmentToken> = {
  id: 'actions',
  header: '',
  cell: (token) => token.status === 'unused' && <RevokeEnrollmentTokenButton token={token} />,
};

/** Enrollment tokens: name, status, approval, creation, expiry, use; unused ones can be revoked. */
export function EnrollmentTokensTable({ tokens, loading, list, canManage }: EnrollmentTokensTableProps) {
  return (
    <DataTable
      columns={canManage ? [...COLUMNS, ACTIONS] : COLUMNS}
      rows={tokens}
      rowKey={(token) => token.id}
      loading={loading}
      empty="No enrollment tokens yet."
      list={list}
      minWidth={760}
      testId="enrollment-tokens-table"
      rowTestId="enrollment-token-row"
    />
  );
}
