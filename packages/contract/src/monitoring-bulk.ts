import Type, { type Static } from 'typebox';
import { Id } from './common';
import { Check, CheckStatus, CheckSummary, CreateCheckRequest } from './monitoring';

/*
 * Monitoring at scale: checks created, switched and deleted many at a time, the checks discovery's findings suggest
 * for a CI, and the live stream of state changes the checks list listens to.
 */

/** The most checks one bulk request may create, switch or delete. */
export const BULK_CHECKS_MAX = 1_000;

/**
 * Creates many checks in one transaction: all of them, or none when any item is refused. A refusal is a 400 whose
 * errors name the item and its field as the request spells them (`items[3].config.url`).
 */
export const BulkCreateChecksRequest = Type.Object(
  { items: Type.Array(CreateCheckRequest, { minItems: 1, maxItems: BULK_CHECKS_MAX }) },
  { additionalProperties: false },
);
export type BulkCreateChecksRequest = Static<typeof BulkCreateChecksRequest>;

/** The checks a bulk create made, in the order of the request's items. */
export const BulkCreateChecksAnswer = Type.Object({ items: Type.Array(Check) });
export type BulkCreateChecksAnswer = Static<typeof BulkCreateChecksAnswer>;

const CheckIds = Type.Array(Id, { minItems: 1, maxItems: BULK_CHECKS_MAX, uniqueItems: true });

/** Enables or disables many checks at once; an id that names no check refuses the whole request (400, `ids[i]`). */
export const BulkUpdateChecksRequest = Type.Object({ ids: CheckIds, enabled: Type.Boolean() }, { additionalProperties: false });
export type BulkUpdateChecksRequest = Static<typeof BulkUpdateChecksRequest>;

/** Deletes many checks with their results and history; an id that names no check refuses the whole request. */
export const BulkDeleteChecksRequest = Type.Object({ ids: CheckIds }, { additionalProperties: false });
export type BulkDeleteChecksRequest = Static<typeof BulkDeleteChecksRequest>;

/** What a bulk switch or delete changed: the checks it changed (a check already so is left alone and not named). */
export const BulkChecksAnswer = Type.Object({ count: Type.Integer({ minimum: 0 }), ids: Type.Array(Id) });
export type BulkChecksAnswer = Static<typeof BulkChecksAnswer>;

/** A value the user gives before a suggested check can be created: a database user, a password. */
export const SuggestionInput = Type.Object({
  /** Where the value goes in the request: `config.user`, `secrets.password`. */
  path: Type.String(),
  label: Type.String(),
  /** A value to start from (`postgres`); absent for secrets. */
  value: Type.Optional(Type.String()),
  secret: Type.Boolean(),
  required: Type.Boolean(),
});
export type SuggestionInput = Static<typeof SuggestionInput>;

/** A check discovery's findings suggest for a CI, ready to create. */
export const CheckSuggestion = Type.Object({
  /** Stable for the same finding: `http:80`, `tls:443`, `icmp`. */
  key: Type.String(),
  /** Why: what discovery saw (`port 5432 open (scan Office LAN)`). */
  reason: Type.String(),
  /** The request that creates it, bound to the CI. */
  request: CreateCheckRequest,
  /** Values to ask for first (credentials); empty when one click creates it. */
  inputs: Type.Array(SuggestionInput),
});
export type CheckSuggestion = Static<typeof CheckSuggestion>;

/** The checks suggested for a CI that no check bound to it covers yet, from its latest scans and its agent. */
export const CheckSuggestionList = Type.Object({ items: Type.Array(CheckSuggestion) });
export type CheckSuggestionList = Static<typeof CheckSuggestionList>;

/** One changed check in a live batch: its id and its status now. */
export const CheckStatusChange = Type.Object({ id: Id, status: CheckStatus });
export type CheckStatusChange = Static<typeof CheckStatusChange>;

/**
 * One `checks` event of `GET /api/v1/checks/events` (Server-Sent Events): the checks whose status changed since the
 * previous event, at most one event a second, and the summary counts when they may have changed. `more` says that
 * more checks changed than one event carries: re-read what is shown.
 */
export const CheckEventBatch = Type.Object({
  checks: Type.Array(CheckStatusChange),
  summary: Type.Optional(CheckSummary),
  more: Type.Boolean(),
});
export type CheckEventBatch = Static<typeof CheckEventBatch>;
