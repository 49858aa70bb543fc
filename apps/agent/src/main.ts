import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { startAgent } from './agent';
import { enrollAgent } from './enroll';
import { ExitCode, exitCodeOf } from './exit-codes';
import { isEnrolled, loadIdentity, resolveStateDir } from './identity';
import { stderrLogger } from './logger';
import { readStatus } from './status';
import { DEFAULT_UNIT_PATH, hasSystemctl, renderUnit, systemctl } from './systemd-unit';
import { AGENT_VERSION } from './version';

/**
 * The script a systemd unit should run: this file when it is the bundle, else the bundle built beside the sources
 * (`npm run build -w apps/agent`), else bin/estate-agent.mjs (sources through tsx, about twice the memory).
 */
function agentScript(): string {
  const self = fileURLToPath(import.meta.url);
  if (self.endsWith('.mjs')) return self;
  const bundle = path.resolve(path.dirname(self), '../dist/estate-agent.mjs');
  return existsSync(bundle) ? bundle : path.resolve(path.dirname(self), '../bin/estate-agent.mjs');
}

function fail(err: unknown): never {
  process.stderr.write(`estate-agent: ${(err as Error).message ?? String(err)}\n`);
  process.exit(exitCodeOf(err));
}

const stateDirOption = '--state-dir <dir>';
const stateDirHelp = 'state directory (default: $ESTATE_AGENT_STATE_DIR or /var/lib/estate-agent)';

const program = new Command('estate-agent')
  .description("Estate host agent: reports this machine's inventory and metrics to an Estate server")
  .version(AGENT_VERSION)
  .showHelpAfterError()
  .exitOverride();

program
  .command('enroll')
  .description('Enroll this host with a single-use enrollment token; creates the agent key pair and pins the server key')
  .requiredOption('--server <url>', 'the Estate server, e.g. https://estate.example.org')
  .requiredOption('--token <token>', 'enrollment token (estate-enroll-…)')
  .option('--server-fingerprint <sha256>', 'refuse unless the server key has this SHA-256 fingerprint')
  .option('--force', 'replace an existing identity in the state directory')
  .option(stateDirOption, stateDirHelp)
  .action(async (opts: { server: string; token: string; serverFingerprint?: string; force?: boolean; stateDir?: string }) => {
    try {
      const stateDir = resolveStateDir(opts.stateDir);
      const result = await enrollAgent({
        serverUrl: opts.server,
        token: opts.token,
        stateDir,
        ...(opts.serverFingerprint ? { expectServerFingerprint: opts.serverFingerprint } : {}),
        ...(opts.force ? { force: true } : {}),
      });
      process.stdout.write(
        `Enrolled as agent ${result.agentId} (${result.status}) with ${result.serverUrl}.\n` +
          `Server key fingerprint: ${result.serverKeyFingerprint}\nState directory: ${stateDir}\n` +
          (result.status === 'pending' ? 'An administrator must approve this agent before its reports are accepted.\n' : ''),
      );
    } catch (err) {
      fail(err);
    }
  });

program
  .command('run')
  .description('Run the agent in the foreground until SIGTERM or SIGINT')
  .option(stateDirOption, stateDirHelp)
  .option(
    '--config <file>',
    "this host's agent configuration, which lists the plugins checks may run (default: $ESTATE_AGENT_CONFIG or /etc/estate-agent/agent.json)",
  )
  .option(
    '--collector',
    'also run the network checks (HTTP, TCP, ICMP, DNS, SNMP, …) the server assigns to this agent, as a remote collector',
  )
  .action(async (opts: { stateDir?: string; config?: string; collector?: boolean }) => {
    try {
      const agent = await startAgent({
        stateDir: resolveStateDir(opts.stateDir),
        log: stderrLogger,
        ...(opts.collector ? { collector: true } : {}),
        ...(opts.config ? { configFile: opts.config } : {}),
      });
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          stderrLogger.info(`${signal} received; stopping.`);
          agent.stop().then(resolve, resolve);
        };
        process.once('SIGTERM', () => shutdown('SIGTERM'));
        process.once('SIGINT', () => shutdown('SIGINT'));
      });
      process.exit(ExitCode.ok);
    } catch (err) {
      fail(err);
    }
  });

