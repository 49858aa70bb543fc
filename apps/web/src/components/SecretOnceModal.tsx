import { Modal } from '@mantine/core';
import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';

/** Props of `SecretOnceModal`. */
export interface SecretOnceModalProps<TRequest, TCreated> {
  opened: boolean;
  onClose: () => void;
  /** Titles before and after creation. */
  titles: { form: string; created: string };
  /** Creates the thing whose secret is shown once. */
  create: (request: TRequest) => Promise<TCreated>;
  /** The list to refresh after a creation. */
  invalidates: QueryKey;
  /** The form; `submit` creates. */
  form: (props: { submit: (request: TRequest) => void; pending: boolean; error: unknown; cancel: () => void }) => ReactNode;
  /** What shows the secret; `done` closes the dialog and forgets it. */
  created: (created: TCreated, done: () => void) => ReactNode;
}

/**
 * A dialog that creates something with a secret (an API token, an enrollment token) and then shows the secret,
 * once: it cannot be closed by a stray click or Escape then, and closing it drops the only copy the UI holds.
 */
export function SecretOnceModal<TRequest, TCreated>(props: SecretOnceModalProps<TRequest, TCreated>) {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: props.create,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: props.invalidates }),
  });
  const created = mutation.data;
  const close = () => {
    mutation.reset();
    props.onClose();
  };
  return (
    <Modal
      opened={props.opened}
      onClose={close}
      title={created ? props.titles.created : props.titles.form}
      centered
      size="lg"
      closeOnClickOutside={!created}
      closeOnEscape={!created}
    >
      {created
        ? props.created(created, close)
        : props.form({ submit: (request) => mutation.mutate(request), pending: mutation.isPending, error: mutation.error, cancel: close })}
    </Modal>
  );
}
