import type { AuditEvent } from '@estate/contract';
import { Anchor, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';

/** How each kind of target reads in the log, when its type name would not. */
const KIND_LABELS: Record<string, string> = {
  ci: 'CI',
  user: 'User',
  api_token: 'API token',
  agent: 'Agent',
  enrollment_token: 'Enrollment token',
  saved_view: 'Saved view',
  discovery_scan: 'Scan',
  discovery_run: 'Scan run',
  snmp_credential: 'SNMP credential',
  session: 'Session',
  custom_field: 'Custom field',
  import: 'Import',
  terraform_import: 'Terraform import',
  relationship: 'Relationship',
  merge_suggestion: 'Merge suggestion',
  account: 'Account',
  route: 'Route',
};

/** The page a target lives on, when it has one; `null` for kinds with no page of their own. */
function targetLink(type: string, id: string, label: ReactNode): ReactNode {
  const anchor = (to: string, params?: { id: string }) => (
    <Anchor renderRoot={(props) => <Link {...props} to={to} params={params} />} size="sm" data-testid="audit-target-link">
      {label}
    </Anchor>
  );
  switch (type) {
    case 'ci':
      return anchor('/inventory/$id', { id });
    case 'discovery_scan':
      return anchor('/discovery/scans/$id', { id });
    case 'discovery_run':
      return anchor('/discovery/runs/$id', { id });
    case 'user':
      return anchor('/users');
    case 'api_token':
      return anchor('/tokens');
    case 'agent':
    case 'enrollment_token':
      return anchor('/agents');
    case 'snmp_credential':
      return anchor('/discovery/snmp-credentials');
    case 'merge_suggestion':
      return anchor('/merge-suggestions');
    case 'terraform_import':
      return anchor('/terraform-imports');
    default:
      return null;
  }
}

/**
 * An audit event's target: its current name, linked to its page where it has one, over its kind; a target that no
 * longer exists shows its id marked "(deleted)", and one that is its own name (an account's e-mail) its id.
 */
export function AuditTarget({ event }: { event: AuditEvent }) {
  const { targetType: type, targetId: id } = event;
  if (!type) return <Text size="sm">—</Text>;
  const kind = (
    <Text size="xs" c="dimmed">
      {KIND_LABELS[type] ?? type}
    </Text>
  );
  if (!id) return kind;
  let name: ReactNode;
  if (event.targetDeleted) {
    name = (
      <Text size="sm" data-testid="audit-target-deleted">
        <Text span ff="monospace" size="xs">
          {id}
        </Text>{' '}
        (deleted)
      </Text>
    );
  } else {
    const label = event.targetLabel ?? id;
    name = targetLink(type, id, label) ?? (
      <Text size="sm" style={{ wordBreak: 'break-word' }} data-testid="audit-target-name">
        {label}
      </Text>
    );
  }
  return (
    <>
      {name}
      {kind}
    </>
  );
}
