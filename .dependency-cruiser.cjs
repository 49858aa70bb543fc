/**
 * Module boundaries, checked by `npm run check:boundaries`:
 * - server modules meet only through each other's index.ts, in one direction: inventory imports no other module,
 *   agents none (it is handed function seams), discovery not agents, monitoring not alerting; no module imports the
 *   wiring (app.ts, serve.ts);
 * - platform code never imports a domain module;
 * - clients (web, cli API commands) import only the contract and the client, never server files
 *   (the CLI's admin commands may use the server's admin entry, @estate/server → apps/server/src/admin.ts);
 * - the host agent imports only the contract and the client: it runs on other machines, without the server;
 * - no cycles.
 */
module.exports = {
  forbidden: [
    {
      name: 'module-internals',
      comment: 'A module may import another module only through its index.ts (tests also through its *.test-support.ts).',
      severity: 'error',
      from: { path: '^apps/server/src/modules/([^/]+)/' },
      to: {
        path: '^apps/server/src/modules/([^/]+)/',
        pathNot: ['^apps/server/src/modules/$1/', '^apps/server/src/modules/[^/]+/index\\.ts$', '\\.test-support\\.ts$'],
      },
    },
    {
      name: 'test-support-stays-in-tests',
      comment: 'A *.test-support.ts file (test peers, fixtures) is imported only by tests and other test support.',
      severity: 'error',
      from: { path: '^apps/', pathNot: '\\.(test|test-support|fixtures)\\.ts$' },
      to: { path: '\\.test-support\\.ts$' },
    },
    {
      name: 'inventory-stands-alone',
      comment: 'Inventory is the bottom of the domain flow: other modules call its interface; it imports none of them.',
      severity: 'error',
      from: { path: '^apps/server/src/modules/inventory/' },
      to: { path: '^apps/server/src/modules/(?!inventory/)' },
    },
    {
      name: 'agents-meet-others-through-seams',
      comment:
        'Agents reach discovery and metrics only through the function seams app.ts hands them (HostReconciler, SampleWriter); they may name the types those seams carry.',
      severity: 'error',
      from: { path: '^apps/server/src/modules/agents/' },
      to: { path: '^apps/server/src/modules/(?!agents/)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'discovery-does-not-know-agents',
      comment: 'Data flows from agents into discovery, never back.',
      severity: 'error',
      from: { path: '^apps/server/src/modules/discovery/' },
      to: { path: '^apps/server/src/modules/agents/' },
    },
    {
      name: 'monitoring-does-not-know-alerting',
      comment: 'Monitoring publishes check state changes; alerting subscribes. Monitoring never imports alerting.',
      severity: 'error',
      from: { path: '^apps/server/src/modules/monitoring/' },
      to: { path: '^apps/server/src/modules/alerting/' },
    },
    {
      name: 'modules-do-not-import-the-wiring',
      comment: 'app.ts and serve.ts wire the modules; a module that imported them would wire itself into a cycle.',
      severity: 'error',
      from: { path: '^apps/server/src/(modules|platform)/', pathNot: '\\.test\\.ts$' },
      to: { path: '^apps/server/src/(app|serve|main)\\.ts$' },
    },
    {
      name: 'platform-is-below-modules',
      comment: 'platform/ is infrastructure; it must not depend on a domain module.',
      severity: 'error',
      from: { path: '^apps/server/src/platform/' },
      to: { path: '^apps/server/src/modules/' },
    },
    {
      name: 'clients-share-only-the-contract',
      comment: 'The web UI and client library import only @estate/contract and @estate/client.',
      severity: 'error',
      from: { path: '^(apps/web|packages/client|packages/contract)/' },
      to: { path: '^apps/(server|cli)/' },
    },
    {
      name: 'cli-uses-server-admin-entry-only',
      comment: 'The CLI reaches the server only through its admin entry.',
      severity: 'error',
      from: { path: '^apps/cli/' },
      to: { path: '^apps/server/', pathNot: '^apps/server/src/admin\\.ts$' },
    },
    {
      name: 'agent-shares-only-the-contract',
      comment:
        'The host agent runs on hosts without the server: it imports only @estate/contract, @estate/client and, for collector mode, @estate/checks (and what that package builds on).',
      severity: 'error',
      from: { path: '^apps/agent/' },
      to: { path: '^(apps/(server|cli|web)|packages/(?!contract/|client/|checks/|tsdb/))' },
    },
    {
      name: 'nothing-imports-the-agent-internals',
      comment: 'Others (the server starting a local agent) use the agent only through its index.ts.',
      severity: 'error',
      from: { path: '^(apps/(server|cli|web)|packages)/' },
      to: { path: '^apps/agent/', pathNot: '^apps/agent/src/index\\.ts$' },
    },
    {
      name: 'contract-stands-alone',
      severity: 'error',
      from: { path: '^packages/contract/' },
      to: { path: '^(apps|packages/client)/' },
    },
    {
      name: 'checks-package-stands-alone',
      comment: 'The check types run in the server and in collectors: they import only the contract and tsdb packages, never an app.',
      severity: 'error',
      from: { path: '^packages/checks/' },
      to: { path: '^(apps/|packages/(?!checks/|contract/|tsdb/))' },
    },
    {
      name: 'tsdb-is-pure',
      comment: 'The time-series codecs are pure functions: no Estate code, no Node I/O, usable anywhere.',
      severity: 'error',
      from: { path: '^packages/tsdb/' },
      to: { path: '^(apps|packages/(?!tsdb/))|^(fs|node:fs|net|node:net|http|node:http|child_process|node:child_process)$' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: { pathNot: '\\.test\\.ts$' },
      // A cycle closed only by `import type` is erased at run time: a service and its helper may share a type.
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'default'],
      extensions: ['.ts', '.tsx', '.js', '.mjs'],
    },
  },
};
