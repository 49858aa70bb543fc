import { Button, type ButtonProps, Group, Modal, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { ProblemAlert } from './ProblemAlert';

/** Props of `ConfirmButton`. */
export interface ConfirmButtonProps extends Omit<ButtonProps, 'children'> {
  /** Text of the button that opens the confirmation. */
  label: string;
  /** Title of the confirmation dialog. */
  title: string;
  /** What will happen, in a sentence or two. */
  message: string;
  /** Text of the confirming button, e.g. "Revoke". */
  confirmLabel: string;
  /** The action; the dialog stays open and shows the problem if it rejects. */
  onConfirm: () => Promise<unknown>;
  'data-testid'?: string;
}

/** A button for a destructive action that asks for confirmation in a dialog first. */
export function ConfirmButton({ label, title, message, confirmLabel, onConfirm, ...buttonProps }: ConfirmButtonProps) {
  const [opened, dialog] = useDisclosure(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      dialog.close();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button color="red" variant="light" size="xs" {...buttonProps} onClick={dialog.open}>
        {label}
      </Button>
      <Modal opened={opened} onClose={dialog.close} title={title} centered>
        <Stack gap="md">
          <Text size="sm">{message}</Text>
          <ProblemAlert error={error} />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={dialog.close}>
              Cancel
            </Button>
            <Button color="red" onClick={() => void confirm()} loading={busy} data-testid="confirm-action">
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
