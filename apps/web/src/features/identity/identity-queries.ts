import type { EstateClient } from '@estate/client';
import type { MergeSuggestionStatus } from '@estate/contract';
import { infiniteQueryOptions } from '@tanstack/react-query';

/** Prefix of every identity query; invalidate it after a merge, a dismissal or an import. */
export const IDENTITY_QUERY_KEY = ['identity'] as const;

const pages = {
  initialPageParam: undefined as string | undefined,
  getNextPageParam: (page: { nextCursor: string | null }) => page.nextCursor ?? undefined,
};

/** Merge suggestions of one status, newest first. */
export function mergeSuggestionsQuery(api: EstateClient, status: MergeSuggestionStatus) {
  return infiniteQueryOptions({
    queryKey: [...IDENTITY_QUERY_KEY, 'merge-suggestions', status] as const,
    queryFn: ({ pageParam }) => api.listMergeSuggestions({ status, limit: 25, cursor: pageParam }),
    ...pages,
  });
}

/** One CI's installed packages, optionally those whose name starts with `prefix`. */
export function ciSoftwareQuery(api: EstateClient, ciId: string, prefix: string) {
  return infiniteQueryOptions({
    queryKey: [...IDENTITY_QUERY_KEY, 'ci-software', ciId, prefix] as const,
    queryFn: ({ pageParam }) => api.listCiSoftware(ciId, { name: prefix || undefined, limit: 100, cursor: pageParam }),
    ...pages,
  });
}

/** The CIs with package `name` installed (optionally one version). */
export function softwareInstallationsQuery(api: EstateClient, name: string, version: string) {
  return infiniteQueryOptions({
    queryKey: [...IDENTITY_QUERY_KEY, 'software', name, version] as const,
    queryFn: ({ pageParam }) => api.findSoftware({ name, version: version || undefined, limit: 100, cursor: pageParam }),
    enabled: name !== '',
    ...pages,
  });
}

/** Recorded Terraform imports, newest first. */
export function terraformImportsQuery(api: EstateClient) {
  return infiniteQueryOptions({
    queryKey: [...IDENTITY_QUERY_KEY, 'terraform-imports'] as const,
    queryFn: ({ pageParam }) => api.listTerraformImports({ limit: 25, cursor: pageParam }),
    ...pages,
  });
}
