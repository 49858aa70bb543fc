import type { Kysely } from 'kysely';
import { newId } from '../ids';
import type { Executor, JobStatus, JobTables } from './jobs.tables';
import { jsonText, parseJsonText } from './json-column';
import { ProcessSignal } from './wake-signal';

/** Attempts a job gets when `maxAttempts` is not given: the first run plus four retries. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/** What to run, where and when. */
export interface EnqueueOptions<P = unknown> {
  /** Queue name; a worker only claims jobs of queues it has a handler for. */
  queue: string;
  /** Any JSON value; it is stored as JSON, so Dates become strings and `undefined` becomes null. */
  payload: P;
  /** Earliest start, epoch milliseconds. Defaults to now. */
  runAt?: number;
  /** Total runs allowed, including the first. Defaults to {@link DEFAULT_MAX_ATTEMPTS}; at least 1. */
  maxAttempts?: number;
  /**
   * Makes the enqueue idempotent: while a job with this key exists (in any state, finished ones included), another
   * enqueue with the same key writes nothing and returns the existing job's id.
   */
  dedupeKey?: string;
}

/** The outcome of {@link enqueue}. */
export interface EnqueueResult {
  /** The new job's id, or the existing job's id when the dedupe key was taken. */
  id: string;
  /** False when an existing job with the same dedupe key was found and nothing was written. */
  created: boolean;
}

/** A job as stored. Times are epoch milliseconds. */
export interface JobRecord {
  id: string;
  queue: string;
  payload: unknown;
  status: JobStatus;
  /** Runs started so far (a claim counts as a run even if the worker then died). */
  attempts: number;
  maxAttempts: number;
  runAt: number;
  lockedBy: string | null;
  lockedUntil: number | null;
  lastError: string | null;
  result: unknown;
  dedupeKey: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

/**
 * Announced in this process with the queue name whenever a job is created, so idle workers here can look at once.
 * Workers subscribe themselves; other code only needs it to wake workers after committing its own transaction.
 */
export const jobsAnnounced = new ProcessSignal<string>();

// One INSERT per chunk keeps far below SQLite's bound-parameter limit (10 columns a row).
const INSERT_CHUNK = 500;

/**
 * Writes a job. `executor` may be the database or an open transaction: enqueue inside the transaction that makes the
 * change needing the job, and the job exists exactly when the change commits. Idempotent per `dedupeKey`.
 * Throws on invalid options or a database error; nothing is written then.
 */
export async function enqueue<P>(executor: Executor, options: EnqueueOptions<P>): Promise<EnqueueResult> {
  const db = executor as Kysely<JobTables>;
  const row = toRow(options, Date.now());
  const inserted = await db
    .insertInto('jobs')
    .values(row)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) {
    jobsAnnounced.emit(row.queue);
    return { id: inserted.id, created: true };
  }
  const existing = await db
    .selectFrom('jobs')
    .select('id')
    .where('dedupe_key', '=', row.dedupe_key as string)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

/**
 * Writes many jobs with one INSERT per 500, skipping those whose dedupe key exists. Same transaction rules as
 * {@link enqueue}. Returns how many jobs were created.
 */
export async function enqueueMany(executor: Executor, jobs: ReadonlyArray<EnqueueOptions>): Promise<number> {
  const db = executor as Kysely<JobTables>;
  const now = Date.now();
  const rows = jobs.map((j) => toRow(j, now));
  const queues = new Set<string>();
  let created = 0;
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    const inserted = await db
      .insertInto('jobs')
      .values(rows.slice(i, i + INSERT_CHUNK))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('queue')
      .execute();
    created += inserted.length;
    for (const r of inserted) queues.add(r.queue);
  }
  for (const queue of queues) jobsAnnounced.emit(queue);
  return created;
}

/** Reads one job, or undefined when no job has this id. */
export async function getJob(executor: Executor, id: string): Promise<JobRecord | undefined> {
  const db = executor as Kysely<JobTables>;
  const r = await db
    .selectFrom('jobs')
    .selectAll()
    .select([jsonText('payload').as('payload_text'), jsonText('result').as('result_text')])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    id: r.id,
    queue: r.queue,
    payload: parseJsonText(r.payload_text),
    status: r.status,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAt: r.run_at,
    lockedBy: r.locked_by,
    lockedUntil: r.locked_until,
    lastError: r.last_error,
    result: parseJsonText(r.result_text),
    dedupeKey: r.dedupe_key,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  };
}

function toRow(options: EnqueueOptions, now: number) {
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!options.queue) throw new Error('enqueue: queue must be a non-empty string');
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new Error(`enqueue: maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  return {
    id: newId(now),
    queue: options.queue,
    // The same JSON text serves jsonb on PostgreSQL and text on SQLite; `?? null` keeps the NOT NULL column valid.
    payload: JSON.stringify(options.payload ?? null),
    status: 'queued' as const,
    attempts: 0,
    max_attempts: maxAttempts,
    run_at: options.runAt ?? now,
    locked_by: null,
    locked_until: null,
    last_error: null,
    result: null,
    dedupe_key: options.dedupeKey ?? null,
    created_at: now,
    updated_at: now,
    finished_at: null,
  };
}
