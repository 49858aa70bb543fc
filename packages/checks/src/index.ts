/*
 * @estate/checks: every network check type Estate runs, their conditions, and the outbound network policy they obey.
 * A check type validates a configuration once and then runs it any number of times; nothing here stores anything,
 * so the server's runner and the agent's collector mode run exactly the same code.
 */
export { CheckRemovedError, CheckTimeoutError } from './checks/abort-reasons';
export { CHECK_EXAMPLES } from './checks/check-examples';
export {
  CheckConfigError,
  type CheckOutcome,
  type CheckRunVerdict,
  type CheckSeriesSample,
  type CheckStatus,
  type CheckType,
  CheckTypeRegistry,
  concludeRun,
  type JudgedOutcome,
  type PreparedCheck,
  type PrepareOptions,
  parseCheckConditions,
  targetHost,
} from './checks/check-executor';
export { builtInCheckTypes } from './checks/check-types';
export {
  type AddressResolver,
  addressRefusal,
  type CheckNetworkPolicy,
  checkNetworkPolicyAllowing,
  DEFAULT_CHECK_NETWORK_POLICY,
  DestinationRefusedError,
  guardedLookup,
  literalRefusal,
  resolveAllowedAddress,
  systemResolver,
} from './checks/outbound-connection';
export { describeExpectation, type PushCheckConfig, pushDeadline } from './checks/push-check';
export type { SnmpAuth, SnmpCredentialResolver } from './checks/snmp-target';
export type { ConditionResult } from './conditions/condition-evaluator';
export { regexHazard } from './conditions/regex-hazard';
export { LIFTABLE_CLASSES, liftableClassesOf } from './net/allow-names';
export {
  type AddressRange,
  type DestinationClass,
  destinationRefusal,
  type Refusal,
  rangeOf,
  rangeRefusal,
} from './net/outbound-policy';
