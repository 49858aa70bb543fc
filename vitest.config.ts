import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'apps/server/test/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // expect.poll waits 1 s by default: too short for a page on a loaded 2-core CI machine with browsers running.
    expect: { poll: { timeout: 10_000 } },
    // Prints one line per optional tier this machine skips (PostgreSQL, browser, peers), once per run.
    globalSetup: ['scripts/test-tiers.ts'],
    // Its package.json names the CommonJS build as main (and has no exports map), which would bring a second
    // @codemirror/state into the web UI's tests; point it at its ES build, as Vite's bundle reads it.
    alias: { '@prometheus-io/codemirror-promql': '@prometheus-io/codemirror-promql/dist/esm/index.js' },
  },
});
