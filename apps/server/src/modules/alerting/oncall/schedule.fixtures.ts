/* Builders for schedules in tests, after Outline's factories: a valid default, overridden where a test cares. */
import type { Rotation, Schedule, ScheduleLayer } from './schedule-types';

/** A rotation of `participants`, one day each, handing off at 09:00 from 2026-01-05. */
export function buildRotation(overrides: Partial<Rotation> = {}): Rotation {
  return {
    participants: ['ada', 'bob'],
    handoffTime: '09:00',
    shiftLength: { count: 1, unit: 'days' },
    startDate: '2026-01-05',
    ...overrides,
  };
}

/** A layer with the given rotation fields. */
export function buildLayer(id: string, rotation: Partial<Rotation> = {}, extra: Partial<ScheduleLayer> = {}): ScheduleLayer {
  return { id, name: `Layer ${id}`, rotation: buildRotation(rotation), ...extra };
}

/** A schedule in Europe/Berlin with one default layer. */
export function buildSchedule(overrides: Partial<Schedule> = {}): Schedule {
  return { id: 'sched-1', name: 'Platform', timeZone: 'Europe/Berlin', layers: [buildLayer('primary')], ...overrides };
}

/** Epoch ms of an ISO instant (with offset or Z). */
export const at = (iso: string): number => Date.parse(iso);

/** Hours between two epoch-ms instants. */
export const hours = (start: number, end: number): number => (end - start) / 3_600_000;
