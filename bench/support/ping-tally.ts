/** Echo requests sent to one target and replies that came back, over some runs. */
export interface PingTally {
  sent: number;
  received: number;
}

/** How the loss a side saw over a group of targets compares with what was injected. */
export interface LossFigures {
  targets: number;
  sent: number;
  /** Lost over sent, all targets pooled, in percent. */
  pooledPercent: number;
  /** The mean of the targets' own loss percentages. */
  meanPercent: number;
  /** The standard deviation of the targets' loss percentages (percentage points). */
  spreadPoints: number;
  /**
   * The spread independent losses at the pooled rate would give targets of this many probes each (binomial,
   * √(p(1−p)/n) with n the mean probes per target): a checker that loses or invents no reply shows about this much.
   */
  binomialSpreadPoints: number;
}

/** Adds `sent` and `received` to the tally of `target` in `tallies`. */
export function addPings(tallies: Map<string, PingTally>, target: string, sent: number, received: number): void {
  const tally = tallies.get(target) ?? { sent: 0, received: 0 };
  tally.sent += sent;
  tally.received += received;
  tallies.set(target, tally);
}

/** The loss figures of `targets` from `tallies`; targets without a probe sent are left out. */
export function lossFigures(tallies: Map<string, PingTally>, targets: readonly string[]): LossFigures {
  const probed = targets.map((t) => tallies.get(t)).filter((t): t is PingTally => t !== undefined && t.sent > 0);
  const sent = probed.reduce((a, t) => a + t.sent, 0);
  const lost = probed.reduce((a, t) => a + t.sent - t.received, 0);
  const losses = probed.map((t) => ((t.sent - t.received) / t.sent) * 100);
  const mean = losses.reduce((a, b) => a + b, 0) / Math.max(1, losses.length);
  const variance = losses.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, losses.length - 1);
  const p = sent === 0 ? 0 : lost / sent;
  const probesPerTarget = sent / Math.max(1, probed.length);
  return {
    targets: probed.length,
    sent,
    pooledPercent: p * 100,
    meanPercent: mean,
    spreadPoints: Math.sqrt(variance),
    binomialSpreadPoints: Math.sqrt((p * (1 - p)) / Math.max(1, probesPerTarget)) * 100,
  };
}
