import { type ChildProcess, type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

/** The repository root, where the agent runs from in these tests. */
export const ROOT = path.resolve(import.meta.dirname, '..');
/** The agent from its sources (through tsx), as `npx estate-agent` runs it. */
export const AGENT_SOURCES = path.join(ROOT, 'apps/agent/bin/estate-agent.mjs');
/** The agent's one-file bundle, as hosts run it (npm test builds it). */
export const AGENT_BUNDLE = path.join(ROOT, 'apps/agent/dist/estate-agent.mjs');

/** A running `estate-agent` child process with everything it printed so far. */
export type AgentProcess = ChildProcess & { output: () => string };

/** Starts `node script ...args` from the repository root, collecting its output for failure messages. */
export function startAgentProcess(script: string, args: string[]): AgentProcess {
  const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  return Object.assign(child, { output: () => out });
}

/** Resolves once `child` has exited (at once if it already has). */
export const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/** Runs `estate-agent enroll` from the sources into `stateDir`, pinning the server key when a fingerprint is given. */
export function enrollAgent(serverUrl: string, token: string, stateDir: string, fingerprint?: string): SpawnSyncReturns<string> {
  const pin = fingerprint ? ['--server-fingerprint', fingerprint] : [];
  return spawnSync(process.execPath, [AGENT_SOURCES, 'enroll', '--server', serverUrl, '--token', token, ...pin, '--state-dir', stateDir], {
    cwd: ROOT,
    encoding: 'utf8',
  });
}
