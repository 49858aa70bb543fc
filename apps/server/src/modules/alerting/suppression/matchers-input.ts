/*
 * Matchers as the API takes them — Alertmanager's text (`{team="db", env=~"prod.*"}`) or a list of objects — turned
 * into the routing library's matchers, with a 400 naming the matcher that does not parse.
 */
import type { LabelMatcher, MatchersInput } from '@estate/contract';
import { problems } from '../../../platform/http/problem';
import { createMatcher, formatMatcher, type Matcher, MatcherSyntaxError, parseMatchers } from '../routing';

/** Parses matchers from the API; throws a 400 problem whose error names the field path and the matcher. */
export function matchersFromInput(input: MatchersInput, path: string): Matcher[] {
  if (typeof input === 'string') {
    try {
      return parseMatchers(input);
    } catch (error) {
      const at = error instanceof MatcherSyntaxError ? ` at character ${error.offset + 1}` : '';
      const message = `${(error as Error).message}${at} of ${JSON.stringify(input)}`;
      throw problems.validation(`${path}: ${message}`, [{ path, message }]);
    }
  }
  return input.map((matcher, index) => {
    try {
      return createMatcher(matcher.name, matcher.type, matcher.value);
    } catch (error) {
      const message = `${formatMatcher({ name: matcher.name, type: matcher.type, value: matcher.value })}: invalid regular expression: ${(error as Error).message}`;
      throw problems.validation(`${path}[${index}]: ${message}`, [{ path: `${path}[${index}]`, message }]);
    }
  });
}

/** Matchers as stored and served: name, type and value (the compiled regex is rebuilt when read). */
export function plainMatchers(matchers: readonly Matcher[]): LabelMatcher[] {
  return matchers.map(({ name, type, value }) => ({ name, type, value }));
}

/** Rebuilds stored matchers; they were valid when stored. */
export function storedMatchers(stored: readonly LabelMatcher[]): Matcher[] {
  return stored.map((m) => createMatcher(m.name, m.type, m.value));
}
