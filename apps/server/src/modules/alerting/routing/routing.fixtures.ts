/*
 * Builders for routing tests: alerts in the shared model from a label set and a moment.
 */
import type { Alert, Labels } from '../alert-model';

/** A firing alert that started at `at` (epoch ms). */
export function firingAlert(labels: Labels, at: number, annotations: Labels = {}): Alert {
  return { labels, annotations, state: 'firing', activeAt: at, firedAt: at, resolvedAt: null, value: 1, source: 'test' };
}

/** The resolved state of an alert that fired at `firedAt` and stopped at `at`. */
export function resolvedAlert(labels: Labels, firedAt: number, at: number): Alert {
  return {
    labels,
    annotations: {},
    state: 'inactive',
    activeAt: firedAt,
    firedAt,
    resolvedAt: at,
    value: 0,
    source: 'test',
  };
}

/** Epoch ms of an ISO instant. */
export function utc(iso: string): number {
  return Date.parse(iso);
}
