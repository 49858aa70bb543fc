import { autocompletion, closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, insertNewlineAndIndent } from '@codemirror/commands';
import { bracketMatching } from '@codemirror/language';
import { Compartment, EditorState } from '@codemirror/state';
import { drawSelection, EditorView, highlightSpecialChars, keymap, placeholder } from '@codemirror/view';
import { useComputedColorScheme } from '@mantine/core';
import { PromQLExtension } from '@prometheus-io/codemirror-promql';
import { useEffect, useRef } from 'react';
import { codeEditorTheme } from '../../components/code-editor-theme';
import { promqlCompletion } from '../../components/promql-completion';

/** Props of `PromqlEditor`. */
export interface PromqlEditorProps {
  /** The expression to show. When it changes from outside (back, forward, a link), the editor takes it over. */
  value: string;
  /** Called with the text on every edit. */
  onChange: (text: string) => void;
  /** Called with the text when the user presses Enter or Shift+Enter (Alt+Enter starts a new line instead). */
  onRun: (text: string) => void;
}

/**
 * A one-to-a-few-line PromQL editor (CodeMirror 6 with Prometheus' own PromQL language package): highlighting,
 * syntax errors underlined as the user types, and completion of functions, metric names, label names and label
 * values, the last three asked of Estate's own Prometheus API (`promqlCompletion`, shared with the rule editor).
 */
export function PromqlEditor({ value, onChange, onRun }: PromqlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const themeSlot = useRef(new Compartment());
  const dark = useComputedColorScheme('light') === 'dark';
  // The editor is built once; its key bindings and listener read the latest callbacks through these.
  const callbacks = useRef({ onChange, onRun });
  callbacks.current = { onChange, onRun };
  const initial = useRef({ value, dark });

  useEffect(() => {
    if (!host.current) return;
    const promql = new PromQLExtension().setComplete({ completeStrategy: promqlCompletion() });
    const run = (target: EditorView) => {
      callbacks.current.onRun(target.state.doc.toString());
      return true;
    };
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initial.current.value,
        extensions: [
          highlightSpecialChars(),
          history(),
          drawSelection(),
          closeBrackets(),
          bracketMatching(),
          autocompletion({ icons: false }),
          placeholder('PromQL expression, e.g. node_load1'),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': 'PromQL expression', 'data-testid': 'promql-input' }),
          keymap.of([
            // Enter runs, as in Prometheus' own UI; Shift+Enter too, as in Grafana's; Alt+Enter starts a new line.
            { key: 'Enter', run },
            { key: 'Shift-Enter', run },
            { key: 'Mod-Enter', run },
            { key: 'Alt-Enter', run: insertNewlineAndIndent },
            ...closeBracketsKeymap,
            ...historyKeymap,
            ...defaultKeymap,
          ]),
          promql.asExtension(),
          themeSlot.current.of(codeEditorTheme(initial.current.dark)),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      promql.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    view.current?.dispatch({ effects: themeSlot.current.reconfigure(codeEditorTheme(dark)) });
  }, [dark]);

  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  return <div ref={host} data-testid="promql-editor" />;
}
