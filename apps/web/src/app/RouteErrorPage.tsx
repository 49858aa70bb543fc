import { Button, Center, Stack, Title } from '@mantine/core';
import type { ErrorComponentProps } from '@tanstack/react-router';
import { ProblemAlert } from '../components/ProblemAlert';

/** Shown when loading a page failed outright, e.g. the server could not be reached; offers to try again. */
export function RouteErrorPage({ error, reset }: ErrorComponentProps) {
  return (
    <Center mih="60vh" p="md">
      <Stack maw={520} w="100%" gap="md">
        <Title order={2}>Something went wrong</Title>
        <ProblemAlert error={error} />
        <Button onClick={() => (reset ? reset() : window.location.reload())} w="fit-content">
          Try again
        </Button>
      </Stack>
    </Center>
  );
}
