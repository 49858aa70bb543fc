import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SeamServer, startSeamServer } from './test-support/seam-server';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/estate-agent.mjs');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnAgent(args: string[]): { child: ChildProcess; done: Promise<Run> } {
  const env = { ...process.env };
  delete env.ESTATE_AGENT_STATE_DIR;
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const done = new Promise<Run>((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const agent = (args: string[]) => spawnAgent(args).done;

let server: SeamServer;
let dir: string;
beforeAll(async () => {
  server = await startSeamServer();
  dir = mkdtempSync(path.join(tmpdir(), 'estate-agent-cli-'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('estate-agent', () => {
  it('exits 2 on a usage error and 3 when run before enrolling', async () => {
    expect((await agent(['enroll', '--server', server.url])).code).toBe(2);
    const notEnrolled = await agent(['status', '--state-dir', path.join(dir, 'nothing')]);
    expect(notEnrolled.code).toBe(3);
    expect(notEnrolled.stderr).toMatch(/enroll first/);
  });

  it('enrolls once per token, then runs in the foreground until SIGTERM and reports its host', async () => {
    const stateDir = path.join(dir, 'state');
    server.tokens.add('estate-enroll-cli');
    const enrolled = await agent(['enroll', '--server', server.url, '--token', 'estate-enroll-cli', '--state-dir', stateDir]);
    expect(enrolled.code).toBe(0);
    expect(enrolled.stdout).toMatch(/Enrolled as agent [0-9a-f-]{36} \(active\)/);
    const again = await agent(['enroll', '--server', server.url, '--token', 'estate-enroll-cli', '--state-dir', stateDir, '--force']);
    expect(again.code).toBe(5);

    const run = spawnAgent(['run', '--state-dir', stateDir]);
    const started = Date.now();
    while (!(server.snapshot && server.points.size > 0)) {
      if (Date.now() - started > 20_000) throw new Error(`no report from the agent: ${(await Promise.race([run.done, sleep(1)])) ?? ''}`);
      await sleep(50);
    }
    run.child.kill('SIGTERM');
    const stopped = await run.done;
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toMatch(/SIGTERM received/);
    expect(server.refused).toEqual([]);
    expect(server.snapshot?.packages.bash).toBeDefined();

    const status = await agent(['status', '--state-dir', stateDir, '--json']);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout);
    expect(parsed).toMatchObject({ serverUrl: server.url, running: false, last: { buffer: { pending: 0 } } });
  });

  it('refuses to run with a private key others can read', async () => {
    const stateDir = path.join(dir, 'state');
    chmodSync(path.join(stateDir, 'agent-key.pem'), 0o644);
    const run = await agent(['run', '--state-dir', stateDir]);
    chmodSync(path.join(stateDir, 'agent-key.pem'), 0o600);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/readable by others/);
  });

  it('writes a hardened systemd unit that runs this node and script on the state directory', async () => {
    const unitPath = path.join(dir, 'units', 'estate-agent.service');
    const stateDir = path.join(dir, 'state');
    const install = await agent(['install', '--unit-path', unitPath, '--state-dir', stateDir]);
    expect(install.code).toBe(0);
    const unit = readFileSync(unitPath, 'utf8');
    const bundle = path.resolve(path.dirname(BIN), '../dist/estate-agent.mjs');
    const script = existsSync(bundle) ? bundle : BIN;
    expect(unit).toContain(`ExecStart=${process.execPath} --lite-mode ${script} run --state-dir ${stateDir}`);
    expect(unit).toContain(`ReadWritePaths=${stateDir}`);
    for (const line of [
      'Restart=on-failure',
      'NoNewPrivileges=true',
      'ProtectSystem=strict',
      'PrivateTmp=true',
      'WantedBy=multi-user.target',
    ])
      expect(unit).toContain(line);
  });
});