program
  .command('install')
  .description('Write a hardened systemd unit that runs this agent (and with --now enable and start it)')
  .option('--unit-path <file>', 'where to write the unit', DEFAULT_UNIT_PATH)
  .option(stateDirOption, stateDirHelp)
  .option('--now', 'run systemctl daemon-reload and enable --now afterwards')
  .option('--collector', 'the unit runs the agent as a remote collector (run --collector)')
  .action(async (opts: { unitPath: string; stateDir?: string; now?: boolean; collector?: boolean }) => {
    try {
      const stateDir = resolveStateDir(opts.stateDir);
      if (!isEnrolled(stateDir))
        process.stderr.write(`estate-agent: note: ${stateDir} is not enrolled yet; enroll before starting the unit.\n`);
      const unitPath = path.resolve(opts.unitPath);
      mkdirSync(path.dirname(unitPath), { recursive: true });
      const scriptPath = agentScript();
      writeFileSync(
        unitPath,
        renderUnit({ nodePath: process.execPath, scriptPath, stateDir, ...(opts.collector ? { collector: true } : {}) }),
        { mode: 0o644 },
      );
      process.stdout.write(`Wrote ${unitPath} (runs ${scriptPath})\n`);
      if (scriptPath.endsWith(path.join('bin', 'estate-agent.mjs')))
        process.stderr.write(
          'estate-agent: note: the unit runs the sources; `npm run build -w apps/agent` makes a bundle that needs half the memory, then install again.\n',
        );
      if (opts.now && !hasSystemctl())
        process.stderr.write('estate-agent: note: no systemctl on this host; the unit was written but not started.\n');
      else if (opts.now) {
        await systemctl(['daemon-reload']);
        await systemctl(['enable', '--now', path.basename(unitPath)]);
        process.stdout.write(`Enabled and started ${path.basename(unitPath)}\n`);
      }
    } catch (err) {
      fail(err);
    }
  });

program
  .command('status')
  .description('Show the identity and the last state written by the running agent')
  .option(stateDirOption, stateDirHelp)
  .option('--json', 'print JSON')
  .action((opts: { stateDir?: string; json?: boolean }) => {
    try {
      const stateDir = resolveStateDir(opts.stateDir);
      const identity = loadIdentity(stateDir);
      const status = readStatus(stateDir);
      const running = status ? isAlive(status.pid) : false;
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ agentId: identity.agentId, serverUrl: identity.serverUrl, serverKeyFingerprint: identity.serverKeyFingerprint, running, last: status }, null, 2)}\n`,
        );
        return;
      }
      const lines = [
        `agent:        ${identity.agentId}`,
        `server:       ${identity.serverUrl}`,
        `server key:   ${identity.serverKeyFingerprint}`,
        `state dir:    ${stateDir}`,
        `running:      ${running ? `yes (pid ${status?.pid})` : 'no'}`,
      ];
      if (status) {
        lines.push(
          `server says:  ${status.status ?? 'unknown'}`,
          `intervals:    inventory ${status.intervals.inventorySeconds} s, metrics ${status.intervals.metricsSeconds} s`,
          `buffer:       ${status.buffer.pending} pending, ${status.buffer.bytes} bytes, ${status.buffer.dropped} dropped, ${status.buffer.damaged} damaged`,
          `last success: ${status.sender.lastSuccessAt ? new Date(status.sender.lastSuccessAt).toISOString() : 'never'}`,
          `last error:   ${status.sender.lastError ?? 'none'}`,
          `as of:        ${new Date(status.writtenAt).toISOString()}`,
        );
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    } catch (err) {
      fail(err);
    }
  });

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? ExitCode.ok : ExitCode.usage);
  if (err instanceof InvalidArgumentError) process.exit(ExitCode.usage);
  fail(err);
}
