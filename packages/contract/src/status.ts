import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';

/*
 * Status pages: what the users of a service see. A page lists components (business service CIs and checks, in
 * order, optionally grouped); its view derives each component's state from check states and the inventory graph,
 * shows 90 days of uptime bars and the maintenance windows (alerting's, the same ones that mute alerts) covering
 * them. Managed under `/api/v1/status-pages`; a page marked public is also readable signed out at
 * `/api/v1/public/status/{slug}`, in a shape that names no internal id, target or label.
 */

const enumOf = <T extends string>(values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] });

/** A page's address segment: lower-case letters, digits and inner hyphens. */
export const StatusPageSlug = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$' });

/** What a component shows the state of. */
export const STATUS_COMPONENT_KINDS = ['service', 'check'] as const;
export type StatusComponentKind = (typeof STATUS_COMPONENT_KINDS)[number];

/** A component as written: a business service CI or a check, with an optional display name and group. */
export const StatusComponentInput = Type.Object(
  {
    kind: enumOf(STATUS_COMPONENT_KINDS),
    /** The business service CI's id (kind service) or the check's id (kind check). */
    refId: Id,
    /** The name shown on the page; absent or empty: the CI's or check's own name. */
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    /** The group heading it is shown under; absent or empty: no group. */
    group: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type StatusComponentInput = Static<typeof StatusComponentInput>;

/** A stored component, with the name of what it refers to as it is now (null when that was deleted). */
export const StatusComponent = Type.Object({
  kind: enumOf(STATUS_COMPONENT_KINDS),
  refId: Id,
  displayName: Type.String(),
  group: Type.String(),
  refName: Type.Union([Type.String(), Type.Null()]),
});
export type StatusComponent = Static<typeof StatusComponent>;

/** A status page as managed. */
export const StatusPage = Type.Object({
  id: Id,
  title: Type.String(),
  slug: StatusPageSlug,
  description: Type.String(),
  /** Readable signed out at /status/{slug}. */
  public: Type.Boolean(),
  components: Type.Array(StatusComponent),
  createdAt: EpochMs,
  updatedAt: EpochMs,
  version: Type.Integer({ minimum: 1 }),
});
export type StatusPage = Static<typeof StatusPage>;

/** Creates a status page. */
export const CreateStatusPageRequest = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    slug: StatusPageSlug,
    description: Type.Optional(Type.String({ maxLength: 4_000 })),
    public: Type.Optional(Type.Boolean()),
    components: Type.Array(StatusComponentInput, { maxItems: 100 }),
  },
  { additionalProperties: false },
);
export type CreateStatusPageRequest = Static<typeof CreateStatusPageRequest>;

/** Changes a status page (If-Match required); components, when given, replace the list. */
export const UpdateStatusPageRequest = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    slug: Type.Optional(StatusPageSlug),
    description: Type.Optional(Type.String({ maxLength: 4_000 })),
    public: Type.Optional(Type.Boolean()),
    components: Type.Optional(Type.Array(StatusComponentInput, { maxItems: 100 })),
  },
  { additionalProperties: false },
);
export type UpdateStatusPageRequest = Static<typeof UpdateStatusPageRequest>;

/** Lists status pages by title. */
export const StatusPageListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type StatusPageListQuery = Static<typeof StatusPageListQuery>;

/** A component's state as a status page says it. */
export const COMPONENT_STATES = ['operational', 'degraded', 'outage', 'maintenance', 'unknown'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

/** One UTC day of a component's uptime bar. */
export const StatusUptimeDay = Type.Object({
  /** `2026-12-04`. */
  day: Type.String(),
  /** Time operational (or degraded) over the time the state was known, 0–1; null when never known that day. */
  ratio: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]),
  /** The worst state seen that day (operational, degraded, outage) or unknown. */
  worst: enumOf(['operational', 'degraded', 'outage', 'unknown'] as const),
});
export type StatusUptimeDay = Static<typeof StatusUptimeDay>;

/** A component as the page shows it: name, state and bars, nothing internal. */
export const StatusViewComponent = Type.Object({
  name: Type.String(),
  group: Type.String(),
  state: enumOf(COMPONENT_STATES),
  /** The last 90 UTC days, oldest first, today last. */
  uptime: Type.Array(StatusUptimeDay),
  /** Uptime over the 90 days, 0–1; null when never known. */
  uptimeRatio: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]),
});
export type StatusViewComponent = Static<typeof StatusViewComponent>;

/** A maintenance occurrence that covers components of the page. */
export const StatusViewMaintenance = Type.Object({
  title: Type.String(),
  start: EpochMs,
  end: EpochMs,
  /** Holding now (else upcoming within 7 days). */
  active: Type.Boolean(),
  /** The display names of the page's components it covers. */
  components: Type.Array(Type.String()),
});
export type StatusViewMaintenance = Static<typeof StatusViewMaintenance>;

/** The status view: what a page shows, and all a signed-out reader of a public page gets. */
export const StatusView = Type.Object({
  title: Type.String(),
  description: Type.String(),
  /** The worst component state (maintenance counts below outage and degraded; unknown only when all are). */
  overall: enumOf(COMPONENT_STATES),
  components: Type.Array(StatusViewComponent),
  maintenance: Type.Array(StatusViewMaintenance),
  /** When the view was computed. */
  at: EpochMs,
});
export type StatusView = Static<typeof StatusView>;

/** The path parameter of the public view. */
export const StatusSlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
export type StatusSlugParams = Static<typeof StatusSlugParams>;
