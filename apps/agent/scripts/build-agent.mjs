#!/usr/bin/env node
/**
 * Bundles the agent (sources, workspace packages and third-party dependencies) into one ESM file,
 * `apps/agent/dist/estate-agent.mjs`, that needs nothing but Node to run: what a systemd unit runs and what can be
 * copied to a host. Running it instead of the sources through tsx halves the agent's memory (ADR 0010);
 * `bin/estate-agent.mjs` keeps running the sources for development and tests.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const agentDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: [path.join(agentDir, 'src/main.ts')],
  outfile: path.join(agentDir, 'dist/estate-agent.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // Bundled CommonJS dependencies (systeminformation, commander) call require(); give the ESM bundle one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __agentRequire } from 'node:module';\nconst require = __agentRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
