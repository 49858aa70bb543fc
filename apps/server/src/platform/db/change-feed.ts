import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** What a subscriber hears: each payload sent on its channel, and every moment its earlier news may be incomplete. */
export interface ChangeHandler {
  message(payload: string): void;
  /**
   * The feed lost its connection or has just (re)connected: notifications may have been missed in between, so
   * anything cached on the strength of the feed must be dropped.
   */
  reset(): void;
}

/**
 * PostgreSQL notifications (LISTEN/NOTIFY) for in-process caches that must hear changes made by other processes.
 * `live` is true only while the listening connection is up; a cache must not answer from memory otherwise.
 */
export interface ChangeFeed {
  readonly live: boolean;
  subscribe(channel: string, handler: ChangeHandler): () => void;
  close(): Promise<void>;
}

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;
/** How often the feed notifies itself, and how long it waits to hear itself before it calls the connection dead. */
const HEARTBEAT_MS = 10_000;
const HEARTBEAT_TIMEOUT_MS = 5_000;

/**
 * One dedicated connection (not from the pool: a pooled connection is shared and LISTEN is per session) that
 * listens on every subscribed channel. It connects on the first subscription and reconnects with capped backoff;
 * subscribers are reset when it drops and again once it listens anew. A connection that dies without a word (a
 * half-open TCP connection after a network failure) is caught by a heartbeat: the feed notifies itself every
 * {@link HEARTBEAT_MS} on a channel of its own and drops the connection when it does not hear itself back in time.
 * Channel names are fixed identifiers from the code, never user input.
 */
export class PgChangeFeed implements ChangeFeed {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private readonly handlers = new Map<string, Set<ChangeHandler>>();
  private listening = false;
  private closed = false;
  private retryMs = RETRY_FIRST_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly heartbeatChannel = `estate_feed_${randomBytes(6).toString('hex')}`;
  private awaitedBeat: string | undefined;

  private readonly heartbeatMs: number;
  private readonly heartbeatTimeoutMs: number;

  constructor(
    private readonly connectionString: string,
    options: { heartbeatMs?: number; heartbeatTimeoutMs?: number } = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
    this.heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? HEARTBEAT_TIMEOUT_MS;
  }

  get live(): boolean {
    return this.listening && !this.closed;
  }

  /** The PostgreSQL backend of the listening connection, while there is one (for diagnostics and tests). */
  get backendPid(): number | undefined {
    return this.listening ? (this.client as unknown as { processID?: number } | undefined)?.processID : undefined;
  }

  subscribe(channel: string, handler: ChangeHandler): () => void {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Invalid notification channel name: ${channel}`);
    const known = this.handlers.get(channel);
    if (known) known.add(handler);
    else {
      this.handlers.set(channel, new Set([handler]));
      if (this.client && this.listening)
        this.client.query(`listen ${channel}`).then(
          // Whatever the handler cached before the listen took effect may be stale.
          () => handler.reset(),
          () => this.drop(),
        );
    }
    this.start();
    return () => this.handlers.get(channel)?.delete(handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeatTimer);
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }

  private start(): void {
    if (this.closed || this.client || this.connecting) return;
    this.connecting = this.connect().finally(() => {
      this.connecting = undefined;
    });
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: 'estate-change-feed',
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    client.on('error', () => this.drop(client));
    client.on('end', () => this.drop(client));
    client.on('notification', (msg) => {
      if (msg.channel === this.heartbeatChannel) {
        if (msg.payload === this.awaitedBeat) this.awaitedBeat = undefined;
        return;
      }
      for (const handler of this.handlers.get(msg.channel) ?? []) handler.message(msg.payload ?? '');
    });
    try {
      await client.connect();
      for (const channel of [this.heartbeatChannel, ...this.handlers.keys()]) await client.query(`listen ${channel}`);
    } catch {
      await client.end().catch(() => undefined);
      this.scheduleRetry();
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.listening = true;
    this.retryMs = RETRY_FIRST_MS;
    this.awaitedBeat = undefined;
    this.heartbeatTimer = setInterval(() => this.beat(client), this.heartbeatMs);
    this.heartbeatTimer.unref();
    this.resetAll();
  }

  /** Notifies itself through the server; not hearing it back in time means the connection is gone. */
  private beat(client: pg.Client): void {
    if (client !== this.client) return;
    if (this.awaitedBeat !== undefined) {
      this.drop(client);
      return;
    }
    const beat = randomBytes(6).toString('hex');
    this.awaitedBeat = beat;
    client.query('select pg_notify($1, $2)', [this.heartbeatChannel, beat]).catch(() => this.drop(client));
    setTimeout(() => {
      if (this.awaitedBeat === beat && client === this.client) this.drop(client);
    }, this.heartbeatTimeoutMs).unref();
  }

  /** The connection failed: stop vouching for caches, tell subscribers, and connect again later. */
  private drop(client?: pg.Client): void {
    if (client && client !== this.client) return;
    const wasListening = this.listening;
    this.listening = false;
    clearInterval(this.heartbeatTimer);
    const old = this.client;
    this.client = undefined;
    old?.end().catch(() => undefined);
    if (wasListening) this.resetAll();
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.start();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }

  private resetAll(): void {
    for (const set of this.handlers.values()) for (const handler of set) handler.reset();
  }
}
