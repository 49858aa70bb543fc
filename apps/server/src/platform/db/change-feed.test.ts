import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PgChangeFeed } from './change-feed';
import { eventually, type TestDatabase, testEngines } from './test-databases';

const postgres = testEngines().find((e) => e.dialect === 'postgres');

describe.runIf(postgres)('change feed (LISTEN/NOTIFY) on PostgreSQL', () => {
  let store: TestDatabase;
  let feed: PgChangeFeed;
  let sql: pg.Client;
  // Channels are database-wide: a name of its own keeps concurrent test files out of this one's way.
  const channel = `estate_test_${randomBytes(4).toString('hex')}`;
  const heard: string[] = [];
  let resets = 0;

  beforeEach(async () => {
    store = await postgres!.create({ migrate: false });
    feed = new PgChangeFeed(store.location);
    sql = new pg.Client({ connectionString: store.location });
    await sql.connect();
    heard.length = 0;
    resets = 0;
    feed.subscribe(channel, { message: (p) => heard.push(p), reset: () => (resets += 1) });
    await eventually(() => feed.live);
  });

  afterEach(async () => {
    await sql.end();
    await feed.close();
    await store.cleanup();
  });

  it('delivers what is notified on commit, and nothing from a rolled-back transaction', async () => {
    expect(resets).toBe(1); // connecting counts: whatever was cached before could be stale
    await sql.query('begin');
    await sql.query(`select pg_notify('${channel}', 'rolled back')`);
    await sql.query('rollback');
    await sql.query(`select pg_notify('${channel}', 'user-1')`);
    await eventually(() => heard.length > 0);
    expect(heard).toEqual(['user-1']);
  });

  it('is not live while its connection is gone, resets its subscribers, and listens again', async () => {
    const pid = feed.backendPid;
    await sql.query('select pg_terminate_backend($1)', [pid]);
    await eventually(() => !feed.live);
    expect(resets).toBe(2);
    await eventually(() => feed.live);
    expect(feed.backendPid).not.toBe(pid);
    expect(resets).toBe(3);
    await sql.query(`select pg_notify('${channel}', 'after')`);
    await eventually(() => heard.includes('after'));
  });

  it('notices a connection that went silent (no error, no close) through its heartbeat', async () => {
    // A TCP relay between a second feed and PostgreSQL that can stop passing bytes while keeping both sockets open,
    // as a network failure does to a long-lived connection.
    const target = new URL(store.location);
    let silent = false;
    const sockets: net.Socket[] = [];
    const relay = net.createServer((inbound) => {
      const outbound = net.connect(Number(target.port || 5432), target.hostname);
      sockets.push(inbound, outbound);
      inbound.on('data', (d) => silent || outbound.write(d));
      outbound.on('data', (d) => silent || inbound.write(d));
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const relayed = new URL(store.location);
    relayed.host = `127.0.0.1:${(relay.address() as net.AddressInfo).port}`;
    const watched = new PgChangeFeed(relayed.toString(), { heartbeatMs: 100, heartbeatTimeoutMs: 200 });
    let watchedResets = 0;
    try {
      watched.subscribe(channel, { message() {}, reset: () => (watchedResets += 1) });
      await eventually(() => watched.live);
      await new Promise((r) => setTimeout(r, 350)); // several heartbeats answered: stays live
      expect(watched.live).toBe(true);
      silent = true;
      await eventually(() => !watched.live);
      expect(watchedResets).toBe(2);
    } finally {
      relay.close();
      for (const socket of sockets) socket.destroy();
      await watched.close();
    }
  });

  it('is not live once closed', async () => {
    await feed.close();
    expect(feed.live).toBe(false);
  });

  it('refuses channel names that are not plain identifiers', () => {
    expect(() => feed.subscribe('x; drop table users', { message() {}, reset() {} })).toThrow(/Invalid notification channel/);
  });
});
