import { createHash } from 'node:crypto';
import type {
  AlertRouting,
  AlertRoutingTestAnswer,
  AlertRoutingVersion,
  RoutingChannelImport,
  TestAlertRoutingRequest,
} from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../../platform/audit/audit-log';
import { withTransaction } from '../../../platform/db/transaction';
import { decodeCursor, toPage } from '../../../platform/http/pagination';
import { problems } from '../../../platform/http/problem';
import {
  formatMatchers,
  NotificationDispatcher,
  parseRoutingConfig,
  type Route,
  type RoutingConfig,
  RoutingConfigError,
  type Silence,
} from '../routing';
import { RoutingConfigRepository, type RoutingVersionRow } from './routing-config.repository';
import type { SuppressionTables } from './suppression.tables';
import { bumpRevision } from './suppression-revision';

/**
 * The configuration served while none is stored: every alert to the receiver `default`, grouped by alert name, on
 * Alertmanager's default timers.
 */
export const DEFAULT_ROUTING_YAML = `route:
  receiver: default
  group_by: ['alertname']
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers:
  - name: default
`;

/** What the routing configuration service is built from. */
export interface RoutingConfigServiceDeps {
  db: Kysely<SuppressionTables>;
  audit: AuditLog;
  now: () => number;
  changed: () => void;
  /** The silences active at a moment, for the test box's answer. */
  activeSilences: (now: number) => Promise<Silence[]>;
  /** Told when a stored configuration no longer parses (a stricter parser after an upgrade); the default is used. */
  warn?: (message: string) => void;
  /**
   * Carries receivers' inline Alertmanager integrations over into stored channels within the save's transaction,
   * answering the text to store instead (see channels/am-import). Absent: the text is stored as written.
   */
  inlineChannels?: InlineChannels;
}

/** The channels part's importer, as this service calls it: `dryRun` writes nothing. */
export type InlineChannels = (
  trx: Kysely<SuppressionTables>,
  yaml: string,
  ctx: ActionContext,
  dryRun: boolean,
) => Promise<{ yaml: string; channelImport: RoutingChannelImport }>;

/**
 * The routing configuration as Alertmanager users paste it: validated by the routing library (every issue with its
 * path) before it is stored, versioned with If-Match, every version kept. {@link routingConfig} serves the parsed
 * current version to the dispatcher, cached by version so processes that poll agree without parsing on every call.
 */
export class RoutingConfigService {
  private readonly repo: RoutingConfigRepository;
  private cached: { version: number; config: RoutingConfig } | null = null;
  private readonly defaultConfig = parseRoutingConfig(DEFAULT_ROUTING_YAML);

  constructor(private readonly deps: RoutingConfigServiceDeps) {
    this.repo = new RoutingConfigRepository(deps.db);
  }

  /** The current version: 0 while the default is in use. One primary-key read; poll it to notice changes. */
  version(): Promise<number> {
    return this.repo.version();
  }

  /** The parsed current configuration; re-read and re-parsed only when the stored version moved. */
  async routingConfig(): Promise<RoutingConfig> {
    const version = await this.repo.version();
    if (this.cached?.version === version) return this.cached.config;
    const row = version === 0 ? undefined : await this.repo.current();
    let config = this.defaultConfig;
    if (row) {
      try {
        config = parseRoutingConfig(row.yaml);
      } catch (error) {
        this.deps.warn?.(
          `The stored routing configuration (version ${row.version}) no longer parses; using the default: ${(error as Error).message}`,
        );
      }
    }
    this.cached = { version: row?.version ?? 0, config };
    return config;
  }

  async get(): Promise<AlertRouting> {
    const row = await this.repo.current();
    if (!row) return present(DEFAULT_ROUTING_YAML, this.defaultConfig, null);
    let config = this.defaultConfig;
    try {
      config = parseRoutingConfig(row.yaml);
    } catch {
      // Served as stored so it can be fixed; the tree shows the default the dispatcher falls back to.
    }
    return present(row.yaml, config, row);
  }

  /**
   * Replaces the configuration if the current version is `expected`; 400 listing every issue by path. Inline
   * integrations become stored channels in the same transaction and the stored text names them instead, so a
   * refused integration leaves nothing behind and no secret reaches the stored versions.
   */
  async put(pasted: string, expected: number, ctx: ActionContext): Promise<AlertRouting> {
    parse(pasted);
    const now = this.deps.now();
    const answer = await withTransaction(
      this.deps.db,
      async (trx) => {
        const current = await this.repo.current(trx);
        const version = current?.version ?? 0;
        if (version !== expected) throw problems.preconditionFailed();
        const carried = await this.deps.inlineChannels?.(trx, pasted, ctx, false);
        const yaml = carried?.yaml ?? pasted;
        const config = parse(yaml);
        const updatedBy = ctx.actor.type === 'user' || ctx.actor.type === 'token' ? ctx.actor.id : null;
        const row = { yaml, version: version + 1, updated_by: updatedBy, updated_at: now };
        if (!(await this.repo.put(trx, row, expected))) throw problems.preconditionFailed();
        await bumpRevision(trx, now);
        // Receivers may carry credentials (webhook URLs, keys): the log keeps a digest and the shape, never the text.
        await this.deps.audit.append(trx, ctx, {
          action: 'alert_routing.update',
          targetType: 'alert_routing',
          targetId: 'routing',
          before: current ? { version: current.version, sha256: digest(current.yaml) } : { version: 0, default: true },
          after: {
            version: row.version,
            sha256: digest(yaml),
            ...summary(config),
            ...(carried && carried.channelImport.channels.length > 0
              ? { channels: carried.channelImport.channels.map((c) => ({ name: c.name, id: c.id, reused: c.reused })) }
              : {}),
          },
        });
        return {
          ...present(yaml, config, { ...row, updated_by_email: ctx.actor.label }),
          ...(carried ? { channelImport: carried.channelImport } : {}),
        };
        // Two first saves racing on PostgreSQL: the loser's insert hits the primary key.
      },
      { conflict: 'The routing configuration changed since you read it; reload it and apply your change again.' },
    );
    this.cached = null;
    this.deps.changed();
    return answer;
  }

