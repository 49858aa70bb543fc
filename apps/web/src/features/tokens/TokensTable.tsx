import type { ApiToken } from '@estate/contract';
import { Badge, Code, Group, Table, Text } from '@mantine/core';
import { formatDateTime } from '../../components/format-time';
import { RevokeTokenButton } from './RevokeTokenButton';
import { TOKEN_STATUS_COLORS, tokenStatus } from './token-status';

/** Props of `TokensTable`. */
export interface TokensTableProps {
  tokens: readonly ApiToken[];
  loading: boolean;
}

/** API tokens as a table: name, prefix, scopes, expiry, last use, status and a revoke button. */
export function TokensTable({ tokens, loading }: TokensTableProps) {
  const now = Date.now();
  return (
    <Table.ScrollContainer minWidth={860}>
      <Table striped highlightOnHover verticalSpacing="sm" data-testid="tokens-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Prefix</Table.Th>
            <Table.Th>Scopes</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>Last used</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((token) => {
            const status = tokenStatus(token, now);
            return (
              <Table.Tr key={token.id} data-testid="token-row">
                <Table.Td>
                  <Text size="sm" fw={500}>
                    {token.name}
                  </Text>
                  <Text size="xs" c="dimmed">
                    created {formatDateTime(token.createdAt)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Code>{token.prefix}…</Code>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {token.scopes.map((scope) => (
                      <Badge key={scope} variant="light" size="sm" tt="none">
                        {scope}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(token.expiresAt)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(token.lastUsedAt)}</Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="dot" color={TOKEN_STATUS_COLORS[status]} data-testid="token-status">
                    {status}
                  </Badge>
                </Table.Td>
                <Table.Td>{status !== 'revoked' && <RevokeTokenButton token={token} />}</Table.Td>
              </Table.Tr>
            );
          })}
          {!loading && tokens.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={7}>
                <Text c="dimmed" ta="center" py="md">
                  No tokens yet.
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
