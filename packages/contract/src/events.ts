import Type, { type Static } from 'typebox';
import { ActorType } from './audit';
import { EpochMs, Id } from './common';
import { FieldChange, RelationshipTypeSchema, SourceSchema } from './inventory';
import { IMPORT_KINDS, ImportCounts } from './inventory-import';

/*
 * The domain event catalogue: every event the server publishes through its outbox, with its payload. An event is
 * written in the same transaction as the change it describes, so it exists exactly when the change committed, and is
 * delivered at least once, in no particular order, to the subscribers registered for its topic.
 *
 * Topics are `<thing>.<what happened>` in the past tense. How payloads evolve: a payload only ever gains fields,
 * and new fields are optional for subscribers (they may be absent from events published before them). A change
 * that would break a subscriber (a field renamed, retyped or removed, or a meaning changed) is published under a new
 * topic with a version suffix, `ci.updated.v2`, next to the old topic until no subscriber needs it. A topic
 * without a suffix is version 1. (A subscriber to the prefix `ci.*` receives both; it must check `event.topic`.)
 */

/** Who caused an event: as the audit log records actors. */
export const EventActor = Type.Object({
  type: ActorType,
  id: Type.Union([Type.String(), Type.Null()]),
  label: Type.Union([Type.String(), Type.Null()]),
});
export type EventActor = Static<typeof EventActor>;

/** `ci.created`: a CI was created, by hand, by an import, or by discovery (an agent, a scan). */
export const CiCreatedEvent = Type.Object({
  id: Id,
  type: Type.String(),
  name: Type.String(),
  /** Where the CI's values came from. */
  source: SourceSchema,
  actor: EventActor,
});
export type CiCreatedEvent = Static<typeof CiCreatedEvent>;

/**
 * `ci.updated`: fields of a CI changed. `changes` lists exactly the changed fields as the CI's history records them
 * (`name`, `tags`, `attributes.<key>`, `customFields.<key>`, …; an absent value is null). `version` is the CI's
 * version after the change. Observations that change nothing, and hand-set fields an observation could not
 * overwrite (history's `conflict` entries), publish nothing.
 */
export const CiUpdatedEvent = Type.Object({
  id: Id,
  type: Type.String(),
  name: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  source: SourceSchema,
  actor: EventActor,
  changes: Type.Array(FieldChange),
});
export type CiUpdatedEvent = Static<typeof CiUpdatedEvent>;

/**
 * `ci.deleted`: a CI was deleted (alone, in a bulk delete, or merged into another CI). Its relationships went with
 * it; each of them is published as `relationship.removed` too.
 */
export const CiDeletedEvent = Type.Object({
  id: Id,
  type: Type.String(),
  name: Type.String(),
  source: SourceSchema,
  actor: EventActor,
});
export type CiDeletedEvent = Static<typeof CiDeletedEvent>;

/**
 * `relationship.added` and `relationship.removed`: a relationship between two CIs was created or ended. `sourceId`
 * and `targetId` are the CIs at its two ends as stored (symmetric types store the smaller id as source); `source`
 * is who recorded it (for `added`) or who ended it (`manual` for `removed`).
 */
export const RelationshipEvent = Type.Object({
  id: Id,
  type: RelationshipTypeSchema,
  sourceId: Id,
  targetId: Id,
  source: SourceSchema,
  actor: EventActor,
});
export type RelationshipEvent = Static<typeof RelationshipEvent>;

/** `agent.online` (an agent's first request after being offline or never seen) and `agent.offline`. */
export const AgentPresenceEvent = Type.Object({
  agentId: Id,
  /** The host CI the agent reports on, once its first inventory was reconciled. */
  ciId: Type.Union([Id, Type.Null()]),
  /** The agent's last request; for `agent.offline`, the request after which it fell silent. */
  lastSeenAt: Type.Union([EpochMs, Type.Null()]),
});
export type AgentPresenceEvent = Static<typeof AgentPresenceEvent>;

/**
 * `discovery.run.finished`: a network scan's run ended, `succeeded` (counts compare it with the scan's previous
 * successful run) or `failed` (counts are zero, `error` says why).
 */
export const DiscoveryRunFinishedEvent = Type.Object({
  runId: Id,
  scanId: Id,
  status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
  counts: Type.Object({
    new: Type.Integer({ minimum: 0 }),
    changed: Type.Integer({ minimum: 0 }),
    missing: Type.Integer({ minimum: 0 }),
    unchanged: Type.Integer({ minimum: 0 }),
  }),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type DiscoveryRunFinishedEvent = Static<typeof DiscoveryRunFinishedEvent>;

/**
 * `import.finished`: a CMDB import ended, dry runs included. `counts` are the rows planned per action; `appliedRows`
 * how many were written (a failed import may have written earlier batches); `failure` why it failed.
 */
export const ImportFinishedEvent = Type.Object({
  importId: Id,
  kind: Type.Unsafe<(typeof IMPORT_KINDS)[number]>({ type: 'string', enum: [...IMPORT_KINDS] }),
  status: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
  dryRun: Type.Boolean(),
  counts: ImportCounts,
  appliedRows: Type.Integer({ minimum: 0 }),
  failure: Type.Union([Type.String(), Type.Null()]),
});
export type ImportFinishedEvent = Static<typeof ImportFinishedEvent>;

/**
 * `check.state.changed`: a check entered a new state (its first verdict included, `previous` null then). `ciIds`
 * are the CIs it watches; `flapping` whether it changes state so often that alerting should hold back.
 */
export const CheckStateChangedEvent = Type.Object({
  checkId: Id,
  name: Type.String(),
  type: Type.String(),
  state: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down'), Type.Literal('unknown')]),
  previous: Type.Union([Type.Literal('up'), Type.Literal('degraded'), Type.Literal('down'), Type.Literal('unknown'), Type.Null()]),
  at: EpochMs,
  message: Type.String(),
  ciIds: Type.Array(Id),
  flapping: Type.Boolean(),
});
export type CheckStateChangedEvent = Static<typeof CheckStateChangedEvent>;

/** Every domain event's payload schema by topic: for documentation, validation in tests, and subscribers. */
export const DOMAIN_EVENTS = {
  /** A CI was created. */
  'ci.created': CiCreatedEvent,
  /** Fields of a CI changed; the changes as history records them. */
  'ci.updated': CiUpdatedEvent,
  /** A CI was deleted. */
  'ci.deleted': CiDeletedEvent,
  /** A relationship between two CIs was created. */
  'relationship.added': RelationshipEvent,
  /** A relationship ended (deleted, or taken along by the deletion of one of its CIs). */
  'relationship.removed': RelationshipEvent,
  /** An agent that was offline (or never online) made a request. */
  'agent.online': AgentPresenceEvent,
  /** An online agent made no request for its online window (three metrics intervals). */
  'agent.offline': AgentPresenceEvent,
  /** A network scan's run ended, successfully or not. */
  'discovery.run.finished': DiscoveryRunFinishedEvent,
  /** A CMDB import ended, successfully or not. */
  'import.finished': ImportFinishedEvent,
  /** A monitoring check changed state. */
  'check.state.changed': CheckStateChangedEvent,
} as const;

/** The topic of a domain event. */
export type DomainEventTopic = keyof typeof DOMAIN_EVENTS;

/** Each domain event's payload type by topic: publishers and subscribers are type-checked against it. */
export type DomainEvents = { [T in DomainEventTopic]: Static<(typeof DOMAIN_EVENTS)[T]> };
