import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEstate, type TestEstate, testEngines } from '../../../test/harness';

// The download reads a file and no table: the embedded engine is enough.
const [engine] = testEngines();

describe('the agent download', () => {
  let t: TestEstate;
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'estate-agent-download-'));
    bundle = path.join(dir, 'estate-agent.mjs');
    t = await createTestEstate(engine!, { agentBundle: bundle });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 404 problem+json naming the build command while no bundle is built', async () => {
    const res = await t.anonymous().request('GET', '/api/v1/agent/download');
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().detail).toContain('npm run build:agent');
    expect((await t.anonymous().request('GET', '/api/v1/agent/download/estate-agent.mjs')).statusCode).toBe(404);
    expect((await t.anonymous().request('GET', '/api/v1/agent/download/SHA256SUMS')).statusCode).toBe(404);
  });

  it('serves the bundle to anyone, with a SHA-256 that matches its bytes, and follows a rebuild', async () => {
    const first = '#!/usr/bin/env node\nconsole.log("agent v1");\n';
    writeFileSync(bundle, first);
    const info = await t.anonymous().request('GET', '/api/v1/agent/download');
    expect(info.statusCode).toBe(200);
    const sha1 = createHash('sha256').update(first).digest('hex');
    expect(info.json()).toEqual({
      file: 'estate-agent.mjs',
      path: '/api/v1/agent/download/estate-agent.mjs',
      sha256: sha1,
      size: Buffer.byteLength(first),
      node: '>=20.19',
      serverUrl: null,
    });
    const file = await t.anonymous().request('GET', '/api/v1/agent/download/estate-agent.mjs');
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toContain('text/javascript');
    expect(file.headers['x-checksum-sha256']).toBe(sha1);
    expect(createHash('sha256').update(file.rawPayload).digest('hex')).toBe(sha1);
    const sums = await t.anonymous().request('GET', '/api/v1/agent/download/SHA256SUMS');
    expect(sums.body).toBe(`${sha1}  estate-agent.mjs\n`);

    // A rebuilt bundle (another size) is served with its own checksum without a restart.
    const second = `${first}console.log("agent v2");\n`;
    writeFileSync(bundle, second);
    const sha2 = createHash('sha256').update(second).digest('hex');
    expect((await t.anonymous().request('GET', '/api/v1/agent/download')).json().sha256).toBe(sha2);
    expect((await t.anonymous().request('GET', '/api/v1/agent/download/SHA256SUMS')).body).toBe(`${sha2}  estate-agent.mjs\n`);
  });
});
