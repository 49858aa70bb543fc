import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHttpServer, type TestServer } from '@estate/checks/checks/check-servers.fixtures';
import type { CheckEventBatch } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { eventually } from '../../../platform/db/test-databases';

const EVENTS = '/api/v1/checks/events';

/** An open event stream over a real socket: its answer, and the frames read so far. */
interface Stream {
  status: number;
  response: IncomingMessage;
  body: string;
  frames: string[];
  ended: Promise<void>;
  close(): void;
}

function openStream(port: number, headers: Record<string, string>): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: EVENTS, headers: { accept: 'text/event-stream', ...headers } }, (response) => {
      const stream: Stream = {
        status: response.statusCode ?? 0,
        response,
        body: '',
        frames: [],
        ended: new Promise((done) => response.on('close', done)),
        close: () => req.destroy(),
      };
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        stream.body += chunk;
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          stream.frames.push(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      });
      response.on('error', () => undefined);
      resolve(stream);
    });
    req.on('error', reject);
    req.end();
  });
}

const batchesOf = (stream: Stream): CheckEventBatch[] =>
  stream.frames.filter((f) => f.startsWith('event: checks\n')).map((f) => JSON.parse(f.slice(f.indexOf('data: ') + 6)) as CheckEventBatch);

describe.each(testEngines())('check events stream on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let target: TestServer;
  let port: number;
  let healthy = true;
  const streams: Stream[] = [];

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    target = await startHttpServer((_req, res) => {
      res.writeHead(healthy ? 200 : 503).end();
    });
    await t.estate.http.listen({ host: '127.0.0.1', port: 0 });
    port = (t.estate.http.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    await target?.close();
    await t?.close();
  });

  const open = async (headers: Record<string, string>) => {
    const stream = await openStream(port, headers);
    streams.push(stream);
    return stream;
  };

  it('refuses the anonymous, a token without monitoring:read, a foreign Origin, and a caller that does not take a stream', async () => {
    const anonymous = await open({});
    expect(anonymous.status).toBe(401);
    const scoped = await admin.request('POST', '/api/v1/tokens', { name: 'inventory only', scopes: ['inventory:read'] });
    expect(scoped.statusCode, scoped.body).toBe(201);
    const forbidden = await open({ authorization: `Bearer ${scoped.json().token}` });
    expect(forbidden.status).toBe(403);
    const foreign = await open({ cookie: admin.cookie ?? '', origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    await foreign.ended;
    expect(foreign.body).toContain('origin https://evil.example');
    const plain = await admin.request('GET', EVENTS);
    expect(plain.statusCode).toBe(400);
    expect(plain.json().errors).toEqual([{ path: 'headers/accept', message: 'must accept text/event-stream' }]);
  });

  it('streams state changes with the summary to every open stream, one frame written alike to each', async () => {
    const created = await admin.request('POST', '/api/v1/checks', {
      name: 'Live web',
      type: 'http',
      config: { url: `http://127.0.0.1:${target.port}/` },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const viewer = await t.userWithRole('viewer');
    const mine = await open({ cookie: admin.cookie ?? '', origin: `http://127.0.0.1:${port}` });
    const theirs = await open({ cookie: viewer.cookie ?? '' });
    expect(mine.status).toBe(200);
    expect(mine.response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(mine.response.headers['cache-control']).toBe('no-store');
    expect(mine.response.headers['x-content-type-options']).toBe('nosniff');
    await eventually(() => mine.frames.includes('retry: 3000') && theirs.frames.includes('retry: 3000'));

    const ran = await admin.request('POST', `/api/v1/checks/${id}/run`);
    expect(ran.json().status.state).toBe('up');
    const sawUp = (s: Stream) => batchesOf(s).some((b) => b.checks.some((c) => c.id === id && c.status.state === 'up'));
    await eventually(() => sawUp(mine) && sawUp(theirs));
    const up = batchesOf(mine).find((b) => b.checks.some((c) => c.id === id));
    expect(up?.checks.find((c) => c.id === id)?.status).toMatchObject({ state: 'up', lastMessage: expect.stringMatching(/^HTTP 200/) });
    expect(up?.summary).toMatchObject({ total: 1, up: 1 });
    // One frame serialized once: both streams got the same text for it.
    const frameOf = (s: Stream) => s.frames.find((f) => f.includes(`"id":"${id}"`) && f.includes('"state":"up"'));
    expect(frameOf(theirs)).toBe(frameOf(mine));

    // Down (retries 1: the second failure in a row), then up again: the streams follow.
    healthy = false;
    await admin.request('POST', `/api/v1/checks/${id}/run`);
    await admin.request('POST', `/api/v1/checks/${id}/run`);
    const sawDown = (s: Stream) => batchesOf(s).some((b) => b.checks.some((c) => c.id === id && c.status.state === 'down'));
    await eventually(() => sawDown(mine) && sawDown(theirs));
    const down = batchesOf(theirs).find((b) => b.checks.some((c) => c.id === id && c.status.state === 'down'));
    expect(down?.summary).toMatchObject({ total: 1, up: 0, down: 1 });
    healthy = true;
  });

  it('caps the streams one user holds', async () => {
    const operator = await t.userWithRole('operator');
    const held: Stream[] = [];
    for (let i = 0; i < 4; i++) held.push(await open({ cookie: operator.cookie ?? '' }));
    expect(held.map((s) => s.status)).toEqual([200, 200, 200, 200]);
    const fifth = await open({ cookie: operator.cookie ?? '' });
    expect(fifth.status).toBe(429);
    await fifth.ended;
    expect(fifth.body).toMatch(/4 live check streams open/);
    held[0]?.close();
    await eventually(async () => {
      const again = await open({ cookie: operator.cookie ?? '' });
      if (again.status !== 200) return false;
      return true;
    });
  });

  it('ends open streams cleanly when the server closes', async () => {
    const other = await createTestEstate(engine);
    try {
      const owner = await other.setupAdmin();
      await other.estate.http.listen({ host: '127.0.0.1', port: 0 });
      const stream = await openStream((other.estate.http.server.address() as AddressInfo).port, { cookie: owner.cookie ?? '' });
      expect(stream.status).toBe(200);
      await eventually(() => stream.frames.includes('retry: 3000'));
      await other.estate.http.close();
      await stream.ended;
      expect(stream.response.complete).toBe(true);
      expect(other.estate.monitoring.feed.size).toBe(0);
    } finally {
      await other.close();
    }
  });
});
