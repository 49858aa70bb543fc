import { Alert } from '@mantine/core';

/** Props of `NoPermission`. */
export interface NoPermissionProps {
  /** The permission the page needs, e.g. `audit:read`. */
  permission: string;
}

/** Shown in place of a page the signed-in user may not see (for example after following an old link). */
export function NoPermission({ permission }: NoPermissionProps) {
  return (
    <Alert color="gray" title="Not available" data-testid="no-permission">
      Your role does not include the <code>{permission}</code> permission this page needs. Ask an administrator if you need it.
    </Alert>
  );
}
