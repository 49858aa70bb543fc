/*
 * Why an alert is kept out of notifications: a silence, an inhibit rule, or a cause another part of Estate supplies
 * through {@link AlertSuppressor} (the inventory's dependency graph: "the switch this host hangs off is down").
 */
import type { Alert, Labels } from '../alert-model';
import { type Matcher, matchersMatch } from './matchers';
import type { InhibitRule } from './routing-config';

/** A silence as Alertmanager keeps one. Times are epoch ms; active from `startsAt` (inclusive) to `endsAt`. */
export interface Silence {
  readonly id: string;
  readonly matchers: readonly Matcher[];
  readonly startsAt: number;
  readonly endsAt: number;
  readonly createdBy: string;
  readonly comment: string;
}

/** Where a silence stands at a moment. */
export type SilenceState = 'pending' | 'active' | 'expired';

/** Why an alert was kept out of a notification. */
export type SuppressionCause =
  | { readonly kind: 'silence'; readonly silenceIds: readonly string[] }
  | { readonly kind: 'inhibition'; readonly ruleIndex: number; readonly sourceFingerprint: string }
  /** Supplied by an {@link AlertSuppressor}: `source` names it (`dependency`), `reason` is for people. */
  | { readonly kind: 'external'; readonly source: string; readonly reason: string; readonly ref?: string };

/**
 * The extension point for suppression decided outside routing. Called at every flush for every alert of the group;
 * must be pure and fast (no I/O): read from state the caller keeps current.
 */
export interface AlertSuppressor {
  suppressedBy(alert: Alert, fingerprint: string, now: number): SuppressionCause | null;
}

/** An {@link AlertSuppressor} over explicit marks: `mark(fingerprint, cause)` until `clear(fingerprint)`. */
export class MarkedSuppressions implements AlertSuppressor {
  private readonly marks = new Map<string, SuppressionCause>();

  /** Marks an alert (by fingerprint) suppressed with a cause, replacing any earlier mark. */
  mark(fingerprint: string, cause: SuppressionCause): void {
    this.marks.set(fingerprint, cause);
  }

  /** Removes an alert's mark; a no-op when it has none. */
  clear(fingerprint: string): void {
    this.marks.delete(fingerprint);
  }

  suppressedBy(_alert: Alert, fingerprint: string): SuppressionCause | null {
    return this.marks.get(fingerprint) ?? null;
  }
}

/** A silence's state at `now`: pending before `startsAt`, active until `endsAt` (exclusive), then expired. */
export function silenceState(silence: Silence, now: number): SilenceState {
  if (now < silence.startsAt) return 'pending';
  return now < silence.endsAt ? 'active' : 'expired';
}

/** Whether a silence mutes an alert with these labels at `now`: active, and every matcher accepts the labels. */
export function silenceMutes(silence: Silence, labels: Labels, now: number): boolean {
  return silenceState(silence, now) === 'active' && matchersMatch(silence.matchers, labels);
}

/**
 * Problems that make a silence unacceptable, as Alertmanager rejects them: no matchers, only matchers that also
 * match an empty label set (they would silence everything), an end not after the start, no author or comment.
 */
export function silenceProblems(silence: Omit<Silence, 'id'>): string[] {
  const problems: string[] = [];
  if (silence.matchers.length === 0) problems.push('a silence needs at least one matcher');
  else if (matchersMatch(silence.matchers, {})) {
    problems.push('at least one matcher must not match an empty label set, or the silence would mute every alert');
  }
  if (!(silence.endsAt > silence.startsAt)) problems.push('endsAt must be after startsAt');
  if (silence.createdBy.trim() === '') problems.push('createdBy is required');
  if (silence.comment.trim() === '') problems.push('comment is required');
  return problems;
}

/**
 * Tracks the firing alerts that can inhibit others (Alertmanager's source cache) and answers whether an alert is
 * inhibited. A target is inhibited by a firing source of the same rule that agrees on every `equal` label (a label
 * missing on both sides agrees); an alert matching both sides of a rule is not inhibited by another that also does,
 * so two such alerts cannot mute each other.
 */
export class Inhibitor {
  private readonly sources: Map<string, Labels>[];

  constructor(private readonly rules: readonly InhibitRule[]) {
    this.sources = rules.map(() => new Map());
  }

  /** Records an alert's latest state: firing alerts matching a rule's source become its sources, others leave. */
  observe(fingerprint: string, labels: Labels, firing: boolean): void {
    this.rules.forEach((rule, index) => {
      const sources = this.sources[index];
      if (!sources) return;
      if (firing && matchersMatch(rule.sourceMatchers, labels)) sources.set(fingerprint, labels);
      else sources.delete(fingerprint);
    });
  }

  /** The first rule and source inhibiting an alert with these labels, or null. */
  inhibitedBy(fingerprint: string, labels: Labels): SuppressionCause | null {
    for (let ruleIndex = 0; ruleIndex < this.rules.length; ruleIndex++) {
      const rule = this.rules[ruleIndex];
      const sources = this.sources[ruleIndex];
      if (!rule || !sources || !matchersMatch(rule.targetMatchers, labels)) continue;
      const targetIsSource = matchersMatch(rule.sourceMatchers, labels);
      for (const [sourceFingerprint, source] of sources) {
        if (sourceFingerprint === fingerprint) continue;
        if (!rule.equal.every((name) => (source[name] ?? '') === (labels[name] ?? ''))) continue;
        if (targetIsSource && matchersMatch(rule.targetMatchers, source)) continue;
        return { kind: 'inhibition', ruleIndex, sourceFingerprint };
      }
    }
    return null;
  }
}
