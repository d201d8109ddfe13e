"use client";
import { useMemo, useRef } from "react";
import { cn } from "@/lib/utils";

export interface EditorIssue {
  message: string;
  line?: number | null;
  column?: number | null;
  path?: string;
}

/**
 * A plain YAML text editor with line numbers and the server's problems marked at their
 * line and column. It only edits text: the orchestration builder (a graph view) can sit
 * beside it and share the same `value`/`onChange`.
 */
export function YamlConfigEditor({
  id,
  label,
  value,
  onChange,
  issues = [],
  readOnly = false,
  rows = 24,
}: {
  id: string;
  label: string;
  value: string;
  onChange?: (value: string) => void;
  issues?: EditorIssue[];
  readOnly?: boolean;
  rows?: number;
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = useMemo(() => value.split("\n"), [value]);
  const badLines = useMemo(() => new Set(issues.map((i) => i.line).filter((l): l is number => !!l)), [issues]);

  const jumpTo = (line?: number | null, column?: number | null) => {
    const el = area.current;
    if (!el || !line) return;
    let offset = 0;
    for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
    offset += Math.max(0, (column ?? 1) - 1);
    el.focus();
    el.setSelectionRange(offset, offset);
    const lineHeight = el.scrollHeight / Math.max(lines.length, 1);
    el.scrollTop = Math.max(0, (line - 3) * lineHeight);
  };

  return (
    <div className="grid gap-2">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <div className="flex overflow-hidden rounded-md border font-mono text-xs leading-5 focus-within:ring-2 focus-within:ring-ring">
        <div
          ref={gutter}
          aria-hidden
          className="select-none overflow-hidden bg-muted px-2 py-2 text-right text-muted-foreground"
          style={{ maxHeight: `${rows * 1.25 + 1}rem` }}
        >
          {lines.map((_, i) => (
            <div key={i} className={cn(badLines.has(i + 1) && "bg-red-200 font-semibold text-red-900 dark:bg-red-900 dark:text-red-50")}>
              {i + 1}
            </div>
          ))}
        </div>
        <textarea
          ref={area}
          id={id}
          value={value}
          readOnly={readOnly}
          spellCheck={false}
          wrap="off"
          rows={rows}
          aria-invalid={issues.length > 0}
          aria-describedby={issues.length ? `${id}-issues` : undefined}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
          onChange={(e) => onChange?.(e.target.value)}
          className="min-h-40 flex-1 resize-y bg-background p-2 outline-none"
          style={{ tabSize: 2 }}
        />
      </div>
      {issues.length ? (
        <ul id={`${id}-issues`} className="grid gap-1 text-sm" aria-label="Problems">
          {issues.map((issue, i) => (
            <li key={i} className="flex gap-2 text-destructive" data-yaml-issue>
              {issue.line ? (
                <button type="button" className="shrink-0 font-mono underline" onClick={() => jumpTo(issue.line, issue.column)}>
                  line {issue.line}, column {issue.column ?? 1}
                </button>
              ) : (
                <span className="shrink-0 font-mono">{issue.path || "spec"}</span>
              )}
              <span className="min-w-0 break-words">{issue.message}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
