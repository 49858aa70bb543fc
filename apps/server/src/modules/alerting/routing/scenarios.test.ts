/*
 * Routing behaviour pinned by data files (testdata/*.scenario), in the spirit of Prometheus' promqltest:
 *
 *   config:                        an Alertmanager config, indented two spaces
 *     route: {receiver: team}
 *   at 0s fire {alertname="A"}     an alert fires (or `resolve`s) at a moment since the start
 *   at 1m silence s1 {a="b"} for 10m   a silence from now for a while; `at 2m expire s1` ends it early
 *   eval 5m                        run to that moment; the indented lines are exactly the notifications sent
 *     30s team {}:{alertname="A"} firing {alertname="A"} resolved
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Labels } from '../alert-model';
import { parseDuration } from '../prometheus-duration';
import { type Notification, NotificationDispatcher } from './dispatcher';
import { parseMatchers } from './matchers';
import { formatLabels } from './route-matching';
import { firingAlert, resolvedAlert } from './routing.fixtures';
import { parseRoutingConfig } from './routing-config';

const DIR = join(import.meta.dirname, 'testdata');
const START = Date.parse('2026-03-27T12:00:00Z');

function offset(text: string, line: number): number {
  const ms = parseDuration(text);
  if (ms === null) throw new Error(`line ${line}: "${text}" is not a duration`);
  return ms;
}

function labelsOf(text: string): Labels {
  const labels: Record<string, string> = {};
  for (const matcher of parseMatchers(text)) labels[matcher.name] = matcher.value;
  return labels;
}

function render(n: Notification): string {
  const list = (entries: Notification['firing']) =>
    entries
      .map((e) => formatLabels(e.alert.labels))
      .sort()
      .join(' ');
  const at = (n.at - START) / 1_000;
  return `${at}s ${n.receiver} ${n.groupKey} firing ${list(n.firing)} resolved ${list(n.resolved)}`.replace(/ +/g, ' ').trim();
}

function runScenario(text: string): void {
  const lines = text.split('\n');
  const configLines: string[] = [];
  let index = 0;
  while (index < lines.length && !lines[index]?.startsWith('config:')) index++;
  for (index++; index < lines.length && /^( {2}|$)/.test(lines[index] ?? ''); index++) configLines.push(lines[index] ?? '');
  const dispatcher = new NotificationDispatcher(parseRoutingConfig(configLines.join('\n')));
  const firedAt = new Map<string, number>();
  for (; index < lines.length; index++) {
    const line = (lines[index] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const number = index + 1;
    const event = /^at (\S+) (fire|resolve|silence|expire) (.*)$/.exec(line);
    const evalLine = /^eval (\S+)$/.exec(line);
    if (event) {
      const now = START + offset(event[1] ?? '', number);
      const rest = event[3] ?? '';
      if (event[2] === 'fire' || event[2] === 'resolve') {
        const labels = labelsOf(rest);
        const key = formatLabels(labels);
        if (event[2] === 'fire') {
          firedAt.set(key, now);
          dispatcher.receive(firingAlert(labels, now), now);
        } else dispatcher.receive(resolvedAlert(labels, firedAt.get(key) ?? now, now), now);
      } else if (event[2] === 'silence') {
        const silence = /^(\S+) (\{.*\}) for (\S+)$/.exec(rest);
        if (!silence) throw new Error(`line ${number}: expected "silence <id> {matchers} for <duration>"`);
        const endsAt = now + offset(silence[3] ?? '', number);
        const matchers = parseMatchers(silence[2] ?? '');
        dispatcher.putSilence({ id: silence[1] ?? '', matchers, startsAt: now, endsAt, createdBy: 'test', comment: line }, now);
      } else {
        dispatcher.putSilence({ id: rest, matchers: [], startsAt: now, endsAt: now, createdBy: 'test', comment: line }, now);
      }
    } else if (evalLine) {
      const expected: string[] = [];
      while (/^\s{2,}\S/.test(lines[index + 1] ?? '')) expected.push((lines[++index] ?? '').trim());
      const sent = dispatcher.advance(START + offset(evalLine[1] ?? '', number)).map(render);
      expect(sent, `eval at line ${number}`).toEqual(expected);
    } else throw new Error(`line ${number}: cannot read "${line}"`);
  }
}

describe('routing scenarios', () => {
  const files = readdirSync(DIR).filter((name) => name.endsWith('.scenario'));
  it('has scenarios', () => expect(files.length).toBeGreaterThan(0));
  it.each(files)('%s', (name) => runScenario(readFileSync(join(DIR, name), 'utf8')));
});
