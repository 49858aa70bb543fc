#!/usr/bin/env node
/**
 * Bundles the CLI and the server (with the workspace packages they import) into one ESM file,
 * `apps/cli/dist/estate.mjs`, which `npm start` runs. Third-party packages stay external and load from
 * node_modules. Running the bundle instead of compiling TypeScript at start-up (tsx) makes the server start in
 * about half the time with about 40 MB less memory; `bin/estate.mjs` keeps running the sources for development.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: [path.join(root, 'apps/cli/src/main.ts')],
  outfile: path.join(root, 'apps/cli/dist/estate.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // Bundled CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __estateRequire } from 'node:module';\nconst require = __estateRequire(import.meta.url);" },
  plugins: [
    {
      name: 'third-party-external',
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@estate/') ? undefined : { path: args.path, external: true }));
      },
    },
  ],
  logLevel: 'warning',
});
