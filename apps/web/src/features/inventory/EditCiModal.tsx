import { isApiError } from '@estate/client';
import { type CiTypeInfo, ProblemType, type UpdateCiRequest } from '@estate/contract';
import { Alert, Button, Center, Loader, Modal, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { ProblemAlert } from '../../components/ProblemAlert';
import { CiForm } from './CiForm';
import { ciQuery, INVENTORY_QUERY_KEY } from './inventory-queries';

/** Props of `EditCiModal`. */
export interface EditCiModalProps {
  ciId: string;
  type: CiTypeInfo | undefined;
  onClose: () => void;
}

/**
 * Dialog that edits a CI. It reads the latest version and its ETag when it opens; the save sends only what changed,
 * with `If-Match`, and is refused with 412 if someone else changed the CI in between.
 */
export function EditCiModal({ ciId, type, onClose }: EditCiModalProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const current = useQuery(ciQuery(api, ciId));
  const phone = useMediaQuery('(max-width: 36em)');
  const update = useMutation({
    // A missing ETag is sent as an empty If-Match, which the server refuses (428) rather than overwriting blindly.
    mutationFn: (patch: UpdateCiRequest) => api.updateCi(ciId, patch, current.data?.etag ?? ''),
    onSuccess: async (saved) => {
      queryClient.setQueryData(ciQuery(api, ciId).queryKey, saved);
      await queryClient.invalidateQueries({ queryKey: INVENTORY_QUERY_KEY });
      notifications.show({ color: 'teal', title: 'Saved', message: `${saved.ci.name} was updated.` });
      onClose();
    },
  });
  const conflict = isApiError(update.error, ProblemType.preconditionFailed);

  return (
    <Modal opened onClose={onClose} title="Edit configuration item" size="xl" fullScreen={phone} centered>
      {current.data ? (
        <CiForm
          key={current.data.etag ?? current.dataUpdatedAt}
          type={type}
          ci={current.data.ci}
          onSubmit={(body) => (Object.keys(body).length === 0 ? onClose() : update.mutate(body as UpdateCiRequest))}
          onCancel={onClose}
          pending={update.isPending}
          error={update.error}
          submitLabel="Save"
          notice={
            conflict ? (
              <Alert color="orange" title="Someone else changed this item" data-testid="edit-conflict">
                <Text size="sm">Your changes were not saved. Reload to see the latest version, then make your change again.</Text>
                <Button
                  size="xs"
                  mt="sm"
                  variant="default"
                  onClick={() => {
                    update.reset();
                    void current.refetch();
                  }}
                >
                  Reload
                </Button>
              </Alert>
            ) : undefined
          }
        />
      ) : current.error ? (
        <ProblemAlert error={current.error} />
      ) : (
        <Center py="xl">
          <Loader size="sm" />
        </Center>
      )}
    </Modal>
  );
}
