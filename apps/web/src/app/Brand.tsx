import { Group, Text } from '@mantine/core';

/** The product's name and mark, as shown in the header and above the sign-in forms. */
export function Brand() {
  return (
    <Group gap={8} wrap="nowrap">
      <img src="/favicon.svg" alt="" width={26} height={26} />
      <Text component="span" fw={700} fz="lg">
        Estate
      </Text>
    </Group>
  );
}
