import { type RegisteredRouter, type RouteIds, useParams, useSearch } from '@tanstack/react-router';

/**
 * The path of a page inside the signed-in shell, as written in links: `/inventory/$id`, `/discovery/runs/$id`. Read from the
 * router registered in `router.tsx`, so that this file does not import the router (which imports the pages).
 */
export type ShellPath =
  RouteIds<RegisteredRouter['routeTree']> extends infer Id ? (Id extends `/shell${infer Path}` ? Path : never) : never;

/**
 * The parameters of the shell page at `path`, typed by the router (`useRouteParams('/inventory/$id').id` is a
 * string), instead of an unchecked cast of `useParams({ strict: false })`. Throws when rendered outside that route,
 * which is a programming error, not a user's.
 */
export function useRouteParams<const Path extends ShellPath>(path: Path) {
  return useParams({ from: `/shell${path}` });
}

/**
 * The search parameters of the shell page at `path`, as its route's `validateSearch` typed them
 * (`useRouteSearch('/software').name` is `string | undefined`), instead of an unchecked cast.
 */
export function useRouteSearch<const Path extends ShellPath>(path: Path) {
  return useSearch({ from: `/shell${path}` });
}
