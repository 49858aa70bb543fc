#!/usr/bin/env node
/**
 * Bundles the agent (sources, workspace packages and third-party dependencies) into one ESM file,
 * `apps/agent/dist/estate-agent.mjs`, that needs nothing but Node to run: what a systemd unit runs and what can be
 * copied to a host. Running it instead of the sources through tsx halves the agent's memory (ADR 0010);
 * `bin/estate-agent.mjs` keeps running the sources for development and tests.
 *
 * The network check types that only a remote collector runs (@estate/checks with its database and SNMP clients) are
 * bundled on their own, gzipped and carried inside the one file as text: a collector unpacks and imports them when it
 * starts; every other agent never parses them (ADR 0023).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const agentDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' };

// The collector's part: imported from a data: URL, so its require() (for the bundled CommonJS clients' Node
// built-ins) is rooted at "/", and it resolves nothing but built-ins and what it carries.
const collector = await build({
  ...common,
  entryPoints: [path.join(agentDir, 'src/checks/network-checks.ts')],
  write: false,
  minify: true,
  banner: { js: "import { createRequire as __collectorRequire } from 'node:module';\nconst require = __collectorRequire('/');" },
});
const packed = gzipSync(collector.outputFiles[0].contents, { level: 9 }).toString('base64');
const COLLECTOR_MARK = '//# estate-collector:';

/**
 * Replaces load-network-checks.ts with a loader that reads the packed collector part from the bundle's last comment
 * line (a comment, so parsing the agent costs next to nothing for it).
 */
const embedCollector = {
  name: 'embed-collector',
  setup(b) {
    b.onLoad({ filter: /[\\/]checks[\\/]load-network-checks\.ts$/ }, () => ({
      loader: 'js',
      contents: `import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
const MARK = '\\n${COLLECTOR_MARK}';
export async function loadNetworkChecks() {
  const self = readFileSync(fileURLToPath(import.meta.url), 'latin1');
  const at = self.lastIndexOf(MARK);
  if (at < 0) throw new Error('This agent bundle carries no collector part; rebuild it.');
  const end = self.indexOf('\\n', at + MARK.length);
  const code = gunzipSync(Buffer.from(self.slice(at + MARK.length, end < 0 ? undefined : end), 'base64'));
  return (await import(\`data:text/javascript;base64,\${code.toString('base64')}\`)).NetworkChecks;
}`,
    }));
  },
};

await build({
  ...common,
  entryPoints: [path.join(agentDir, 'src/main.ts')],
  outfile: path.join(agentDir, 'dist/estate-agent.mjs'),
  sourcemap: 'linked',
  plugins: [embedCollector],
  footer: { js: `${COLLECTOR_MARK}${packed}` },
  // Bundled CommonJS dependencies (systeminformation, commander) call require(); give the ESM bundle one.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __agentRequire } from 'node:module';\nconst require = __agentRequire(import.meta.url);",
  },
});
