#!/usr/bin/env node
/**
 * Makes a checkout ready to run: installs dependencies when `node_modules` is missing or stale, builds the web UI
 * and the agent bundle (which the server offers to other hosts) when missing or older than their sources. Runs as `prestart`, `pretest` and before `npm run bench`,
 * so `npm start` and `npm test` work from a fresh clone. Plain Node ESM with no dependencies, because it runs before
 * anything is installed.
 *
 * Staleness of dependencies is judged by a stamp file (`node_modules/.estate-setup-stamp`) holding a SHA-256 of
 * package-lock.json and of the dependency fields of every workspace's package.json, so editing a script line never
 * triggers a reinstall. Staleness of the web build is judged by modification times.
 *
 * Prints one line per action it takes and nothing when everything is current. Exits non-zero with a message naming
 * the failed step.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nodeModules = path.join(root, 'node_modules');
const stampFile = path.join(nodeModules, '.estate-setup-stamp');
const lockFile = path.join(root, 'package-lock.json');
const hiddenLock = path.join(nodeModules, '.package-lock.json');

/** The fields of a package.json that change what `npm install` puts in node_modules. */
const DEPENDENCY_FIELDS = [
  'name',
  'version',
  'dependencies',
  'devDependencies',
  'optionalDependencies',
  'peerDependencies',
  'bundleDependencies',
  'overrides',
  'workspaces',
  'allowScripts',
  'bin',
];

/** Inputs of the web build; the build is stale when any file under these is newer than dist/index.html. */
const WEB_INPUTS = [
  'apps/web/src',
  'apps/web/public',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
  'apps/web/package.json',
  'apps/web/tsconfig.json',
  'packages/contract/src',
  'packages/client/src',
];
const WEB_OUTPUT = 'apps/web/dist/index.html';

function say(line) {
  process.stdout.write(`[setup] ${line}\n`);
}

function die(line) {
  process.stderr.write(`[setup] ${line}\n`);
  process.exit(1);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    die(`Cannot read ${path.relative(root, file)}: ${err.message}`);
  }
}

/** Package.json files of the root and of every workspace the root declares (globs of the form `dir/*` included). */
function manifestFiles() {
  const rootManifest = readJson(path.join(root, 'package.json'));
  const patterns = Array.isArray(rootManifest.workspaces) ? rootManifest.workspaces : (rootManifest.workspaces?.packages ?? []);
  const files = [path.join(root, 'package.json')];
  for (const pattern of patterns) {
    const dirs = pattern.endsWith('/*')
      ? safeReaddir(path.join(root, pattern.slice(0, -2))).map((d) => path.join(root, pattern.slice(0, -2), d))
      : [path.join(root, pattern)];
    for (const dir of dirs) {
      const file = path.join(dir, 'package.json');
      if (existsSync(file)) files.push(file);
    }
  }
  return files.sort();
}

function safeReaddir(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** SHA-256 over the lockfile and the dependency fields of every manifest: what the installed tree must match. */
function dependencyHash(manifests) {
  const hash = createHash('sha256');
  hash.update(existsSync(lockFile) ? readFileSync(lockFile) : 'no-lockfile');
  for (const file of manifests) {
    const manifest = readJson(file);
    const picked = {};
    for (const field of DEPENDENCY_FIELDS) if (manifest[field] !== undefined) picked[field] = manifest[field];
    hash.update(`\0${path.relative(root, file)}\0${JSON.stringify(picked)}`);
  }
  return hash.digest('hex');
}

function mtimeOf(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** The newest modification time of a file, or of any file below a directory (node_modules and dist skipped). */
function newestMtime(target) {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(target, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry.name)));
  }
  return newest;
}

