/*
 * The notations of promtool's rule test files: a series written as a selector (`up{job="api"}`) and its values in
 * expanding notation — `1+2x3` is 1 3 5 7, `5-1x2` is 5 4 3, `7x2` is 7 7 7, `_` is no sample, `_x3` three
 * missing samples, `stale` a staleness marker.
 */

import { parsePromql } from '../../../metrics';
import type { Labels } from '../../alert-model';

/** One slot of a series in expanding notation: a value, nothing, or a stale marker. */
export type SlotValue = number | 'missing' | 'stale';

/** `name{label="value", …}` → its label set (the name as `__name__`); throws for anything but equality matchers. */
export function parseSeriesSelector(text: string): Labels {
  const expr = parsePromql(text);
  if (expr.kind !== 'vectorSelector') throw new Error(`series ${JSON.stringify(text)} is not a plain selector`);
  const labels: Record<string, string> = {};
  for (const m of expr.matchers) {
    if (m.op !== '=') throw new Error(`series ${JSON.stringify(text)} may only use = matchers`);
    if (m.value !== '') labels[m.name] = m.value;
  }
  return labels;
}

function number(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  if (lower === 'nan') return Number.NaN;
  const n = Number(text);
  if (text === '' || Number.isNaN(n)) throw new Error(`invalid value ${JSON.stringify(text)} in series values`);
  return n;
}

const EXPANDING = /^([-+]?[^-+x]+?)(?:([-+])([^-+x]+))?x(\d+)$/;

/** Expands a values string into one slot per interval, the first at time 0. */
export function expandValues(text: string): SlotValue[] {
  const out: SlotValue[] = [];
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    if (token === '_') out.push('missing');
    else if (token === 'stale') out.push('stale');
    else if (/^_x\d+$/.test(token)) for (let i = 0; i < Number(token.slice(2)); i++) out.push('missing');
    else {
      const m = EXPANDING.exec(token);
      if (!m) {
        out.push(number(token));
        continue;
      }
      const start = number(m[1] as string);
      const step = m[2] ? (m[2] === '-' ? -1 : 1) * number(m[3] as string) : 0;
      for (let i = 0; i <= Number(m[4]); i++) out.push(start + i * step);
    }
  }
  return out;
}
