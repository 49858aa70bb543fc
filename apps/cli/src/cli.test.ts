import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEstate, loadConfig, openStore } from '@estate/server';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from './exit-codes';

/**
 * The real `estate` executable, run as a user runs it, against a throwaway data directory. Commands that share the
 * store wait for the steps they depend on; everything else runs side by side to keep the suite quick.
 */

const BIN = fileURLToPath(new URL('../bin/estate.mjs', import.meta.url));
const STRONG = 'correct horse battery staple 42';
const root = mkdtempSync(path.join(tmpdir(), 'estate-cli-'));
const dataDir = path.join(root, 'data');
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `estate …args` with a clean environment (no ESTATE_* or DATABASE_URL from the developer's shell). */
function estate(args: string[], options: { env?: Record<string, string>; stdin?: string; dir?: string } = {}): Promise<Result> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ESTATE_') && k !== 'DATABASE_URL'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: root,
      env: { ...inherited, ESTATE_DATA_DIR: options.dir ?? dataDir, ...options.env },
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
    child.stdin.end(options.stdin ?? '');
  });
}

/** Runs a step once, however many tests wait for it. */
function step<T>(fn: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => {
    promise ??= fn();
    return promise;
  };
}

const show = (r: Result) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

const adminCreated = step(() => estate(['admin', 'create', '--email', 'a@b.org', '--password-stdin'], { stdin: `${STRONG}\n` }));
const duplicateAdmin = step(async () => {
  await adminCreated();
  return estate(['admin', 'create', '--email', 'A@B.org', '--password-stdin'], { stdin: `${STRONG}\n` });
});
const weakAdmin = step(async () => {
  await adminCreated();
  return estate(['admin', 'create', '--email', 'weak@b.org', '--password-stdin'], { stdin: 'password\n' });
});
const tokenCreated = step(async () => {
  await adminCreated();
  return estate(['token', 'create', '--user', 'a@b.org', '--name', 'ci', '--scope', 'users:read']);
});
/** Every step that writes to the store, settled, so the audit checks see a quiet store. */
const storeSettled = step(() => Promise.all([duplicateAdmin(), weakAdmin(), tokenCreated()]));
const auditVerified = step(async () => {
  await storeSettled();
  return estate(['audit', 'verify']);
});

