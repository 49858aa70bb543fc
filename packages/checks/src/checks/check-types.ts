import { agentSideCheckTypes } from './agent-side-check';
import { imapCheck, smtpCheck } from './banner-check';
import type { CheckType } from './check-executor';
import { dnsCheck } from './dns-check';
import { httpCheck } from './http-check';
import { icmpCheck } from './icmp-check';
import { mysqlCheck } from './mysql-check';
import type { CheckNetworkPolicy } from './outbound-connection';
import { postgresCheck } from './postgres-check';
import { prometheusCheck } from './prometheus-check';
import { pushCheck } from './push-check';
import { redisCheck } from './redis-check';
import { snmpCheck } from './snmp-check';
import { snmpInterfacesCheck } from './snmp-interfaces-check';
import type { SnmpCredentialResolver } from './snmp-target';
import { tcpCheck } from './tcp-check';
import { tlsCheck } from './tls-check';

/**
 * Every check type Estate runs, in the order forms offer them; a new type adds one line here. `snmpCredentials`
 * looks up stored SNMP credentials for the SNMP types (without it they take only their own secrets).
 */
export function builtInCheckTypes(policy?: CheckNetworkPolicy, snmpCredentials?: SnmpCredentialResolver): CheckType<unknown>[] {
  return [
    httpCheck(policy),
    tcpCheck(policy),
    icmpCheck(policy),
    dnsCheck(policy),
    tlsCheck(policy),
    smtpCheck(policy),
    imapCheck(policy),
    postgresCheck(policy),
    mysqlCheck(policy),
    redisCheck(policy),
    prometheusCheck(policy),
    snmpCheck(policy, snmpCredentials),
    snmpInterfacesCheck(policy, snmpCredentials),
    pushCheck,
    ...agentSideCheckTypes(),
  ] as CheckType<unknown>[];
}
