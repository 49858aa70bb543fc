/**
 * The Estate host agent as a library: `enrollAgent` once, then `startAgent` (the `estate-agent` command is a thin
 * shell around these; the server's `npm start` runs a local agent in-process with them).
 */
export { type RunningAgent, type StartAgentOptions, startAgent } from './agent';
export type { Collector, InventoryCollector, MetricCollector, MetricSeries } from './collectors/collector';
export { collectInventory, defaultInventoryCollectors, snapshotHash } from './collectors/inventory';
export { collectMetrics, defaultMetricCollectors } from './collectors/metrics';
export { type EnrollAgentOptions, type EnrollResult, enrollAgent } from './enroll';
export { AgentConfigError, DEFAULT_STATE_DIR, isEnrolled, keyFingerprint, loadIdentity, resolveStateDir } from './identity';
export { type AgentLogger, silentLogger, stderrLogger } from './logger';
export { AgentRefusedError } from './run-lock';
export type { AgentStats } from './status';
export { AGENT_NODE_FLAGS, renderUnit } from './systemd-unit';
export { AGENT_PATHS } from './transport/sender';
export { AGENT_VERSION } from './version';
