import { accessSync, constants, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DestinationStream, Logger } from 'pino';
import { createEstate, createLogger, type Estate, migrate, openStore } from './app';
import { type Config, ConfigError } from './platform/config/config';
import { exposedPaths, makePrivateDir } from './platform/crypto/private-files';
import { OutboxDispatcher, registerEventDelivery } from './platform/events';
import { JobWorker } from './platform/jobs';
import type { BackgroundWork } from './platform/module/estate-module';
import { schedulePlatformTasks } from './platform/module/platform-tasks';
import { Scheduler } from './platform/scheduler/scheduler';

/** A running server: its URL and how to stop it. */
export interface RunningServer {
  url: string;
  estate: Estate;
  /** The one-time setup token, when no admin exists yet. */
  setupToken: string | null;
  /** The start banner's lines: the URL and, on first run, the setup link (see startBanner). */
  banner: string[];
  stop(): Promise<void>;
}

/**
 * Fails with a ConfigError naming the fix unless the data directory exists (or can be created, 0700) and is
 * writable.
 */
export function ensureDataDir(dir: string): void {
  try {
    makePrivateDir(dir);
    accessSync(dir, constants.W_OK);
    const probe = path.join(dir, `.write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (err) {
    throw new ConfigError(
      `The data directory ${path.resolve(dir)} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Set ESTATE_DATA_DIR to a writable directory or fix its permissions.`,
    );
  }
}

/** Logs a warning for each of Estate's private files and directories that group or others may reach. */
function warnAboutExposedFiles(logger: Logger, paths: string[]): void {
  for (const exposed of exposedPaths(paths)) {
    const mode = `0${exposed.mode.toString(8)}`;
    logger.warn(
      { path: exposed.path, mode },
      `${exposed.path} is open to other users (mode ${mode}) and holds password and token hashes, secrets or the audit log: chmod ${exposed.directory ? '700' : '600'} it.`,
    );
  }
}

/**
 * The lines a person needs after the start, printed last so they do not scroll away: where Estate runs and, while no
 * admin exists, a link that carries the one-time setup token (the setup page fills it in), and the token itself.
 */
export function startBanner(url: string, store: string, setupToken: string | null): string[] {
  const lines = ['', `  Estate is running at ${url}  (${store})`];
  if (setupToken) {
    lines.push(
      '',
      '  First run: open this link to create the first admin (it carries the one-time setup token):',
      '',
      `      ${url.replace(/\/+$/, '')}/setup?token=${encodeURIComponent(setupToken)}`,
      '',
      `  The setup token alone, to paste on the setup page: ${setupToken}`,
      '  (or from a shell: npx estate admin create --email you@example.org --password-stdin)',
      '  The setup page disappears for good once an admin exists.',
    );
  }
  lines.push('');
  return lines;
}

/**
 * Starts Estate: checks the data directory, opens and migrates the store, wires every module, then runs what the
 * process role asks for: `api` listens for HTTP (and issues a setup token when no admin exists); `worker` runs the
 * job worker with every module's job handlers and event subscriptions, and the outbox dispatcher; `scheduler` runs
 * every module's periodic work (housekeeping, scheduled scans) on the one scheduler, each period claimed by one
 * process; `all` does all three. Errors carry a message naming the problem and its fix; data files that other users
 * may read are logged as warnings.
 */
export async function serve(
  config: Config,
  options: {
    print?: (line: string) => void;
    logDestination?: DestinationStream;
    /** Leave printing `banner` to the caller, who has more to start first (the CLI's local agent). */
    deferBanner?: boolean;
  } = {},
): Promise<RunningServer> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  ensureDataDir(config.dataDir);
  const database = await openStore(config);
  let estate: Estate | undefined;
  try {
    await migrate(database);
    estate = await createEstate(config, database, { logger: createLogger(config.logLevel, options.logDestination, config.logFormat) });
    warnAboutExposedFiles(estate.logger, [config.dataDir, ...(database.files ?? []), config.secretKeyFile]);
    const runs = (role: 'api' | 'worker' | 'scheduler') => config.role === 'all' || config.role === role;
    const logger = estate.logger;
    let worker: JobWorker | undefined;
    let dispatcher: OutboxDispatcher | undefined;
    const background: BackgroundWork[] = [];
    if (runs('worker')) {
      worker = new JobWorker(database, { logger });
      // Subscribers first: event delivery freezes the bus.
      for (const module of estate.modules) module.subscriptions?.(estate.bus);
      registerEventDelivery(worker, estate.bus);
      for (const module of estate.modules) module.jobs?.(worker);
      dispatcher = new OutboxDispatcher(database, estate.bus, { logger });
      worker.start();
      dispatcher.start();
      for (const module of estate.modules) {
        const work = module.work?.(logger);
        if (work) {
          await work.start();
          background.push(work);
        }
      }
    }
    let scheduler: Scheduler | undefined;
    if (runs('scheduler')) {
      scheduler = new Scheduler(database, { logger });
      for (const module of estate.modules) module.schedules?.(scheduler);
      schedulePlatformTasks(scheduler, database, { retentionMs: config.jobRetentionDays * 86_400_000, modules: estate.modules, logger });
      scheduler.start();
    }
    const stopBackground = async () => {
      for (const work of background.reverse()) await work.stop();
      await scheduler?.stop();
      await dispatcher?.stop();
      await worker?.stop();
    };
    if (!runs('api')) {
      print(`  Estate ${config.role} process running (${database.describe}).`);
      const running = estate;
      return {
        url: '',
        estate: running,
        setupToken: null,
        banner: [],
        async stop() {
          await stopBackground();
          await running.close();
          await database.close();
        },
      };
    }
    try {
      await estate.http.listen({ host: config.host, port: config.port });
    } catch (err) {
      await stopBackground();
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new ConfigError(
          `Port ${config.port} on ${config.host} is already in use. Stop the other process or set ESTATE_PORT to a free port.`,
        );
      }
      if ((err as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') {
        throw new ConfigError(`Cannot listen on ${config.host}: no such address on this machine. Fix ESTATE_HOST.`);
      }
      throw err;
    }
    const address = estate.http.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    const url = config.publicUrl ?? `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${port}`;
    // A fresh store starts with checks of its own web UI and of this machine, so the first screen shows live checks.
    const loopback = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const healthUrl = `http://${loopback.includes(':') ? `[${loopback}]` : loopback}:${port}/healthz`;
    await estate.monitoring.checks
      .seedDefaults(healthUrl, { actor: { type: 'system', id: null, label: 'first start' }, requestId: null, sourceIp: null })
      .catch((err) => logger.warn({ err }, 'monitoring: could not create the default checks'));
    await estate.alerting
      .seedDefaults({ actor: { type: 'system', id: null, label: 'first start' }, requestId: null, sourceIp: null })
      .catch((err) => logger.warn({ err }, 'alerting: could not create the starter rules'));
    const setupToken = await estate.auth.auth.issueSetupToken();
    const banner = startBanner(url, database.describe, setupToken);
    if (!options.deferBanner) for (const line of banner) print(line);
    const running = estate;
    return {
      url,
      estate: running,
      setupToken,
      banner,
      async stop() {
        await stopBackground();
        await running.close();
        await database.close();
      },
    };
  } catch (err) {
    await estate?.close().catch(() => undefined);
    await database.close().catch(() => undefined);
    throw err;
  }
}
