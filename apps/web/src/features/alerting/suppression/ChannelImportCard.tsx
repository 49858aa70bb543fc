import type { RoutingChannelImport } from '@estate/contract';
import { Anchor, Badge, Code, Group, List, Stack, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { SectionCard } from '../../../components/SectionCard';

/**
 * What a save (or a preview) made of the pasted receivers' inline Alertmanager integrations: the channels created
 * or reused (linking to their pages once stored), the fields without effect in Estate, and the `global` keys dropped.
 */
export function ChannelImportCard({ result, preview }: { result: RoutingChannelImport; preview: boolean }) {
  if (result.channels.length === 0 && result.ignored.length === 0 && result.removedGlobals.length === 0) return null;
  return (
    <SectionCard
      title={preview ? 'Saving will create these channels' : 'Inline integrations saved as channels'}
      description="Each inline integration is a stored channel with its secrets sealed; the receiver names it in estate_channels."
    >
      <Stack gap="xs" data-testid="routing-channel-import">
        {result.channels.map((channel) => (
          <Group key={channel.path} gap={6} data-testid="routing-imported-channel">
            {channel.id ? (
              <Anchor
                size="sm"
                renderRoot={(props) => <Link {...props} to="/alerting/channels/$id" params={{ id: channel.id as string }} />}
              >
                {channel.name}
              </Anchor>
            ) : (
              <Text size="sm">{channel.name}</Text>
            )}
            <Badge size="sm" variant="light" styles={{ label: { textTransform: 'none' } }}>
              {channel.type}
            </Badge>
            <Badge size="sm" variant="outline" color={channel.reused ? 'gray' : 'teal'}>
              {channel.reused ? 'existing' : preview ? 'new' : 'created'}
            </Badge>
            <Code>{channel.path}</Code>
          </Group>
        ))}
        {result.ignored.length > 0 && (
          <>
            <Text size="sm" c="dimmed">
              Without effect in Estate:
            </Text>
            <List size="xs" spacing={2}>
              {result.ignored.map((note) => (
                <List.Item key={note.path}>
                  <Code>{note.path}</Code> {note.message}
                </List.Item>
              ))}
            </List>
          </>
        )}
        {result.removedGlobals.length > 0 && (
          <Text size="xs" c="dimmed">
            Removed from global (only the inline integrations used them): {result.removedGlobals.join(', ')}
          </Text>
        )}
      </Stack>
    </SectionCard>
  );
}