// Every test runs the CLI as a child process, concurrently, each loading the whole server through tsx: on two busy
// cores (the full suite beside it) a test takes well over the default 30 s, none of it the CLI's own work.
describe.concurrent('estate CLI', { timeout: 150_000 }, () => {
  it('--help lists the commands and exits 0', async () => {
    const r = await estate(['--help']);
    expect(r.code, show(r)).toBe(ExitCode.ok);
    for (const command of ['serve', 'migrate', 'admin', 'token', 'audit']) expect(r.stdout).toContain(command);
  });

  it('--version and -V print the version from package.json and exit 0, without a store', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) {
      const r = await estate([flag], { dir: path.join(root, 'no-store-for-version') });
      expect(r.code, show(r)).toBe(ExitCode.ok);
      expect(r.stdout).toBe(`${version}\n`);
      expect(r.stderr).toBe('');
    }
    expect(existsSync(path.join(root, 'no-store-for-version'))).toBe(false);
  });

  it('an unknown command exits 2 (usage) and says what was wrong', async () => {
    const r = await estate(['frobnicate']);
    expect(r.code, show(r)).toBe(ExitCode.usage);
    expect(r.stderr).toContain('frobnicate');
  });

  it('an unknown token scope exits 2 and lists the scopes, before touching the store', async () => {
    const dir = path.join(root, 'never-created');
    const r = await estate(['token', 'create', '--user', 'a@b.org', '--name', 'ci', '--scope', 'users:destroy'], { dir });
    expect(r.code, show(r)).toBe(ExitCode.usage);
    expect(r.stderr).toContain('users:destroy');
    expect(r.stderr).toContain('users:read');
    expect(r.stdout).toBe('');
  });

  it('bad configuration (ESTATE_PORT=abc) exits 3 with one line naming the variable, no stack', async () => {
    const r = await estate(['serve'], { env: { ESTATE_PORT: 'abc' }, dir: path.join(root, 'bad-config') });
    expect(r.code, show(r)).toBe(ExitCode.config);
    expect(r.stderr).toMatch(/^estate: ESTATE_PORT .*"abc"/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).not.toContain('running');
  });

  it('migrate applies the migrations once, then reports "Already up to date."', async () => {
    const dir = path.join(root, 'migrate');
    const first = await estate(['migrate'], { dir });
    expect(first.code, show(first)).toBe(ExitCode.ok);
    expect(first.stdout).toMatch(/^Applied: \S+/);
    const second = await estate(['migrate'], { dir });
    expect(second.code, show(second)).toBe(ExitCode.ok);
    expect(second.stdout).toBe('Already up to date.\n');
  });

  it('admin create with a strong password on stdin exits 0', async () => {
    const r = await adminCreated();
    expect(r.code, show(r)).toBe(ExitCode.ok);
    expect(r.stdout).toMatch(/^Created admin a@b\.org \([0-9a-f-]{36}\)\.\n$/);
  });

  it('admin create for an existing email (any case) exits 5 (refused)', async () => {
    const r = await duplicateAdmin();
    expect(r.code, show(r)).toBe(ExitCode.refused);
    expect(r.stderr).toContain('a@b.org');
    expect(r.stderr).toContain('already exists');
  });

  it('admin create with a weak password fails with a message and creates nobody', async () => {
    const r = await weakAdmin();
    expect(r.code, show(r)).not.toBe(ExitCode.ok);
    expect(r.stderr).toMatch(/^estate: .*(12 characters|common)/);
    await storeSettled();
    const db = new SQLite(path.join(dataDir, 'estate.db'), { readonly: true });
    try {
      expect(db.prepare('select count(*) as n from users where email = ?').get('weak@b.org')).toEqual({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('token create prints only the token, stored hashed with its scope, and it works with exactly that scope', async () => {
    const r = await tokenCreated();
    expect(r.code, show(r)).toBe(ExitCode.ok);
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe('');
    const token = lines[0]!;
    expect(token).toMatch(/^estate_[A-Za-z0-9_-]{40,}$/);

    const db = new SQLite(path.join(dataDir, 'estate.db'), { readonly: true });
    let row: { prefix: string; token_hash: string; scopes: string; name: string } | undefined;
    try {
      row = db.prepare('select prefix, token_hash, scopes, name from api_tokens where token_hash = ?').get(sha256(token)) as typeof row;
      expect(JSON.stringify(db.prepare('select * from api_tokens').all())).not.toContain(token);
    } finally {
      db.close();
    }
    expect(row).toBeDefined();
    expect(token.startsWith(row!.prefix)).toBe(true);
    expect(JSON.parse(row!.scopes)).toEqual(['users:read']);
    expect(row!.name).toBe('ci');

    // The token authenticates against an Estate over the same store, narrowed to its one scope.
    await storeSettled();
    const config = loadConfig({ ESTATE_DATA_DIR: dataDir, ESTATE_WEB_DIR: path.join(root, 'no-web') });
    const database = await openStore(config);
    const server = await createEstate(config, database, { logger: false });
    try {
      const bearer = { authorization: `Bearer ${token}` };
      expect((await server.http.inject({ method: 'GET', url: '/api/v1/users', headers: bearer })).statusCode).toBe(200);
      expect((await server.http.inject({ method: 'GET', url: '/api/v1/audit-events', headers: bearer })).statusCode).toBe(403);
    } finally {
      await server.close();
      await database.close();
    }
  });

  it('rules test runs promtool test files unchanged: exit 0 and SUCCESS when they pass, 4 with the failures when not', async () => {
    const testdata = fileURLToPath(new URL('../../server/src/modules/alerting/rules/testdata/', import.meta.url));
    const passing = await estate(['rules', 'test', path.join(testdata, 'semantics.test.yml'), path.join(testdata, 'edges.test.yml')]);
    expect(passing.code, passing.stderr).toBe(ExitCode.ok);
    expect(passing.stdout.match(/ {2}SUCCESS/g)).toHaveLength(2);
    const failing = await estate(['rules', 'test', path.join(testdata, 'failing.test.yml')]);
    expect(failing.code).toBe(ExitCode.verification);
    expect(failing.stdout).toMatch(/FAILED:\n\s+name: /);
    expect(failing.stderr).toBe('estate: 1 of 1 rule test file failed.\n');
  });

  it('audit verify exits 0 and reports the chain intact', async () => {
    const r = await auditVerified();
    expect(r.code, show(r)).toBe(ExitCode.ok);
    expect(r.stdout).toMatch(/^Audit log intact: [2-9]\d* events verified\.\n$/);
  });

  it('audit verify exits 4 naming every row someone edited in the database, not only the first', async () => {
    await auditVerified();
    const db = new SQLite(path.join(dataDir, 'estate.db'));
    let first: number;
    let second: number;
    try {
      first = (db.prepare("select min(seq) as seq from audit_events where action = 'user.create'").get() as { seq: number }).seq;
      second = (db.prepare("select seq from audit_events where action = 'token.create'").get() as { seq: number }).seq;
      // The append-only trigger refuses the edit; an attacker with the file drops it first.
      expect(() => db.prepare("update audit_events set actor_label = 'someone else' where seq = ?").run(second)).toThrow();
      db.exec('DROP TRIGGER audit_events_no_update');
      const edit = db.prepare("update audit_events set actor_label = 'someone else' where seq = ?");
      expect(edit.run(first).changes + edit.run(second).changes).toBe(2);
    } finally {
      db.close();
    }
    expect(first).toBeLessThan(second);
    const r = await estate(['audit', 'verify']);
    expect(r.code, show(r)).toBe(ExitCode.verification);
    expect(r.stderr).toContain(`broken at event ${first}: row ${first} was modified`);
    expect(r.stderr).toContain(`broken at event ${second}: row ${second} was modified`);
    expect(r.stderr).toMatch(/2 breaks in the audit log; \d+ events checked\./);
  });
});

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
