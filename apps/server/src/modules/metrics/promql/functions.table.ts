/*
 * The PromQL functions this engine evaluates, with the argument and result types the parser checks. A function not
 * listed here is refused with a bad_data error naming it, never answered wrongly.
 */
import type { ValueType } from './ast';

export interface FunctionSignature {
  args: ValueType[];
  /** How many trailing arguments may be left out. */
  optional?: number;
  /** The last argument may repeat. */
  variadic?: boolean;
  returns: ValueType;
}

const matrixToVector: FunctionSignature = { args: ['matrix'], returns: 'vector' };
const vectorToVector: FunctionSignature = { args: ['vector'], returns: 'vector' };

export const FUNCTIONS: Readonly<Record<string, FunctionSignature>> = {
  rate: matrixToVector,
  irate: matrixToVector,
  increase: matrixToVector,
  delta: matrixToVector,
  idelta: matrixToVector,
  deriv: matrixToVector,
  avg_over_time: matrixToVector,
  min_over_time: matrixToVector,
  max_over_time: matrixToVector,
  sum_over_time: matrixToVector,
  count_over_time: matrixToVector,
  last_over_time: matrixToVector,
  stddev_over_time: matrixToVector,
  stdvar_over_time: matrixToVector,
  quantile_over_time: { args: ['scalar', 'matrix'], returns: 'vector' },
  predict_linear: { args: ['matrix', 'scalar'], returns: 'vector' },
  abs: vectorToVector,
  ceil: vectorToVector,
  floor: vectorToVector,
  sqrt: vectorToVector,
  exp: vectorToVector,
  ln: vectorToVector,
  log2: vectorToVector,
  log10: vectorToVector,
  round: { args: ['vector', 'scalar'], optional: 1, returns: 'vector' },
  clamp: { args: ['vector', 'scalar', 'scalar'], returns: 'vector' },
  clamp_min: { args: ['vector', 'scalar'], returns: 'vector' },
  clamp_max: { args: ['vector', 'scalar'], returns: 'vector' },
  time: { args: [], returns: 'scalar' },
  timestamp: vectorToVector,
  vector: { args: ['scalar'], returns: 'vector' },
  scalar: { args: ['vector'], returns: 'scalar' },
  absent: vectorToVector,
  histogram_quantile: { args: ['scalar', 'vector'], returns: 'vector' },
  label_replace: { args: ['vector', 'string', 'string', 'string', 'string'], returns: 'vector' },
  label_join: { args: ['vector', 'string', 'string', 'string'], variadic: true, optional: 1, returns: 'vector' },
  sort: vectorToVector,
  sort_desc: vectorToVector,
};
