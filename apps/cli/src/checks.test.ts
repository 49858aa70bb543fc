import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Check } from '@estate/contract';
import { loadConfig, type RunningServer, serve } from '@estate/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { ExitCode } from './exit-codes';

/**
 * `estate checks export` and `estate checks apply`, run as a user runs them (the real executable in a child
 * process) against a real server listening on a free port, with a real API token. The tests share the server and
 * run one after another; each starts from no checks.
 */

const BIN = fileURLToPath(new URL('../bin/estate.mjs', import.meta.url));
const root = mkdtempSync(path.join(tmpdir(), 'estate-cli-checks-'));
let server: RunningServer;
let token: string;

beforeAll(async () => {
  const config = loadConfig(
    {},
    {
      dataDir: path.join(root, 'data'),
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      webDir: path.join(root, 'no-web'),
      localAgent: false,
    },
  );
  server = await serve(config, { print: () => undefined });
  await server.estate.auth.users.createAdminFromCli('ops@example.org', 'Ops', 'correct horse battery staple 42');
  const created = await server.estate.auth.tokens.createFromCli('ops@example.org', {
    name: 'checks as code',
    scopes: ['monitoring:read', 'monitoring:write'],
    expiresInDays: 1,
  });
  token = created.token;
});
afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(async () => {
  for (const check of await listChecks()) {
    const res = await api('DELETE', `/api/v1/checks/${check.id}`, undefined, { 'if-match': `"${check.id}.${check.version}"` });
    expect(res.status).toBe(204);
  }
});

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `estate …args --server URL --token T` with a clean environment plus `env`. */
function estate(args: string[], env: Record<string, string> = {}, withToken = true): Promise<Result> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ESTATE_') && k !== 'DATABASE_URL'));
  const connection = withToken ? ['--server', server.url, '--token', token] : ['--server', server.url];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, ...connection], {
      cwd: root,
      env: { ...inherited, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end('');
  });
}

const show = (r: Result) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

async function api(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function listChecks(): Promise<Check[]> {
  const res = await api('GET', '/api/v1/checks?limit=500');
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: Check[] }).items;
}

/** The checks on the server by name, as `{ name: version }`, to show that nothing was written. */
async function versions(): Promise<Record<string, number>> {
  return Object.fromEntries((await listChecks()).map((c) => [c.name, c.version]));
}

let files = 0;
function writeChecks(checks: unknown[], ext = 'yaml'): string {
  const file = path.join(root, `checks-${++files}.${ext}`);
  writeFileSync(file, ext === 'json' ? JSON.stringify({ checks }) : YAML.stringify({ checks }));
  return file;
}

const api1 = { name: 'API', type: 'http', enabled: false, intervalSeconds: 60, config: { url: 'http://127.0.0.1:9/health' } };
const dbPort = { name: 'DB port', type: 'tcp', enabled: false, config: { host: '127.0.0.1', port: 5432 } };
const site = {
  name: 'Site',
  type: 'http',
  enabled: false,
  config: { url: 'https://www.example.org/' },
  conditions: ['[STATUS] == 200'],
  secretsFromEnv: { token: 'SITE_TOKEN' },
};

