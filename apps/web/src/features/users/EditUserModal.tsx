import { isApiError } from '@estate/client';
import { ProblemType } from '@estate/contract';
import { Alert, Button, Center, Loader, Modal } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { ProblemAlert } from '../../components/ProblemAlert';
import { EditUserForm } from './EditUserForm';
import { userQuery } from './users-queries';

/** Props of `EditUserModal`. */
export interface EditUserModalProps {
  userId: string;
  onClose: () => void;
}

/**
 * Dialog that edits a user's name, role and disabled flag. It reads the latest version (and its ETag) when it
 * opens, and the save is refused with 412 if someone else changed the user in between.
 */
export function EditUserModal({ userId, onClose }: EditUserModalProps) {
  const api = useApi();
  const current = useQuery(userQuery(api, userId));
  return (
    <Modal opened onClose={onClose} title="Edit user" centered>
      {current.data ? (
        // Keyed by version: reloading after a conflict starts the form over from the other person's change.
        <EditUserForm
          key={current.data.etag ?? current.dataUpdatedAt}
          versioned={current.data}
          onDone={onClose}
          onReload={() => current.refetch()}
        />
      ) : current.error ? (
        isApiError(current.error, ProblemType.notFound) ? (
          <Alert color="orange" title="User not found">
            This user no longer exists.
            <Button variant="default" size="xs" mt="sm" display="block" onClick={onClose}>
              Close
            </Button>
          </Alert>
        ) : (
          <ProblemAlert error={current.error} />
        )
      ) : (
        <Center py="xl">
          <Loader size="sm" />
        </Center>
      )}
    </Modal>
  );
}
