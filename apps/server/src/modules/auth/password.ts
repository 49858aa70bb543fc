import { ProblemType } from '@estate/contract';
import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { HttpProblem } from '../../platform/http/problem';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
// algorithm 2 is Argon2id (the package's const enum cannot be imported under isolatedModules).
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const common = new Set<string>(((dictionary as Record<string, string[]>)['passwords-common'] ?? []).map((p) => p.toLowerCase()));

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** Verifies a password against an argon2 hash; false (never a throw) for a malformed hash. */
export async function verifyPassword(hashValue: string, password: string): Promise<boolean> {
  try {
    return await verify(hashValue, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Spends the same time as a real verification, so an unknown account answers as slowly as a wrong password. */
export async function burnVerification(password: string): Promise<void> {
  dummyHash ??= hashPassword('estate-timing-equaliser-not-a-password');
  await verifyPassword(await dummyHash, password);
}

/**
 * Enforces the password policy: at least 12 characters, and not a common password (the zxcvbn list, also checked
 * with the email's local part and "estate" removed, so `estate-password1` style variants are caught).
 */
export function assertPasswordStrong(password: string, email?: string, field = 'password'): void {
  const fail = (detail: string) =>
    new HttpProblem(400, ProblemType.weakPassword, 'Password too weak', detail, [{ path: `body/${field}`, message: detail }]);
  if ([...password].length < 12) throw fail('Use at least 12 characters.');
  const lower = password.toLowerCase();
  const local = email?.split('@')[0]?.toLowerCase();
  const stripped = [lower, lower.replace(/[^a-z]/g, ''), lower.replace(/\d+$/, ''), lower.replace('estate', '')];
  if (stripped.some((p) => common.has(p))) throw fail('This password is among the most common passwords; choose another.');
  if (local && local.length >= 4 && lower.includes(local)) throw fail('The password must not contain your email name.');
  if (new Set(password).size < 4) throw fail('Use more different characters.');
}

/** Whether the common-password list loaded (a sanity check for tests). */
export function commonPasswordCount(): number {
  return common.size;
}
