import type { EstateClient } from '@estate/client';
import type { MergeSuggestionStatus } from '@estate/contract';
import { pagedQuery } from '../../components/paged-query';

/** Prefix of every identity query; invalidate it after a merge, a dismissal or an import. */
export const IDENTITY_QUERY_KEY = ['identity'] as const;

/** Merge suggestions of one status, newest first. */
export function mergeSuggestionsQuery(api: EstateClient, status: MergeSuggestionStatus) {
  return pagedQuery({
    queryKey: [...IDENTITY_QUERY_KEY, 'merge-suggestions', status] as const,
    fetchPage: (cursor) => api.listMergeSuggestions({ status, limit: 25, cursor }),
  });
}

/** One CI's installed packages, optionally those whose name starts with `prefix`. */
export function ciSoftwareQuery(api: EstateClient, ciId: string, prefix: string) {
  return pagedQuery({
    queryKey: [...IDENTITY_QUERY_KEY, 'ci-software', ciId, prefix] as const,
    fetchPage: (cursor) => api.listCiSoftware(ciId, { name: prefix || undefined, limit: 100, cursor }),
  });
}

/** The CIs with package `name` installed (optionally one version). */
export function softwareInstallationsQuery(api: EstateClient, name: string, version: string) {
  return pagedQuery({
    queryKey: [...IDENTITY_QUERY_KEY, 'software', name, version] as const,
    fetchPage: (cursor) => api.findSoftware({ name, version: version || undefined, limit: 100, cursor }),
    enabled: name !== '',
  });
}

/** Recorded Terraform imports, newest first. */
export function terraformImportsQuery(api: EstateClient) {
  return pagedQuery({
    queryKey: [...IDENTITY_QUERY_KEY, 'terraform-imports'] as const,
    fetchPage: (cursor) => api.listTerraformImports({ limit: 25, cursor }),
  });
}
