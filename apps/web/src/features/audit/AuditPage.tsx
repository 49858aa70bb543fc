import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useApi } from '../../app/use-api';
import { NoPermission } from '../../components/NoPermission';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { useMe } from '../auth/use-me';
import { AuditFilterBar } from './AuditFilterBar';
import { AuditTable } from './AuditTable';
import { type AuditFilters, auditEventsQuery } from './audit-queries';

/** The audit log: every change and sign-in, newest first, filterable, each row expandable to its full record. */
export function AuditPage() {
  const me = useMe();
  if (!can(me, 'audit:read')) return <NoPermission permission="audit:read" />;
  return <AuditLog />;
}

function AuditLog() {
  const api = useApi();
  const [filters, setFilters] = useState<AuditFilters>({});
  const list = usePagedQuery(auditEventsQuery(api, filters));

  return (
    <>
      <PageHeader title="Audit log" description="Append-only and hash-chained: who did what, when, from where, and what changed." />
      <AuditFilterBar onApply={setFilters} />
      <ProblemAlert error={list.error} />
      <AuditTable events={list.items} loading={list.isPending} list={list} />
    </>
  );
}
