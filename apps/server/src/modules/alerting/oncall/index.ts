/*
 * On-call: schedules (layered rotations, restrictions, overrides), their iCalendar feeds, handoff notices, and
 * escalation policies. A pure library over plain data: the module that stores schedules and serves routes builds on
 * these functions and types and reaches nothing else in this folder.
 */
export type {
  EscalationAlert,
  EscalationIssue,
  EscalationNotification,
  EscalationPolicy,
  EscalationProgress,
  EscalationStep,
  EscalationTarget,
  OnCallLookup,
  Recipient,
  SkippedStep,
} from './escalation';
export { escalationAlertOf, escalationDue, scheduleLookup, validateEscalationPolicy } from './escalation';
export type { Calendar, CalendarEvent, FeedOptions } from './ical';
export { personCalendar, renderCalendar, scheduleCalendar } from './ical';
export { finalShifts, layerShifts, scheduleGaps, scheduleHandoffs, whoIsOnCall } from './schedule';
export type {
  Gap,
  Handoff,
  PersonId,
  Restriction,
  Rotation,
  Schedule,
  ScheduleLayer,
  ScheduleOverride,
  Shift,
  ShiftSource,
  ShiftUnit,
  Weekday,
} from './schedule-types';
export type { ScheduleIssue, ScheduleValidation } from './schedule-validation';
export { assertValidSchedule, InvalidScheduleError, validateSchedule } from './schedule-validation';