function run(description, command, args, { quietUsage = false } = {}) {
  say(description);
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: ['inherit', 'inherit', quietUsage ? 'pipe' : 'inherit'],
    shell: process.platform === 'win32',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (quietUsage && result.stderr) {
    // npm follows a usage error with its whole help text; keep the error and drop the help.
    const text = result.stderr.toString('utf8');
    const cut = result.status === 0 ? -1 : text.search(/^npm error (Clean install a project|Usage:)/m);
    process.stderr.write(cut === -1 ? text : text.slice(0, cut));
  }
  if (result.error) return { ok: false, why: result.error.message };
  if (result.status !== 0) return { ok: false, why: `exit code ${result.status ?? `signal ${result.signal}`}` };
  say(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { ok: true };
}

function ensureDependencies() {
  const manifests = manifestFiles();
  const wanted = dependencyHash(manifests);
  const installed = existsSync(nodeModules);
  if (installed && existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === wanted) return;

  // A tree installed before this script kept stamps: trust npm's own hidden lockfile when it is newer than every input.
  if (installed && !existsSync(stampFile) && existsSync(hiddenLock)) {
    const installedAt = mtimeOf(hiddenLock);
    if ([lockFile, ...manifests].every((f) => mtimeOf(f) <= installedAt)) {
      writeFileSync(stampFile, `${wanted}\n`);
      return;
    }
  }

  const flags = ['--no-audit', '--no-fund'];
  let result;
  if (!installed && existsSync(lockFile)) {
    result = run('node_modules is missing: installing dependencies (npm ci)', 'npm', ['ci', ...flags], { quietUsage: true });
    if (!result.ok && process.env.CI) {
      die(`npm ci failed (${result.why}): package-lock.json is out of step with package.json. Run npm install and commit the lock file.`);
    }
    if (!result.ok) {
      say(`npm ci failed (${result.why}), perhaps package-lock.json is out of step with package.json: trying npm install`);
      result = run('installing dependencies (npm install)', 'npm', ['install', ...flags]);
    }
  } else {
    const why = installed ? 'dependencies changed since the last install' : 'node_modules is missing';
    result = run(`${why}: installing dependencies (npm install)`, 'npm', ['install', ...flags]);
  }
  if (!result.ok) die(`Installing dependencies failed (${result.why}). Fix the error above, then run the command again.`);
  // npm install may rewrite the lockfile, so stamp what is on disk now.
  writeFileSync(stampFile, `${dependencyHash(manifestFiles())}\n`);
}

function ensureWebBuild() {
  if (!existsSync(path.join(root, 'apps/web/package.json'))) return;
  const builtAt = mtimeOf(path.join(root, WEB_OUTPUT));
  let why;
  if (builtAt === 0) why = 'the web UI is not built';
  else if (WEB_INPUTS.some((input) => newestMtime(path.join(root, input)) > builtAt)) why = 'the web UI sources changed';
  else return;
  const result = run(`${why}: building it (npm run build -w apps/web)`, 'npm', [
    'run',
    'build',
    '-w',
    'apps/web',
    '--',
    '--logLevel',
    'warn',
  ]);
  if (!result.ok) die(`Building the web UI failed (${result.why}). Fix the error above, then run the command again.`);
  if (!existsSync(path.join(root, WEB_OUTPUT))) die(`The web build finished but ${WEB_OUTPUT} is missing; check apps/web/vite.config.ts.`);
}

/** Inputs of the server bundle that `npm start` runs (scripts/build-server.mjs). */
const SERVER_INPUTS = ['apps/server/src', 'apps/cli/src', 'packages/contract/src', 'scripts/build-server.mjs', 'package-lock.json'];
const SERVER_OUTPUT = 'apps/cli/dist/estate.mjs';

function ensureServerBundle() {
  const builtAt = mtimeOf(path.join(root, SERVER_OUTPUT));
  let why;
  if (builtAt === 0) why = 'the server bundle is not built';
  else if (SERVER_INPUTS.some((input) => newestMtime(path.join(root, input)) > builtAt)) why = 'the server sources changed';
  else return;
  const result = run(`${why}: bundling it (scripts/build-server.mjs)`, process.execPath, [path.join(root, 'scripts/build-server.mjs')]);
  if (!result.ok) die(`Bundling the server failed (${result.why}). Fix the error above, then run the command again.`);
}

/** Inputs of the agent bundle the server offers for download to other hosts (apps/agent/scripts/build-agent.mjs). */
const AGENT_INPUTS = ['apps/agent/src', 'apps/agent/scripts/build-agent.mjs', 'packages/contract/src', 'package-lock.json'];
const AGENT_OUTPUT = 'apps/agent/dist/estate-agent.mjs';

function ensureAgentBundle() {
  const builtAt = mtimeOf(path.join(root, AGENT_OUTPUT));
  let why;
  if (builtAt === 0) why = 'the agent bundle is not built';
  else if (AGENT_INPUTS.some((input) => newestMtime(path.join(root, input)) > builtAt)) why = 'the agent sources changed';
  else return;
  const result = run(`${why}: bundling it (apps/agent/scripts/build-agent.mjs)`, process.execPath, [
    path.join(root, 'apps/agent/scripts/build-agent.mjs'),
  ]);
  if (!result.ok) die(`Bundling the agent failed (${result.why}). Fix the error above, then run the command again.`);
}

ensureDependencies();
ensureWebBuild();
// The server offers the agent bundle for download (the Agents page's install command), and tests install it.
ensureAgentBundle();
if (process.argv.includes('--server-bundle')) ensureServerBundle();
