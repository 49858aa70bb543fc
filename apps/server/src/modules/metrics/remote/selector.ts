import type { LabelMatcher } from '../store/metric-store';

/**
 * Matchers as a PromQL series selector, `{__name__="up",job=~"a|b"}`: every matcher inside the braces, values
 * quoted as JSON strings (whose escapes PromQL's double-quoted strings accept). Label names are assumed classic
 * (Prometheus 2 cannot quote them).
 */
export function selectorOf(matchers: readonly LabelMatcher[]): string {
  return `{${matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(',')}}`;
}