  /**
   * What saving `pasted` would store, without storing anything: the rewritten text, its tree, and the channels its
   * inline integrations would create or reuse. The same 400s as a save.
   */
  async preview(pasted: string, ctx: ActionContext): Promise<AlertRouting> {
    parse(pasted);
    const current = await this.repo.current();
    const carried = await this.deps.inlineChannels?.(this.deps.db, pasted, ctx, true);
    const yaml = carried?.yaml ?? pasted;
    return {
      ...present(yaml, parse(yaml), current ?? null),
      ...(carried ? { channelImport: carried.channelImport } : {}),
    };
  }

  /** Which routes an alert with these labels takes, what mutes them, and which silences mute it. */
  async test(request: TestAlertRoutingRequest): Promise<AlertRoutingTestAnswer> {
    const at = request.at ?? this.deps.now();
    const config = request.yaml === undefined ? await this.routingConfig() : parse(request.yaml);
    const dispatcher = new NotificationDispatcher(config);
    for (const silence of await this.deps.activeSilences(at)) dispatcher.putSilence(silence, at);
    return {
      matches: dispatcher.explain(request.labels, at).map((explained) => ({
        routePath: explained.routePath,
        receiver: explained.receiver,
        groupKey: explained.groupKey,
        mutedBy:
          explained.routeMute === null
            ? null
            : explained.routeMute.kind === 'inactive'
              ? 'outside its active time intervals'
              : `mute time interval "${explained.routeMute.name}"`,
        silencedBy: explained.suppressedBy?.kind === 'silence' ? [...explained.suppressedBy.silenceIds] : [],
      })),
    };
  }

  async versions(limit: number, cursor?: string): Promise<{ items: AlertRoutingVersion[]; nextCursor: string | null }> {
    const before = cursor === undefined ? undefined : Number(decodeCursor(cursor, 1)[0]);
    const page = toPage(await this.repo.history(limit + 1, before), limit, (r) => [r.version]);
    return {
      items: page.items.map((r) => ({
        version: r.version,
        yaml: r.yaml,
        updatedAt: r.updated_at,
        updatedBy: r.updated_by_email ?? r.updated_by,
      })),
      nextCursor: page.nextCursor,
    };
  }
}

function parse(yaml: string): RoutingConfig {
  try {
    return parseRoutingConfig(yaml);
  } catch (error) {
    if (!(error instanceof RoutingConfigError)) throw error;
    const errors = error.issues.map((issue) => ({ path: issue.path || '(config)', message: issue.message }));
    throw problems.validation(`The routing configuration has ${errors.length === 1 ? 'a problem' : `${errors.length} problems`}.`, errors);
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function summary(config: RoutingConfig) {
  return { receivers: [...config.receivers.keys()], routes: flatten(config.route, 0).length, inhibitRules: config.inhibitRules.length };
}

function flatten(route: Route, depth: number): AlertRouting['routes'] {
  return [
    {
      path: route.path,
      depth,
      receiver: route.receiver,
      matchers: formatMatchers(route.matchers),
      groupBy: [...route.groupBy],
      groupByAll: route.groupByAll,
      groupWaitMs: route.groupWaitMs,
      groupIntervalMs: route.groupIntervalMs,
      repeatIntervalMs: route.repeatIntervalMs,
      continue: route.continue,
      muteTimeIntervals: [...route.muteTimeIntervals],
      activeTimeIntervals: [...route.activeTimeIntervals],
    },
    ...route.routes.flatMap((child) => flatten(child, depth + 1)),
  ];
}

function present(
  yaml: string,
  config: RoutingConfig,
  row: Pick<RoutingVersionRow, 'version' | 'updated_at' | 'updated_by' | 'updated_by_email'> | null,
): AlertRouting {
  return {
    yaml,
    version: row?.version ?? 0,
    isDefault: row === null,
    updatedBy: row ? (row.updated_by_email ?? row.updated_by) : null,
    updatedAt: row?.updated_at ?? null,
    routes: flatten(config.route, 0),
    receivers: [...config.receivers.values()].map((r) => ({ name: r.name, integrations: Object.keys(r.integrations).sort() })),
    inhibitRules: config.inhibitRules.map((rule) => ({
      source: formatMatchers(rule.sourceMatchers),
      target: formatMatchers(rule.targetMatchers),
      equal: [...rule.equal],
    })),
    timeIntervals: [...config.timeIntervals.keys()],
  };
}
