import type { EnrollmentToken, EnrollmentTokenStatus } from '@estate/contract';
import { Badge, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { formatDateTime } from '../../components/format-time';
import { ENROLLMENT_TOKENS_QUERY_KEY } from './agents-queries';

/** Props of `EnrollmentTokensTable`. */
export interface EnrollmentTokensTableProps {
  tokens: readonly EnrollmentToken[];
  loading: boolean;
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

/** Enrollment tokens: name, status, approval, creation, expiry, use; unused ones can be revoked. */
export function EnrollmentTokensTable({ tokens, loading, canManage }: EnrollmentTokensTableProps) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped verticalSpacing="xs" data-testid="enrollment-tokens-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Approval</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Used</Table.Th>
            {canManage && <Table.Th aria-label="Actions" />}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((token) => (
            <Table.Tr key={token.id} data-testid="enrollment-token-row">
              <Table.Td>
                <Text size="sm" fw={500}>
                  {token.name}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge variant="dot" color={STATUS_COLORS[token.status]} data-testid="enrollment-token-status">
                  {token.status}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{token.requireApproval ? 'required' : 'no'}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDateTime(token.createdAt)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDateTime(token.expiresAt)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{formatDateTime(token.usedAt, '—')}</Text>
              </Table.Td>
              {canManage && <Table.Td>{token.status === 'unused' && <RevokeEnrollmentTokenButton token={token} />}</Table.Td>}
            </Table.Tr>
          ))}
          {!loading && tokens.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={canManage ? 7 : 6}>
                <Text c="dimmed" ta="center" py="md">
                  No enrollment tokens yet.
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
