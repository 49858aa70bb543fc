import { CompletionContext } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';
import { newCompleteStrategy } from '@prometheus-io/codemirror-promql';
import { describe, expect, it } from 'vitest';
import { completeEmbeddedPromql } from './promql-completion';

// Without a server the strategy still knows PromQL's functions and keywords, which is enough to see offsets move.
const offline = newCompleteStrategy();

/** Completes at the end of `before` in a host document `before + after`, the PromQL starting at `from`. */
async function completeIn(before: string, after: string, from: number) {
  const state = EditorState.create({ doc: before + after });
  const text = state.sliceDoc(from, before.length + after.length);
  const result = await completeEmbeddedPromql(offline, new CompletionContext(state, before.length, false), { from, text });
  return { state, result };
}

describe('completeEmbeddedPromql', () => {
  it('answers in document offsets: the word being typed is replaced where it stands in the host', async () => {
    const { state, result } = await completeIn('expr: sum(ra', ')\n', 6);
    expect(result && state.sliceDoc(result.from, state.doc.lineAt(result.from).to)).toBe('ra)');
    expect(result?.options.map((o) => o.label)).toContain('rate');
  });

  it('offers nothing when the cursor is outside the embedded text', async () => {
    const state = EditorState.create({ doc: 'name: ra\nexpr: up' });
    const context = new CompletionContext(state, 8, true);
    expect(await completeEmbeddedPromql(offline, context, { from: 15, text: 'up' })).toBeNull();
  });
});
