import type { Static, TSchema } from 'typebox';

/*
 * How one API operation is declared once for the server and every client: its method, its path template and the
 * schemas of its parts. The client builds its requests from these declarations and types its answers with them;
 * the server's test walks the table and fails when a registered route drifts from its declaration.
 */

/** The HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The schemas of an operation's parts, each absent when the operation has no such part. */
export interface RouteSchemas {
  /** The path parameters: one property per `{name}` of the path template. */
  readonly params?: TSchema;
  /** The query string. */
  readonly query?: TSchema;
  /** The JSON request body. */
  readonly body?: TSchema;
  /** The JSON body of the success answer; absent when that answer is not JSON (a CSV download, say). */
  readonly response?: TSchema;
  /** The status code of the success answer; 200 unless given. */
  readonly status?: number;
}

/**
 * One operation of the API. `path` is an OpenAPI path template such as `/api/v1/cis/{id}`; the server registers it
 * as `/api/v1/cis/:id`. `status` is the status code of the success answer, whose body `response` describes.
 */
export interface ApiRoute extends RouteSchemas {
  readonly method: HttpMethod;
  readonly path: string;
  readonly status: number;
}

/**
 * Declares one operation. The literal types of its method, path and schemas are kept, so that the types of its
 * parameters, query, body and answer can be derived from the declaration (see `RouteParams` and the others).
 */
export function route<const M extends HttpMethod, const P extends string, const S extends RouteSchemas>(
  method: M,
  path: P,
  schemas: S,
): S & { readonly method: M; readonly path: P; readonly status: number } {
  return { ...schemas, method, path, status: schemas.status ?? 200 };
}

type StaticPart<R, K extends keyof RouteSchemas, Otherwise> = R extends { readonly [key in K]: infer S extends TSchema }
  ? Static<S>
  : Otherwise;

/** The type of a route's path parameters; undefined when it has none. */
export type RouteParams<R extends ApiRoute> = StaticPart<R, 'params', undefined>;
/** The type of a route's query string; undefined when it takes none. */
export type RouteQuery<R extends ApiRoute> = StaticPart<R, 'query', undefined>;
/** The type of a route's JSON request body; undefined when it takes none. */
export type RouteBody<R extends ApiRoute> = StaticPart<R, 'body', undefined>;
/** The type of a route's success answer body; unknown when that answer is not JSON. */
export type RouteResponse<R extends ApiRoute> = StaticPart<R, 'response', unknown>;

/** The names of a path template's parameters, in order: `{id}` in `/api/v1/cis/{id}` gives `['id']`. */
export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
}

/**
 * Fills a route's path template with its parameters, each encoded with `encodeURIComponent`, so that an id can
 * never reach another path. Throws when the template names a parameter that `params` lacks.
 */
export function pathOf(route: Pick<ApiRoute, 'path'>, params: Readonly<Record<string, string | number>> = {}): string {
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`The path ${route.path} needs the parameter "${name}".`);
    return encodeURIComponent(String(value));
  });
}
