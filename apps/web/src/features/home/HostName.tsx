import { Anchor, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';

/** Props of `HostName`. */
export interface HostNameProps {
  ciId: string | null;
  /** The CI's name when known, else the host name the agent reports. */
  name: string;
  /** The host name the agent reports, shown under a CI name that differs from it. */
  instance: string;
}

/** A host's name, linking to its CI page when its agent is linked to a CI. */
export function HostName({ ciId, name, instance }: HostNameProps) {
  return (
    <>
      {ciId ? (
        <Anchor renderRoot={(props) => <Link {...props} to="/inventory/$id" params={{ id: ciId }} />} size="sm" data-testid="host-link">
          {name}
        </Anchor>
      ) : (
        <Text size="sm">{name}</Text>
      )}
      {name !== instance && (
        <Text size="xs" c="dimmed" ff="monospace">
          {instance}
        </Text>
      )}
    </>
  );
}
