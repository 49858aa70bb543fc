import { ProblemType } from '@estate/contract';
import { HttpProblem } from '../../platform/http/problem';
import { plural } from '../../platform/plural';

/** How many large agent bodies may be read at once: in all, from one agent, and from one client address. */
export interface LargeBodyLimits {
  total: number;
  perAgent: number;
  perAddress: number;
  /** What a refused agent is told to wait, in seconds (`Retry-After`). */
  retryAfterSeconds: number;
}

/**
 * Bodies larger than this (or of unknown length) pass the gate. Smaller ones cost little to read, and most reports
 * are: a metrics batch, an inventory patch.
 */
export const LARGE_BODY_BYTES = 1024 * 1024;

/**
 * Eight 16 MiB bodies in flight bound what reading reports may hold at once to about 128 MiB, plus their parsed
 * form. An agent sends one report at a time: a second allows a retry to overlap a stalled first. Several agents may
 * share an address behind NAT.
 */
export const DEFAULT_LARGE_BODY_LIMITS: LargeBodyLimits = { total: 8, perAgent: 2, perAddress: 4, retryAfterSeconds: 5 };

/**
 * Counts the large agent bodies being read, so a flood of them cannot hold unbounded memory: past a limit the
 * request is refused with 429 and `Retry-After` before its body is read (the agent keeps the report and retries).
 * Only requests from an agent already known by its headers reach the gate; unknown and unsigned ones are refused
 * before it. Counts live in this process: each API process has its own budget.
 */
export class LargeBodyGate {
  private inFlightTotal = 0;
  private readonly bySource = new Map<string, number>();

  constructor(private readonly limits: LargeBodyLimits = DEFAULT_LARGE_BODY_LIMITS) {}

  /** Large bodies being read now. */
  get inFlight(): number {
    return this.inFlightTotal;
  }

  /**
   * Admits one large body from `agentId` at `address` and answers the function that lets it out (calling it again
   * does nothing); throws a 429 problem when a limit is reached.
   */
  enter(agentId: string, address: string): () => void {
    const sources = [`agent:${agentId}`, `address:${address}`];
    if (this.inFlightTotal >= this.limits.total) {
      throw this.refusal('The server is reading as many large reports as it allows at once');
    }
    if ((this.bySource.get(sources[0]!) ?? 0) >= this.limits.perAgent) {
      throw this.refusal('This agent is already sending as many large reports as it may at once');
    }
    if ((this.bySource.get(sources[1]!) ?? 0) >= this.limits.perAddress) {
      throw this.refusal('Agents at this address are already sending as many large reports as they may at once');
    }
    this.inFlightTotal++;
    for (const source of sources) this.bySource.set(source, (this.bySource.get(source) ?? 0) + 1);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inFlightTotal--;
      for (const source of sources) {
        const count = (this.bySource.get(source) ?? 1) - 1;
        if (count === 0) this.bySource.delete(source);
        else this.bySource.set(source, count);
      }
    };
  }

  private refusal(reason: string): HttpProblem {
    const wait = this.limits.retryAfterSeconds;
    return new HttpProblem(
      429,
      ProblemType.tooManyRequests,
      'Too many requests',
      `${reason}; try again in ${plural(wait, 'second')}.`,
      undefined,
      {
        'retry-after': String(wait),
      },
    );
  }
}

/**
 * Whether a request's body passes the gate: declared larger than LARGE_BODY_BYTES, or sent in chunks of a length
 * unknown until it ends.
 */
export function isLargeBody(headers: { 'content-length'?: string | undefined; 'transfer-encoding'?: string | undefined }): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = Number(headers['content-length'] ?? 0);
  return !Number.isFinite(length) || length > LARGE_BODY_BYTES;
}
