"use client";
import { useCallback, useRef, useState } from "react";
import { CodeXml, Columns2, Workflow } from "lucide-react";
import { cn } from "@/lib/utils";

export type View = "split" | "graph" | "yaml";

const STORE = "hub.builder.split";
/** The YAML pane's share of the row by default: the canvas gets the larger part. */
export const DEFAULT_YAML_SHARE = 0.36;
const MIN_SHARE = 0.2;
const MAX_SHARE = 0.65;

function stored(): { view: View; share: number } {
  try {
    const v = JSON.parse(window.localStorage.getItem(STORE) ?? "null") as { view?: View; share?: number } | null;
    const share = typeof v?.share === "number" ? Math.min(MAX_SHARE, Math.max(MIN_SHARE, v.share)) : DEFAULT_YAML_SHARE;
    const view = v?.view === "graph" || v?.view === "yaml" ? v.view : "split";
    return { view, share };
  } catch {
    return { view: "split", share: DEFAULT_YAML_SHARE };
  }
}

/** Graph | Split | YAML, as a segmented control. */
export function ViewToggle({ view, onChange }: { view: View; onChange: (v: View) => void }) {
  const item = (v: View, label: string, Icon: typeof Columns2) => (
    <button
      type="button"
      aria-pressed={view === v}
      onClick={() => onChange(v)}
      className={cn("inline-flex items-center gap-1 px-2 py-1 text-xs", view === v ? "bg-primary text-primary-foreground" : "hover:bg-muted")}
    >
      <Icon className="size-3.5" aria-hidden /> {label}
    </button>
  );
  return (
    <div role="group" aria-label="Builder view" className="inline-flex overflow-hidden rounded-md border" data-testid="view-toggle">
      {item("graph", "Graph", Workflow)}
      {item("split", "Split", Columns2)}
      {item("yaml", "YAML", CodeXml)}
    </div>
  );
}

/** The view and the YAML pane's share, kept across visits (this browser). */
export function useSplit() {
  // the builder renders in the browser only (loaded with ssr: false): no hydration to match
  const [state, setState] = useState<{ view: View; share: number }>(() => (typeof window === "undefined" ? { view: "split", share: DEFAULT_YAML_SHARE } : stored()));
  const update = useCallback((next: Partial<{ view: View; share: number }>) => {
    setState((cur) => {
      const s = { ...cur, ...next };
      try {
        window.localStorage.setItem(STORE, JSON.stringify(s));
      } catch {
        /* private mode: not kept */
      }
      return s;
    });
  }, []);
  return { ...state, update };
}

/**
 * Canvas and YAML side by side with a divider to drag (or move with the arrow keys); one of
 * them alone in the "graph" and "yaml" views. Below `lg` the split stacks them.
 */
export function SplitView({
  view,
  share,
  onShare,
  graph,
  yaml,
}: {
  view: View;
  share: number;
  onShare: (share: number) => void;
  graph: React.ReactNode;
  yaml: React.ReactNode;
}) {
  const row = useRef<HTMLDivElement>(null);
  const [dragging, setDragging] = useState(false);
  const clamp = (v: number) => Math.min(MAX_SHARE, Math.max(MIN_SHARE, v));
  const onPointerMove = (e: React.PointerEvent) => {
    if (!dragging || !row.current) return;
    const box = row.current.getBoundingClientRect();
    onShare(clamp((box.right - e.clientX) / box.width));
  };
  const split = view === "split";
  return (
    <div
      ref={row}
      className={cn("grid gap-3", split && "lg:grid-cols-[minmax(0,var(--graph-share))_8px_minmax(0,var(--yaml-share))] lg:gap-0")}
      style={{ "--graph-share": `${Math.round((1 - share) * 1000)}fr`, "--yaml-share": `${Math.round(share * 1000)}fr` } as React.CSSProperties}
      onPointerMove={onPointerMove}
      onPointerUp={() => setDragging(false)}
      onPointerCancel={() => setDragging(false)}
      data-testid="builder-split"
      data-view={view}
    >
      <div className={cn("min-w-0", view === "yaml" && "hidden")}>{graph}</div>
      {split ? (
        <div
          role="separator"
          aria-orientation="vertical"
          aria-label="Resize the graph and YAML panes"
          aria-valuemin={Math.round((1 - MAX_SHARE) * 100)}
          aria-valuemax={Math.round((1 - MIN_SHARE) * 100)}
          aria-valuenow={Math.round((1 - share) * 100)}
          tabIndex={0}
          className={cn("hidden cursor-col-resize touch-none items-center justify-center lg:flex", dragging && "bg-muted")}
          onPointerDown={(e) => {
            e.preventDefault();
            (e.target as HTMLElement).setPointerCapture?.(e.pointerId);
            setDragging(true);
          }}
          onPointerMove={onPointerMove}
          onPointerUp={() => setDragging(false)}
          onDoubleClick={() => onShare(DEFAULT_YAML_SHARE)}
          onKeyDown={(e) => {
            if (e.key === "ArrowLeft") onShare(clamp(share + 0.03));
            else if (e.key === "ArrowRight") onShare(clamp(share - 0.03));
            else if (e.key === "Home") onShare(DEFAULT_YAML_SHARE);
            else return;
            e.preventDefault();
          }}
        >
          <span className="h-10 w-1 rounded-full bg-border" aria-hidden />
        </div>
      ) : null}
      <div className={cn("min-w-0", view === "graph" && "hidden")}>{yaml}</div>
    </div>
  );
}
