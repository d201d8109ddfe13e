"use client";
import { useEffect, useRef } from "react";
import { Annotation, EditorState, type Extension } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection, hoverTooltip } from "@codemirror/view";
import { defaultKeymap, indentWithTab } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import { syntaxHighlighting, defaultHighlightStyle, indentOnInput, bracketMatching } from "@codemirror/language";
import { linter, lintGutter, setDiagnostics, type Diagnostic } from "@codemirror/lint";
import { autocompletion, type CompletionContext } from "@codemirror/autocomplete";
import { minimalChange, offsetAt } from "@/lib/builder/model";
import { SPEC_KEYS } from "@/lib/builder/spec-keys";
import { timed } from "@/lib/builder/perf";

/** Marks the changes that come from outside (graph edits, undo): not echoed to onChange. */
const External = Annotation.define<boolean>();

export interface CodeIssue {
  message: string;
  line?: number | null;
  column?: number | null;
  severity: "error" | "warning";
}

/** Spec keys (from the OrchestrationSpec JSON Schema) offered at the start of a key. */
function completeKeys(context: CompletionContext) {
  const word = context.matchBefore(/^\s*(-\s+)?[a-z_]*$/);
  if (!word || (word.from === word.to && !context.explicit)) return null;
  const start = word.text.replace(/^\s*(-\s+)?/, "");
  return {
    from: word.to - start.length,
    options: SPEC_KEYS.map((k) => ({ label: k.key, type: "property", detail: k.where, info: k.description, apply: `${k.key}: ` })),
  };
}

/** Hover on a key: what the spec's JSON Schema says about it. */
const keyHover = hoverTooltip((view, pos) => {
  const line = view.state.doc.lineAt(pos);
  const m = /^(\s*(?:-\s+)?)([a-z_]+):/.exec(line.text);
  if (!m) return null;
  const from = line.from + m[1].length;
  const to = from + m[2].length;
  if (pos < from || pos > to) return null;
  const key = SPEC_KEYS.find((k) => k.key === m[2]);
  if (!key) return null;
  return {
    pos: from,
    end: to,
    above: true,
    create: () => {
      const dom = document.createElement("div");
      dom.className = "max-w-80 p-2 text-xs";
      dom.textContent = `${key.key} (${key.where}): ${key.description}`;
      return { dom };
    },
  };
});

function diagnostics(text: string, issues: CodeIssue[]): Diagnostic[] {
  return issues
    .filter((i) => i.line)
    .map((i) => {
      const from = offsetAt(text, i.line!, i.column ?? 1);
      const lineEnd = text.indexOf("\n", from);
      return { from, to: Math.max(from + 1, lineEnd < 0 ? text.length : lineEnd), severity: i.severity, message: i.message };
    })
    .filter((d) => d.from <= text.length && d.to <= text.length);
}

/**
 * CodeMirror 6 in YAML mode, controlled: `value` from outside replaces only the span that
 * changed (the cursor stays), and every edit calls `onChange`. Problems show in the gutter
 * and under the text at their line and column. It keeps no history of its own: the
 * builder's undo/redo covers graph and text edits alike.
 */
export function YamlCodeEditor({
  value,
  onChange,
  issues,
  label,
  jumpTo,
}: {
  value: string;
  onChange: (text: string) => void;
  issues: CodeIssue[];
  label: string;
  jumpTo?: { line: number; column?: number | null; at: number } | null;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  useEffect(() => {
    if (!host.current) return;
    const extensions: Extension[] = [
      lineNumbers(),
      lintGutter(),
      highlightActiveLine(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      yaml(),
      linter(null),
      autocompletion({ override: [completeKeys] }),
      keyHover,
      keymap.of([...defaultKeymap, indentWithTab]),
      EditorView.contentAttributes.of({ "aria-label": label, "data-testid": "yaml-editor" }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged && !u.transactions.some((t) => t.annotation(External))) onChangeRef.current(u.state.doc.toString());
      }),
      EditorView.theme({
        "&": { fontSize: "12px", height: "100%" },
        ".cm-scroller": { fontFamily: "var(--font-geist-mono, ui-monospace, monospace)" },
      }),
    ];
    const parent = host.current;
    view.current = timed("codemirror", () => new EditorView({ state: EditorState.create({ doc: value, extensions }), parent }));
    // the scroller is a scrollable region: reachable by keyboard too (axe: scrollable-region-focusable)
    view.current.scrollDOM.tabIndex = 0;
    return () => {
      view.current?.destroy();
      view.current = null;
    };
    // created once; `value` changes are dispatched below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const current = v.state.doc.toString();
    const change = minimalChange(current, value);
    if (change) v.dispatch({ changes: change, annotations: External.of(true) });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    v.dispatch(setDiagnostics(v.state, diagnostics(v.state.doc.toString(), issues)));
  }, [issues, value]);

  useEffect(() => {
    const v = view.current;
    if (!v || !jumpTo) return;
    const pos = offsetAt(v.state.doc.toString(), jumpTo.line, jumpTo.column ?? 1);
    v.dispatch({ selection: { anchor: pos }, scrollIntoView: true });
    v.focus();
  }, [jumpTo]);

  return <div ref={host} className="h-full min-h-80 overflow-hidden rounded-md border bg-background" />;
}
