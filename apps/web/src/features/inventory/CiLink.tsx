import { Anchor } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useApi } from '../../app/use-api';
import { ciQuery } from './inventory-queries';

/** Props of `CiLink`. */
export interface CiLinkProps {
  id: string;
  /** The name when the caller already knows it; otherwise it is read. */
  name?: string;
}

/** A link to a CI's page, showing its name (read when not given; the id until it arrives or if it is gone). */
export function CiLink({ id, name }: CiLinkProps) {
  const api = useApi();
  const read = useQuery({ ...ciQuery(api, id), enabled: name === undefined, staleTime: 60_000, retry: false });
  return (
    <Anchor renderRoot={(props) => <Link {...props} to="/inventory/$id" params={{ id }} />} size="sm">
      {name ?? read.data?.ci.name ?? id}
    </Anchor>
  );
}
