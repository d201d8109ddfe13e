"use client";
import { useCallback, useMemo, useState } from "react";
import type { Schemas, StepProgress } from "@/lib/api";
import { toGraph, type StepData } from "@/lib/builder/model";
import { durationMs, formatMs, formatTime, formatUsd } from "@/lib/utils";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { BuilderCanvas, type StepNodeData } from "./builder-canvas";

type Span = Schemas["Span"];

/**
 * The run overlay: the orchestration's graph with each step's live state, duration and
 * cost; a click on a step opens its attempts (from the run's trace).
 */
export function RunGraph({ yaml, steps, spansByStep }: { yaml: string; steps: StepProgress[]; spansByStep: Map<string, Span[]> }) {
  const graph = useMemo(() => toGraph(yaml), [yaml]);
  const [open, setOpen] = useState<string | null>(null);
  const byId = useMemo(() => new Map(steps.map((s) => [s.step_id, s])), [steps]);
  const nodeData = useCallback(
    (step: StepData): Omit<StepNodeData, "step"> => {
      const p = byId.get(step.id);
      return {
        problems: p?.error ? [p.error] : [],
        overlay: {
          state: p?.state ?? "pending",
          durationMs: p ? durationMs(p.started_at, p.ended_at ?? (p.state === "running" ? new Date().toISOString() : null)) : null,
          costUsd: p?.usage?.cost_usd ?? null,
          attempts: p?.attempts,
        },
      };
    },
    [byId],
  );
  const edgeData = useCallback(() => ({ fit: "fits" as const, reasons: [], problem: false }), []);
  const attempts = open ? (spansByStep.get(open) ?? []) : [];
  const progress = open ? byId.get(open) : undefined;
  return (
    <>
      <BuilderCanvas
        graph={graph}
        nodeData={nodeData}
        edgeData={edgeData}
        readOnly
        height={420}
        onSelect={(sel) => setOpen(sel?.kind === "node" ? sel.id : null)}
      />
      <Dialog open={open !== null} onOpenChange={(o) => !o && setOpen(null)}>
        <DialogContent className="max-w-2xl" data-testid="attempts-dialog">
          <DialogHeader>
            <DialogTitle>Step {open}: attempts</DialogTitle>
            <DialogDescription>
              {progress ? `${progress.state}, ${progress.attempts ?? 0} attempt(s), ${formatMs(durationMs(progress.started_at, progress.ended_at))}` : "Not started yet."}
            </DialogDescription>
          </DialogHeader>
          {attempts.length ? (
            <ol className="grid gap-2 text-sm">
              {attempts.map((a, i) => (
                <li key={i} className="rounded-md border p-2" data-testid="attempt">
                  <div className="flex flex-wrap justify-between gap-2">
                    <span className="font-medium">Attempt {a.attempt ?? i + 1}{a.item_index != null ? ` (item ${a.item_index})` : ""}</span>
                    <span className="font-mono text-xs">
                      {formatTime(a.started_at)} · {formatMs(a.duration_ms)} · {formatUsd(a.cost_usd)}
                    </span>
                  </div>
                  <div className="text-xs text-muted-foreground">
                    {a.provider ? `${a.provider}/${a.model}` : a.model ?? ""} {a.input_tokens || a.output_tokens ? `· ${(a.input_tokens ?? 0) + (a.output_tokens ?? 0)} tokens` : ""}
                  </div>
                  {a.error ? <p className="text-xs break-words text-destructive">{a.error}</p> : null}
                  {a.retry_reason ? <p className="text-xs text-amber-700">retried: {a.retry_reason}</p> : null}
                </li>
              ))}
            </ol>
          ) : (
            <p className="text-sm text-muted-foreground">No attempt recorded yet.</p>
          )}
        </DialogContent>
      </Dialog>
    </>
  );
}
