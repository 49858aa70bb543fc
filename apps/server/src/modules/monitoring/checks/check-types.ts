import type { CheckType } from './check-executor';
import { httpCheck } from './http-check';
import { icmpCheck } from './icmp-check';
import { mysqlCheck } from './mysql-check';
import type { CheckNetworkPolicy } from './outbound-connection';
import { postgresCheck } from './postgres-check';
import { redisCheck } from './redis-check';
import { tcpCheck } from './tcp-check';

/** Every check type Estate runs, in the order forms offer them; a new type adds one line here. */
export function builtInCheckTypes(policy?: CheckNetworkPolicy): CheckType<unknown>[] {
  return [
    httpCheck(policy),
    tcpCheck(policy),
    icmpCheck(policy),
    postgresCheck(policy),
    mysqlCheck(policy),
    redisCheck(policy),
  ] as CheckType<unknown>[];
}
