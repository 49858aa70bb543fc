import { randomBytes } from 'node:crypto';
import type { ActionContext } from '../../platform/audit/audit-log';
import { AuditLog } from '../../platform/audit/audit-log';
import { SecretBox } from '../../platform/crypto/secret-box';
import type { TestDatabase } from '../../platform/db/test-databases';
import { type AuthModule, createAuthModule } from './index';
import type { SessionPolicy } from './principals';

/** A clock that tests move by hand; `now()` is what the services read. */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

/** A hand-moved clock starting at a fixed instant. */
export function testClock(start = Date.UTC(2026, 0, 1)): TestClock {
  let at = start;
  return {
    now: () => at,
    advance(ms) {
      at += ms;
    },
  };
}

/** The audit context of a test action from a source IP. */
export function testContext(sourceIp = '192.0.2.10'): ActionContext {
  return { actor: { type: 'system', id: null, label: 'test' }, requestId: null, sourceIp };
}

/** The auth module alone over a test store, on an injected clock, for service-level tests without HTTP. */
export function authModuleFor(database: TestDatabase, clock: TestClock, policy: Partial<SessionPolicy> = {}): AuthModule {
  return createAuthModule({
    db: database.db,
    audit: new AuditLog(database),
    secretBox: SecretBox.fromKey(randomBytes(32)),
    policy: { idleMs: 60 * 60_000, absoluteMs: 12 * 3_600_000, requireAdminMfa: false, ...policy },
    http: { sessionMaxAgeMs: 12 * 3_600_000, publicUrl: undefined },
    clock: clock.now,
  });
}
