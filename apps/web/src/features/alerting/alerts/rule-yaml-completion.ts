import type { Completion, CompletionSource } from '@codemirror/autocomplete';
import type { CompleteStrategy } from '@prometheus-io/codemirror-promql';
import { completeEmbeddedPromql } from '../../../components/promql-completion';
import { promqlInRuleYaml, ruleKeyAt } from './rule-yaml-context';

/** The keys of a rule group, as Prometheus reads them. */
const GROUP_KEYS: Completion[] = [
  { label: 'name', detail: 'the group’s name, unique' },
  { label: 'interval', detail: 'how often its rules run, e.g. 1m' },
  { label: 'limit', detail: 'most alerts a rule may raise; 0 for no limit' },
  { label: 'rules', detail: 'the list of rules' },
];

/** The keys of a rule: Prometheus' own and Estate's `check_state`. */
const RULE_KEYS: Completion[] = [
  { label: 'alert', detail: 'an alerting rule’s name' },
  { label: 'record', detail: 'a recording rule’s series name' },
  { label: 'expr', detail: 'the PromQL expression' },
  { label: 'for', detail: 'pending this long before firing' },
  { label: 'keep_firing_for', detail: 'firing this long after clearing' },
  { label: 'labels', detail: 'labels added to the alert' },
  { label: 'annotations', detail: 'summary, description, …' },
  { label: 'check_state', detail: 'Estate: check states that count as a problem' },
];

/** Keys as completions: picking one writes it with its colon and a space. */
const asKeys = (keys: Completion[]) => keys.map((key) => ({ ...key, type: 'property', apply: `${key.label}: ` }));
const KEYS = { group: asKeys(GROUP_KEYS), rule: asKeys(RULE_KEYS) };

/**
 * The rule editor's completion: PromQL (functions, metric names, label names and values, from `promql`) inside a
 * rule's `expr:` value, group and rule keys where a key is being written, and nothing elsewhere. Keys are offered
 * once a letter is typed, or on Ctrl+Space before.
 */
export function ruleYamlCompletion(promql: CompleteStrategy): CompletionSource {
  return (context) => {
    const embedded = promqlInRuleYaml(context.state, context.pos);
    if (embedded) return completeEmbeddedPromql(promql, context, embedded);
    const key = ruleKeyAt(context.state, context.pos);
    if (!key || (key.from === context.pos && !context.explicit)) return null;
    return { from: key.from, options: KEYS[key.level], validFor: /^[A-Za-z_]*$/ };
  };
}
