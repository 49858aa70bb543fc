import type { CheckState } from '@estate/contract';
import { describe, expect, it } from 'vitest';
import type { DependencyGraph, ProviderGroup } from '../inventory';
import {
  componentHealth,
  componentState,
  componentTimeline,
  type Health,
  healthOfCheck,
  overallState,
  resolveComponent,
} from './component-state';

// shop (business service) depends on app; app runs on host; app depends on a db cluster of two redundant nodes.
const needs = new Map<string, ProviderGroup[]>([
  ['shop', [{ type: 'depends_on', redundant: false, providers: ['app'] }]],
  [
    'app',
    [
      { type: 'runs_on', redundant: false, providers: ['host'] },
      { type: 'depends_on', redundant: false, providers: ['cluster'] },
    ],
  ],
  ['cluster', [{ type: 'member_of', redundant: true, providers: ['db1', 'db2'] }]],
]);
const graph: DependencyGraph = { needs, names: new Map() };
const cisOfCheck = new Map<string, string[]>([
  ['c-shop', ['shop']],
  ['c-app', ['app']],
  ['c-host', ['host']],
  ['c-db1', ['db1']],
  ['c-db2', ['db2']],
  ['c-other', ['elsewhere']],
]);
const checksByCi = new Map<string, string[]>();
for (const [check, cis] of cisOfCheck) for (const ci of cis) checksByCi.set(ci, [...(checksByCi.get(ci) ?? []), check]);
const shop = resolveComponent('service', 'shop', graph, checksByCi, cisOfCheck);

const states = (overrides: Record<string, CheckState> = {}) => {
  const all: Record<string, CheckState> = { 'c-shop': 'up', 'c-app': 'up', 'c-host': 'up', 'c-db1': 'up', 'c-db2': 'up', ...overrides };
  return (id: string): Health => healthOfCheck(all[id] ?? 'unknown');
};
const noMaintenance = { coversComponent: false, coveredChecks: new Set<string>() };

describe('component state', () => {
  it('resolves a service to the CIs it needs, transitively, and their checks', () => {
    expect([...shop.cis].sort()).toEqual(['app', 'cluster', 'db1', 'db2', 'host', 'shop']);
    expect([...shop.checks].sort()).toEqual(['c-app', 'c-db1', 'c-db2', 'c-host', 'c-shop']);
  });

  it('is operational when every check is up, and an outage when a dependency two hops away is down', () => {
    expect(componentState(shop, graph, checksByCi, states(), noMaintenance)).toBe('operational');
    expect(componentState(shop, graph, checksByCi, states({ 'c-host': 'down' }), noMaintenance)).toBe('outage');
  });

  it('is degraded when a check is degraded, or one member of a redundant group is down; an outage when all are', () => {
    expect(componentState(shop, graph, checksByCi, states({ 'c-app': 'degraded' }), noMaintenance)).toBe('degraded');
    expect(componentState(shop, graph, checksByCi, states({ 'c-db1': 'down' }), noMaintenance)).toBe('degraded');
    expect(componentState(shop, graph, checksByCi, states({ 'c-db1': 'down', 'c-db2': 'down' }), noMaintenance)).toBe('outage');
  });

  it('is unknown only when nothing is known', () => {
    const unknown = () => 'unknown' as Health;
    expect(componentHealth(shop, graph, checksByCi, unknown)).toBe('unknown');
    expect(componentState(shop, graph, checksByCi, states({ 'c-app': 'unknown' }), noMaintenance)).toBe('operational');
  });

  it('shows maintenance over an outage the covered checks cause, but not over a problem outside the window', () => {
    const hostDown = states({ 'c-host': 'down' });
    expect(componentState(shop, graph, checksByCi, hostDown, { coversComponent: false, coveredChecks: new Set(['c-host']) })).toBe(
      'maintenance',
    );
    // The host is in maintenance, but the app is also slow on its own: degraded, not outage and not maintenance.
    const alsoSlow = states({ 'c-host': 'down', 'c-app': 'degraded' });
    expect(componentState(shop, graph, checksByCi, alsoSlow, { coversComponent: false, coveredChecks: new Set(['c-host']) })).toBe(
      'degraded',
    );
    // A window on the service itself covers it whatever its checks say.
    expect(componentState(shop, graph, checksByCi, alsoSlow, { coversComponent: true, coveredChecks: new Set() })).toBe('maintenance');
  });

  it('a check component is its check state', () => {
    const check = resolveComponent('check', 'c-other', graph, checksByCi, cisOfCheck);
    expect(componentState(check, graph, checksByCi, () => 'outage', noMaintenance)).toBe('outage');
    expect(componentState(check, graph, checksByCi, () => 'outage', { coversComponent: true, coveredChecks: new Set() })).toBe(
      'maintenance',
    );
  });

  it('the banner is the worst state; maintenance ranks below degraded, unknown only when all are', () => {
    expect(overallState(['operational', 'maintenance'])).toBe('maintenance');
    expect(overallState(['maintenance', 'degraded', 'operational'])).toBe('degraded');
    expect(overallState(['outage', 'degraded'])).toBe('outage');
    expect(overallState(['unknown', 'operational'])).toBe('operational');
    expect(overallState(['unknown'])).toBe('unknown');
    expect(overallState([])).toBe('unknown');
  });

  it('merges the checks history into the service timeline, one step per moment, repeats dropped', () => {
    const changes = new Map<string, { at: number; state: CheckState }[]>([
      ['c-shop', [{ at: 0, state: 'up' }]],
      ['c-db2', [{ at: 0, state: 'up' }]],
      [
        'c-host',
        [
          { at: 0, state: 'up' },
          { at: 100, state: 'down' },
          { at: 200, state: 'up' },
        ],
      ],
      [
        'c-db1',
        [
          { at: 50, state: 'down' },
          { at: 200, state: 'up' },
        ],
      ],
    ]);
    expect(componentTimeline(shop, graph, checksByCi, changes)).toEqual([
      { at: 0, state: 'up' },
      { at: 50, state: 'degraded' },
      { at: 100, state: 'down' },
      { at: 200, state: 'up' },
    ]);
  });
});
