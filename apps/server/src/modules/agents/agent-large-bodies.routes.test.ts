import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AGENT_CLOCK_SKEW_MS, AgentProblemType, ProblemType } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestAgentClient } from '../../../test/agent-client';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { eventually } from '../../platform/db/test-databases';

const INVENTORY = '/api/v1/agent/inventory';
const METRICS = '/api/v1/agent/metrics';
/** Just under the inventory route's 16 MiB limit: `{`, spaces, `}`. */
const BIG = Buffer.alloc(Math.floor(15.9 * 1024 * 1024), 0x20);
BIG[0] = 0x7b;
BIG[BIG.length - 1] = 0x7d;
const CHUNK = 64 * 1024;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A POST over a real socket that sends its body as fast as the server reads it, and stops once answered. */
interface Upload {
  answer: Promise<Answer>;
  /** Body bytes handed to the socket so far. */
  sent(): number;
  destroy(): void;
}

function upload(port: number, path: string, headers: Record<string, string>, body: Buffer, sendAtMost = body.length): Upload {
  const request = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...headers, 'content-length': String(body.length) },
  });
  let sent = 0;
  let answered = false;
  const answer = new Promise<Answer>((resolve, reject) => {
    request.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
    });
    request.on('error', reject);
  });
  // A destroyed upload that was never answered is not a failure of the test that destroyed it.
  answer.catch(() => undefined);
  const pump = () => {
    while (!answered && sent < sendAtMost) {
      const part = body.subarray(sent, Math.min(sent + CHUNK, sendAtMost));
      sent += part.length;
      if (!request.write(part)) {
        request.once('drain', pump);
        return;
      }
    }
    if (sent === body.length) request.end();
  };
  request.flushHeaders();
  pump();
  return { answer, sent: () => sent, destroy: () => request.destroy() };
}

function expectProblem(answer: Answer, status: number, type: string): void {
  expect(answer.status, answer.body).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(answer.body).type).toBe(type);
}

/** A metrics report of a little over 1 MiB: past the size where the gate counts it. */
function largeMetricsReport(): string {
  const start = Date.now() - 3_600_000;
  const series = Array.from({ length: 20 }, (_, s) => ({
    name: 'cpu.usage',
    labels: { cpu: String(s) },
    points: Array.from({ length: 3_000 }, (_, i) => [start + i * 1000, 12.5]),
  }));
  const text = JSON.stringify({ series });
  expect(text.length).toBeGreaterThan(1024 * 1024);
  return text;
}

for (const engine of testEngines()) {
  describe(`large agent bodies on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let port: number;

    const enrolled = async (): Promise<TestAgentClient> => {
      const created = await admin.request('POST', '/api/v1/enrollment-tokens', { name: 'test' });
      const client = new TestAgentClient(t);
      expect((await client.enroll(created.json().token)).statusCode).toBe(201);
      return client;
    };

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      await t.estate.http.listen({ host: '127.0.0.1', port: 0 });
      port = (t.estate.http.server.address() as AddressInfo).port;
    });
    afterAll(() => t?.close());

    it('refuses unsigned, unknown, skewed and revoked large posts before reading their bodies', async () => {
      const agent = await enrolled();
      const revoked = await enrolled();
      expect((await admin.request('POST', `/api/v1/agents/${revoked.agentId}/revoke`)).statusCode).toBe(200);
      const cases: Array<[string, Record<string, string>, number, string]> = [
        ['unsigned', {}, 401, ProblemType.unauthenticated],
        [
          'unknown agent',
          agent.signedHeaders('POST', INVENTORY, BIG, { agentId: '0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b' }),
          401,
          ProblemType.unauthenticated,
        ],
        [
          'skewed clock',
          agent.signedHeaders('POST', INVENTORY, BIG, { timestamp: Date.now() - AGENT_CLOCK_SKEW_MS - 60_000 }),
          401,
          AgentProblemType.clockSkew,
        ],
        ['revoked agent', revoked.signedHeaders('POST', INVENTORY, BIG), 403, AgentProblemType.agentRevoked],
      ];
      for (const [name, headers, status, type] of cases) {
        const sending = upload(port, INVENTORY, headers, BIG);
        const answer = await sending.answer;
        sending.destroy();
        expectProblem(answer, status, type);
        // Answered while most of the body was still unsent: the server never waited for it.
        expect(sending.sent(), name).toBeLessThan(BIG.length);
      }
      expect(t.estate.agents.auth.largeBodiesInFlight).toBe(0);
    });

    it('checks the signature as the body streams in, before parsing it', async () => {
      const agent = await enrolled();
      const report = { series: [{ name: 'cpu.usage', points: [[Date.now(), 1]] }] };
      // Invalid JSON under a signature over other bytes: refused for the signature, never parsed (which would be a 400).
      const res = await agent.request('POST', METRICS, report, { sentBody: '{"series": [not json' });
      expect(res.statusCode, res.body).toBe(401);
      expect(res.json().type).toBe(ProblemType.unauthenticated);
      expect(agent.answerVerifies(res)).toBe(true);
    });

    it('answers 415 to a large body it will not parse, drains it, and serves the next request on the connection', async () => {
      const agent = await enrolled();
      const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const send = (method: string, path: string, headers: Record<string, string>, body?: Buffer) =>
        new Promise<number>((resolve, reject) => {
          const request = http.request({ host: '127.0.0.1', port, method, path, headers, agent: keepAlive }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          request.on('error', reject);
          request.end(body);
        });
      try {
        const xml = { ...agent.signedHeaders('POST', INVENTORY, BIG), 'content-type': 'application/xml' };
        expect(await send('POST', INVENTORY, xml, BIG)).toBe(415);
        expect(await send('GET', '/api/v1/agent/config', agent.signedHeaders('GET', '/api/v1/agent/config', undefined))).toBe(200);
        await eventually(() => t.estate.agents.auth.largeBodiesInFlight === 0);
      } finally {
        keepAlive.destroy();
      }
    });

    it('refuses a large body past the per-agent limit with 429 and Retry-After, unread, and admits one again later', async () => {
      const agent = await enrolled();
      const held = [0, 1].map(() => upload(port, INVENTORY, agent.signedHeaders('POST', INVENTORY, BIG), BIG, CHUNK));
      await eventually(() => t.estate.agents.auth.largeBodiesInFlight === 2);

      const third = upload(port, INVENTORY, agent.signedHeaders('POST', INVENTORY, BIG), BIG);
      const answer = await third.answer;
      third.destroy();
      expectProblem(answer, 429, ProblemType.tooManyRequests);
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      expect(third.sent()).toBeLessThan(BIG.length);

      for (const sending of held) sending.destroy();
      await eventually(() => t.estate.agents.auth.largeBodiesInFlight === 0);
      const text = largeMetricsReport();
      const accepted = upload(port, METRICS, agent.signedHeaders('POST', METRICS, text), Buffer.from(text));
      const ok = await accepted.answer;
      expect(ok.status, ok.body).toBe(200);
      expect(JSON.parse(ok.body).accepted).toBe(60_000);
      await eventually(() => t.estate.agents.auth.largeBodiesInFlight === 0);
    });
  });
}
