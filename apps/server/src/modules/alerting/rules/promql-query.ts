/*
 * The rule evaluator's InstantQuery over Estate's PromQL engine (or anything answering the API's result shapes).
 */
import type { PromqlResult } from '../../metrics';
import type { InstantQuery } from './rule-group';
import { RuleEvaluationError } from './rule-runtime';

/** Anything that answers instant queries in the shape of Prometheus' API (PromqlEngine does). */
export interface InstantEngine {
  evalInstant(query: string, timeMs: number): Promise<PromqlResult>;
}

/** A sample value as the API prints it ("+Inf", "NaN", "1.5") → number. */
function sampleValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** Rules query through `engine`: a scalar answers as one sample without labels; other result types are an error. */
export function engineQuery(engine: InstantEngine): InstantQuery {
  return async (expr, timeMs) => {
    const result = await engine.evalInstant(expr, timeMs);
    if (result.resultType === 'vector') return result.result.map((s) => ({ labels: s.metric, value: sampleValue(s.value[1]) }));
    if (result.resultType === 'scalar') return [{ labels: {}, value: sampleValue(result.result[1]) }];
    throw new RuleEvaluationError('rule result is not a vector or scalar');
  };
}
