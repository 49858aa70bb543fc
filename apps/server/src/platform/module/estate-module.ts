import type { EventBus } from '../events/event-bus';
import type { HttpServer } from '../http/http-server';
import type { JobWorker } from '../jobs';
import type { ScheduleRegistry } from '../scheduler/scheduler';

/** Long-running work a module does in a worker process. */
export interface BackgroundWork {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The roles a process can run; `all` runs the three. */
export type ProcessRole = 'api' | 'worker' | 'scheduler';

/**
 * The shape every domain module has. A module is built once, by its `createXModule(deps)` factory in its `index.ts`,
 * and then handed the process's parts by `serve.ts` according to the role it runs: its routes in every process (so
 * a worker answers health checks and tests can inject requests), its job handlers and event subscriptions where the
 * worker role runs, its periodic work where the scheduler role runs. Every part is optional. The narrow service
 * interface other modules may call is a field of the module's own type, next to these parts.
 */
export interface EstateModule {
  /** The module's folder name: `inventory`, `discovery`, … */
  readonly name: string;
  /** Registers the module's HTTP routes; each declares its permission (ADR 0003). */
  routes?(http: HttpServer): void;
  /** Registers the module's job handlers on the worker. */
  jobs?(worker: JobWorker): void;
  /** Registers the module's periodic work, named `<module>.<task>`; each period runs in one process. */
  schedules?(scheduler: ScheduleRegistry): void;
  /** Subscribes the module's handlers to other modules' events; delivery is at least once, so handlers are idempotent. */
  subscriptions?(bus: EventBus): void;
  /**
   * The module's long-running work where the worker role runs (the monitoring module's check runner): started after
   * the job worker, stopped before it.
   */
  work?(logger: { warn(obj: object, msg: string): void }): BackgroundWork;
  /** Writes out what the module holds in memory when the process stops cleanly, after the HTTP server has closed. */
  close?(): Promise<void>;
}
