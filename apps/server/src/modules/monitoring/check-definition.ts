import { type CheckTypeRegistry, type JudgedOutcome, type PreparedCheck, targetHost } from '@estate/checks';
import type { CheckResult } from '@estate/contract';
import type { SecretBox } from '../../platform/crypto/secret-box';
import { readJson } from '../../platform/db/database';
import type { CheckRow } from './check.repository';
import type { ScheduledCheck } from './scheduler/check-run';
import type { RecordedCheck } from './state/check-recorder';

/** A saved check ready to run: what the scheduler, the executor and the recorder need of it. */
export interface RunnableCheck extends ScheduledCheck, RecordedCheck {
  version: number;
  prepared: PreparedCheck;
}

/** Details larger than this (as JSON) are not kept with a result; a note says so. */
const MAX_DETAILS_CHARS = 16_384;

/** The associated data binding a check's sealed secrets to it, so they cannot be moved to another check. */
const aad = (checkId: string) => `check:${checkId}`;

export function sealSecrets(box: SecretBox, checkId: string, secrets: Readonly<Record<string, string>>): string | null {
  return Object.keys(secrets).length === 0 ? null : box.encrypt(JSON.stringify(secrets), aad(checkId));
}

export function unsealSecrets(box: SecretBox, checkId: string, sealed: string | null): Record<string, string> {
  return sealed === null ? {} : (JSON.parse(box.decrypt(sealed, aad(checkId))) as Record<string, string>);
}

/** Prepares a stored check (its secrets unsealed, only in memory); throws the type's CheckConfigError when refused. */
export function runnableOf(row: CheckRow, registry: CheckTypeRegistry, box: SecretBox): RunnableCheck {
  const config = readJson<Record<string, unknown>>(row.config);
  const prepared = registry.prepare(
    row.type,
    { ...config, conditions: readJson<string[]>(row.conditions) },
    { warningConditions: readJson<string[]>(row.warning_conditions), secrets: unsealSecrets(box, row.id, row.secret) },
  );
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    version: row.version,
    intervalMs: Number(row.interval_ms),
    timeoutMs: Number(row.timeout_ms),
    retries: row.retries,
    target: targetHost(prepared.target),
    ciIds: row.ci_ids,
    prepared,
  };
}

/** A judged outcome as the API and the result ring hold it. */
export function resultOf(outcome: JudgedOutcome, at: number): CheckResult {
  let details = outcome.details;
  const json = JSON.stringify(details);
  if (json === undefined || json.length > MAX_DETAILS_CHARS)
    details = { note: `The details (${json?.length ?? 0} characters) were too large to keep.` };
  else details = JSON.parse(json) as Record<string, unknown>;
  return {
    at,
    status: outcome.status,
    durationMs: Math.round(outcome.durationMs * 1000) / 1000,
    message: outcome.message,
    conditions: outcome.conditions.map((c) => ({
      condition: c.condition,
      passed: c.passed,
      reason: c.reason,
      ...(c.warning ? { warning: true } : {}),
    })),
    details,
  };
}
