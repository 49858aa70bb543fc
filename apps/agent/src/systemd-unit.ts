import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where `estate-agent install` writes the unit unless told otherwise. */
export const DEFAULT_UNIT_PATH = '/etc/systemd/system/estate-agent.service';

/**
 * Node flags the agent runs with. V8's lite mode (no optimising compiler, lazily allocated feedback) takes about
 * 10 MB off the agent's resident memory; the agent's work is a few /proc reads and one HTTP request per interval,
 * which it does not make measurably slower (bench/agent-footprint.bench.ts).
 */
export const AGENT_NODE_FLAGS = ['--lite-mode'] as const;

/** What the unit runs. */
export interface UnitOptions {
  /** Absolute path of the node binary. */
  nodePath: string;
  /** Absolute path of the agent script: the bundle (dist/estate-agent.mjs) or bin/estate-agent.mjs. */
  scriptPath: string;
  stateDir: string;
  /** Runs the agent as a remote collector (`run --collector`). */
  collector?: boolean;
}

const quote = (arg: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `"${arg.replace(/["\\]/g, '\\$&')}"`);

/**
 * A hardened systemd unit for `estate-agent run`: restarts on failure, no new privileges, a read-only view of the
 * system except the state directory, private /tmp, no kernel tunables or modules, and only the address families
 * it needs (MemoryDenyWriteExecute stays off: V8 needs writable code pages). It runs as root, with only the
 * capabilities to read every package, service and socket owner; the hardening keeps that root from writing
 * anywhere but its state directory.
 */
export function renderUnit(options: UnitOptions): string {
  const stateDir = path.resolve(options.stateDir);
  return `[Unit]
Description=Estate host agent (inventory and metrics${options.collector ? ', remote collector' : ''})
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
ExecStart=${quote(path.resolve(options.nodePath))} ${AGENT_NODE_FLAGS.join(' ')} ${quote(path.resolve(options.scriptPath))} run --state-dir ${quote(stateDir)}${options.collector ? ' --collector' : ''}
Environment=NODE_ENV=production
Restart=on-failure
RestartSec=10s
KillSignal=SIGTERM
TimeoutStopSec=45s
NoNewPrivileges=true
ProtectSystem=strict
ReadWritePaths=${quote(stateDir)}
ProtectHome=read-only
PrivateTmp=true
PrivateDevices=false
ProtectKernelTunables=true
ProtectKernelModules=true
ProtectKernelLogs=true
ProtectControlGroups=true
ProtectClock=true
ProtectHostname=true
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
RestrictNamespaces=true
RestrictRealtime=true
RestrictSUIDSGID=true
LockPersonality=true
SystemCallArchitectures=native
CapabilityBoundingSet=CAP_DAC_READ_SEARCH CAP_SYS_PTRACE
UMask=0077
MemoryMax=256M
CPUQuota=20%

[Install]
WantedBy=multi-user.target
`;
}

/** True when this host has a usable systemctl. */
export function hasSystemctl(): boolean {
  return ['/usr/bin/systemctl', '/bin/systemctl'].some((p) => existsSync(p));
}

/** Runs `systemctl args…` and rejects with its output when it fails. */
export function systemctl(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('systemctl', args, { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`systemctl ${args.join(' ')} failed: ${(stderr || stdout || err.message).trim()}`)) : resolve(),
    );
  });
}
