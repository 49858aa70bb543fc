import { autocompletion, closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, indentOnInput } from '@codemirror/language';
import { lintGutter, lintKeymap, setDiagnostics } from '@codemirror/lint';
import { Compartment, EditorState } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLineGutter, highlightSpecialChars, keymap, lineNumbers } from '@codemirror/view';
import { useComputedColorScheme } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { codeEditorTheme } from '../../../components/code-editor-theme';
import { hangingIndent } from '../../../components/hanging-indent';
import { promqlCompletion } from '../../../components/promql-completion';
import { ruleYamlCompletion } from './rule-yaml-completion';
import { ruleFileDiagnostics } from './rule-yaml-diagnostics';

/** Props of `RuleYamlEditor`. */
export interface RuleYamlEditorProps {
  /** The rule file to show. When it changes from outside, the editor takes it over. */
  value: string;
  /** Called with the text on every edit. */
  onChange: (text: string) => void;
  /** Shows the text without letting it be changed (it can still be selected and copied). */
  readOnly: boolean;
  /** The last refused save: each of its errors that names a line is marked on that line. Null clears the marks. */
  error: unknown;
}

/** The editor's size: twelve lines at least, at most most of the screen, then it scrolls. */
const size = EditorView.theme({
  '&': { maxHeight: '75vh' },
  '.cm-scroller': { overflow: 'auto', minHeight: `${12 * 22 + 16}px` },
});

/**
 * A CodeMirror 6 editor for a Prometheus rule file: YAML highlighting, line numbers, PromQL completion (metric
 * names, label names and values, functions, from Estate's own API) inside each rule's `expr:` value, group and rule
 * keys completed where a key is written, and the server's line-located errors marked on their lines. Tab indents;
 * Escape then Tab moves focus on, as in every CodeMirror editor.
 */
export function RuleYamlEditor({ value, onChange, readOnly, error }: RuleYamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const themeSlot = useRef(new Compartment());
  const readOnlySlot = useRef(new Compartment());
  const dark = useComputedColorScheme('light') === 'dark';
  // The editor is built once; its listener reads the latest callback through this.
  const changed = useRef(onChange);
  changed.current = onChange;
  const initial = useRef({ value, dark, readOnly });

  useEffect(() => {
    if (!host.current) return;
    const promql = promqlCompletion();
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initial.current.value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          lintGutter(),
          highlightSpecialChars(),
          history(),
          drawSelection(),
          indentOnInput(),
          closeBrackets(),
          bracketMatching(),
          yaml(),
          autocompletion({ override: [ruleYamlCompletion(promql)], icons: false }),
          EditorView.lineWrapping,
          hangingIndent,
          EditorView.contentAttributes.of({ 'aria-label': 'Rule group YAML', 'data-testid': 'rule-group-yaml' }),
          keymap.of([...closeBracketsKeymap, ...lintKeymap, indentWithTab, ...historyKeymap, ...defaultKeymap]),
          readOnlySlot.current.of(EditorState.readOnly.of(initial.current.readOnly)),
          themeSlot.current.of(codeEditorTheme(initial.current.dark)),
          size,
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      promql.destroy?.();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    view.current?.dispatch({ effects: themeSlot.current.reconfigure(codeEditorTheme(dark)) });
  }, [dark]);

  useEffect(() => {
    view.current?.dispatch({ effects: readOnlySlot.current.reconfigure(EditorState.readOnly.of(readOnly)) });
  }, [readOnly]);

  useEffect(() => {
    const editor = view.current;
    if (!editor || editor.state.doc.toString() === value) return;
    editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (editor) editor.dispatch(setDiagnostics(editor.state, ruleFileDiagnostics(error, editor.state.doc)));
  }, [error]);

  return <div ref={host} data-testid="rule-group-yaml-editor" />;
}