// Each run starts a Node process that compiles the CLI with tsx: seconds apiece on a busy CI machine.
describe('estate checks', { timeout: 180_000 }, () => {
  it('apply creates, updates and with --prune deletes by name; applying the same file again changes nothing', async () => {
    const first = writeChecks([api1, dbPort, site]);
    const created = await estate(['checks', 'apply', first], { SITE_TOKEN: 's3cret-token' });
    expect(created.code, show(created)).toBe(ExitCode.ok);
    expect(created.stdout).toMatch(/^created "API" \([0-9a-f-]{36}\)\ncreated "DB port" \(.*\)\ncreated "Site" \(.*\)\n/);
    expect(created.stdout).toMatch(/\n3 created, 0 updated, 0 unchanged, 0 deleted\n$/);
    const checks = await listChecks();
    expect(checks.map((c) => c.name)).toEqual(['API', 'DB port', 'Site']);
    expect(checks.find((c) => c.name === 'Site')).toMatchObject({ secretNames: ['token'], conditions: ['[STATUS] == 200'] });
    const before = await versions();

    const again = await estate(['checks', 'apply', first], { SITE_TOKEN: 's3cret-token' });
    expect(again.code, show(again)).toBe(ExitCode.ok);
    expect(again.stdout).toBe('0 created, 0 updated, 3 unchanged, 0 deleted\n');
    expect(await versions()).toEqual(before);

    // API changes its interval, DB port leaves the file, New arrives; without --prune DB port stays.
    const second = writeChecks([{ ...api1, intervalSeconds: 120 }, site, { ...api1, name: 'New' }]);
    const changed = await estate(['checks', 'apply', second], { SITE_TOKEN: 's3cret-token' });
    expect(changed.code, show(changed)).toBe(ExitCode.ok);
    expect(changed.stdout).toContain('updated "API": intervalSeconds\n');
    expect(changed.stdout).toMatch(/created "New" \(/);
    expect(changed.stdout).toMatch(/\n1 created, 1 updated, 1 unchanged, 0 deleted\n$/);
    const after = await listChecks();
    expect(after.find((c) => c.name === 'API')).toMatchObject({ intervalSeconds: 120, version: before.API! + 1 });
    expect(after.map((c) => c.name)).toContain('DB port');

    const pruned = await estate(['checks', 'apply', second, '--prune'], { SITE_TOKEN: 's3cret-token' });
    expect(pruned.code, show(pruned)).toBe(ExitCode.ok);
    expect(pruned.stdout).toBe('deleted "DB port"\n0 created, 0 updated, 3 unchanged, 1 deleted\n');
    expect((await listChecks()).map((c) => c.name)).toEqual(['API', 'New', 'Site']);

    const settled = await estate(['checks', 'apply', second, '--prune'], { SITE_TOKEN: 's3cret-token' });
    expect(settled.stdout, show(settled)).toBe('0 created, 0 updated, 3 unchanged, 0 deleted\n');
  });

  it('export writes every check without its secrets, and applying the export changes nothing (YAML and JSON)', async () => {
    const created = await api('POST', '/api/v1/checks', {
      name: 'Portal',
      type: 'http',
      enabled: false,
      intervalSeconds: 30,
      timeoutSeconds: 5,
      retries: 3,
      config: { url: 'https://portal.example.org/login', method: 'HEAD' },
      conditions: ['[STATUS] < 400'],
      warningConditions: ['[RESPONSE_TIME] < 800'],
      secrets: { password: 'do-not-leak-me', token: 'nor-me' },
    });
    expect(created.status).toBe(201);
    expect((await api('POST', '/api/v1/checks', { ...dbPort, enabled: true, retries: 0 })).status).toBe(201);
    const before = await versions();

    const yamlFile = path.join(root, 'export.yaml');
    const exported = await estate(['checks', 'export', '--output', yamlFile]);
    expect(exported.code, show(exported)).toBe(ExitCode.ok);
    expect(exported.stdout).toBe(`Exported 2 checks to ${yamlFile}.\n`);
    const text = readFileSync(yamlFile, 'utf8');
    expect(text).not.toContain('do-not-leak-me');
    expect(text).not.toContain('nor-me');
    expect(text).toMatch(/^#.*Set these environment variables.*\n#\s+CHECK_PORTAL_PASSWORD\n#\s+CHECK_PORTAL_TOKEN\n/m);
    const parsed = YAML.parse(text) as { checks: Array<Record<string, unknown>> };
    expect(parsed.checks[1]).toEqual({
      name: 'Portal',
      type: 'http',
      enabled: false,
      intervalSeconds: 30,
      timeoutSeconds: 5,
      retries: 3,
      config: { url: 'https://portal.example.org/login', method: 'HEAD' },
      conditions: ['[STATUS] < 400'],
      warningConditions: ['[RESPONSE_TIME] < 800'],
      ciIds: [],
      secretsFromEnv: { password: 'CHECK_PORTAL_PASSWORD', token: 'CHECK_PORTAL_TOKEN' },
    });

    const secrets = { CHECK_PORTAL_PASSWORD: 'x', CHECK_PORTAL_TOKEN: 'y' };
    const applied = await estate(['checks', 'apply', yamlFile, '--prune'], secrets);
    expect(applied.code, show(applied)).toBe(ExitCode.ok);
    expect(applied.stdout).toBe('0 created, 0 updated, 2 unchanged, 0 deleted\n');

    const json = await estate(['checks', 'export', '--format', 'json']);
    expect(json.code, show(json)).toBe(ExitCode.ok);
    expect(json.stderr).toContain('CHECK_PORTAL_PASSWORD, CHECK_PORTAL_TOKEN');
    expect(JSON.parse(json.stdout)).toEqual(parsed);
    const jsonFile = path.join(root, 'export.json');
    writeFileSync(jsonFile, json.stdout);
    const appliedJson = await estate(['checks', 'apply', jsonFile, '--prune'], secrets);
    expect(appliedJson.stdout, show(appliedJson)).toBe('0 created, 0 updated, 2 unchanged, 0 deleted\n');
    expect(await versions()).toEqual(before);
  });

  it('--dry-run prints the plan with names and counts and writes nothing', async () => {
    expect((await api('POST', '/api/v1/checks', api1)).status).toBe(201);
    expect((await api('POST', '/api/v1/checks', dbPort)).status).toBe(201);
    expect((await api('POST', '/api/v1/checks', { ...api1, name: 'Old' })).status).toBe(201);
    const before = await versions();
    const file = writeChecks([{ ...api1, retries: 4 }, dbPort, { ...api1, name: 'Fresh' }], 'json');
    const r = await estate(['checks', 'apply', file, '--dry-run', '--prune']);
    expect(r.code, show(r)).toBe(ExitCode.ok);
    expect(r.stdout).toBe(
      [
        'update "API": retries',
        'unchanged "DB port"',
        'create "Fresh"',
        'delete "Old"',
        'Dry run: 1 to create, 1 to update, 1 unchanged, 1 to delete; nothing written.',
        '',
      ].join('\n'),
    );
    expect(await versions()).toEqual(before);
  });

  it('duplicate names and a missing environment variable fail per row, and nothing is written', async () => {
    const file = writeChecks([
      { ...api1, name: 'Fine' },
      { ...api1, name: 'Twice' },
      { ...dbPort, name: 'Twice' },
      { ...site, secretsFromEnv: { token: 'NOT_SET_ANYWHERE' } },
      { type: 'tcp', config: { host: 'x', port: 1 }, intervalSeconds: 5 },
    ]);
    const r = await estate(['checks', 'apply', file]);
    expect(r.code, show(r)).toBe(ExitCode.usage);
    expect(r.stderr).toContain(
      'estate: checks[2] "Twice": name: "Twice" is already the name of checks[1]; names must be unique in the file\n',
    );
    expect(r.stderr).toContain('estate: checks[3] "Site": secretsFromEnv.token: environment variable NOT_SET_ANYWHERE is not set\n');
    expect(r.stderr).toContain('estate: checks[4]: name: is required\n');
    expect(r.stderr).toContain('estate: checks[4]: intervalSeconds: must be >= 10\n');
    expect(r.stderr).toMatch(/3 rows are invalid; nothing was written\.\n$/);
    expect(r.stdout).toBe('');
    expect(await listChecks()).toEqual([]);
  });

  it("a change the server refuses (400) is reported on its row with the server's path; the other rows are written", async () => {
    const file = writeChecks([
      { ...api1, name: 'Good' },
      { name: 'FTP', type: 'http', enabled: false, config: { url: 'ftp://x' } },
    ]);
    const r = await estate(['checks', 'apply', file]);
    expect(r.code, show(r)).toBe(ExitCode.refused);
    expect(r.stderr).toBe('estate: checks[1] "FTP": config.url: must start with http:// or https://\n');
    expect(r.stdout).toMatch(/^created "Good" \(.*\)\n1 created, 0 updated, 0 unchanged, 0 deleted, 1 failed\n$/);
    expect((await listChecks()).map((c) => c.name)).toEqual(['Good']);
  });

  it('refuses without a token (usage) and with a wrong one (the server says why), writing nothing', async () => {
    const file = writeChecks([api1]);
    const none = await estate(['checks', 'apply', file], {}, false);
    expect(none.code, show(none)).toBe(ExitCode.usage);
    expect(none.stderr).toContain('--token');
    const wrong = await estate(['checks', 'apply', file, '--token', 'estate_not-a-real-token-at-all-0000000000000000'], {}, false);
    expect(wrong.code, show(wrong)).not.toBe(ExitCode.ok);
    expect(wrong.stderr).toMatch(/^estate: .+/);
    expect(await listChecks()).toEqual([]);
  });
});
