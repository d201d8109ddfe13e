"use client";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { ExternalLink, RotateCcw, Square } from "lucide-react";
import { api, unwrap, type Run, type StepProgress } from "@/lib/api";
import { errorMessage } from "@/lib/errors";
import { isTerminal } from "@/lib/run-stream";
import { durationMs, formatMs, formatTime, formatUsd } from "@/lib/utils";
import { useOrchestration, useRelease, useTrace } from "@/hooks/use-api";
import { useLiveRun } from "@/hooks/use-live-run";
import { useReleaseApprovals } from "@/hooks/use-release-approvals";
import { toast } from "@/hooks/use-toast";
import { Button } from "@/components/ui/button";
import { NativeSelect, Label } from "@/components/ui/input";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { StatusBadge } from "@/components/shared/status-badge";
import { ErrorState, LoadingState, PageHeader } from "@/components/shared/states";
import { ApprovalForm } from "./approval-form";
import { findMemo } from "@/lib/memo";

// In the browser only (DOMPurify needs a DOM) and out of the page's first JavaScript.
const MemoView = dynamic(() => import("./memo-view").then((m) => m.MemoView), {
  ssr: false,
  loading: () => <LoadingState label="Rendering the memo…" />,
});

/** The run overlay (React Flow, dagre) loads on demand: the steps table renders first. */
const RunGraph = dynamic(() => import("@/components/builder/run-graph").then((m) => m.RunGraph), {
  ssr: false,
  loading: () => <LoadingState label="Loading the graph…" />,
});

export function RunView({ runId, initialRun = null }: { runId: string; initialRun?: Run | null }) {
  const router = useRouter();
  const { run, error, mode, refresh, restart } = useLiveRun(runId, initialRun);
  const terminal = isTerminal(run?.status);
  // The trace (model, prompt versions, violations per attempt) is read again whenever a
  // step finishes, and once more when the run ends.
  const finished = (run?.steps ?? []).filter((s) => ["completed", "failed", "skipped", "canceled"].includes(s.state ?? "")).length;
  const { data: trace, mutate: refreshTrace } = useTrace(finished || terminal ? runId : undefined, finished * 2 + (terminal ? 1 : 0));
  const { data: orchestration } = useOrchestration(run?.app_id || undefined);
  // The graph is the orchestration the run was started with: its release's, whatever was
  // stored or deployed since. A run of the draft (no release) draws the stored orchestration.
  const { data: release, error: releaseError } = useRelease(run?.app_id || undefined, run?.release_id);
  // An approval's prompt and form come from the run's release too (parsed only while a
  // step waits for a decision).
  const waitingForDecision = (run?.steps ?? []).some((s) => s.state === "waiting_approval");
  const releaseApprovals = useReleaseApprovals(waitingForDecision && !releaseError ? release?.orchestration_yaml : undefined);
  const [rerunFrom, setRerunFrom] = useState("");
  const [busy, setBusy] = useState(false);

  const spansByStep = useMemo(() => {
    const out = new Map<string, NonNullable<typeof trace>["spans"]>();
    for (const span of trace?.spans ?? []) {
      if (span.kind !== "attempt" || !span.step_id) continue;
      out.set(span.step_id, [...(out.get(span.step_id) ?? []), span]);
    }
    return out;
  }, [trace]);

  if (error && !run) return <ErrorState error={error} retry={() => void refresh()} />;
  if (!run) return <LoadingState label="Loading the run…" />;

  const steps: StepProgress[] = run.steps ?? [];
  const graphYaml = run.release_id && !releaseError ? release?.orchestration_yaml : orchestration?.yaml;
  const memo = findMemo(run.outputs);
  const waiting = steps.filter((s) => s.state === "waiting_approval");
  const approvalOf = (stepId: string) =>
    run.release_id && !releaseError
      ? releaseApprovals?.get(stepId)
      : (orchestration?.spec.workflow?.find((w) => String(w.step) === stepId)?.approval ?? undefined);

  const cancel = async () => {
    setBusy(true);
    try {
      await unwrap(api.POST("/runs/{run_id}/cancel", { params: { path: { run_id: runId } } }));
      toast({ title: "Cancel requested" });
    } catch (err) {
      toast({ title: "Cancel failed", description: errorMessage(err), variant: "destructive" });
    } finally {
      setBusy(false);
    }
  };

  const rerun = async () => {
    if (!rerunFrom) return;
    setBusy(true);
    try {
      const started = await unwrap(api.POST("/runs/{run_id}/rerun", { params: { path: { run_id: runId } }, body: { from_step: rerunFrom } }));
      toast({ title: `Re-running from ${rerunFrom}` });
      if (started.run_id !== runId) router.push(`/runs/${started.run_id}`);
      else {
        restart();
        void refreshTrace(undefined);
      }
    } catch (err) {
      toast({ title: "Re-run failed", description: errorMessage(err), variant: "destructive" });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="grid gap-6">
      <PageHeader
        title={`Run ${run.run_id}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <StatusBadge status={run.status} />
            <span>
              app{" "}
              <Link className="underline" href={`/apps/${run.app_id}`}>
                {run.app_id}
              </Link>{" "}
              {run.app_version ? `v${run.app_version}` : ""}
            </span>
            <span>started {formatTime(run.started_at)}</span>
            {run.ended_at ? <span>· took {formatMs(durationMs(run.started_at, run.ended_at))}</span> : null}
            <span className="text-xs" data-testid="live-mode">
              {mode === "stream" ? "· live" : mode === "polling" ? "· polling" : ""}
            </span>
          </span>
        }
        actions={
          <>
            {!terminal ? (
              <Button variant="destructive" onClick={() => void cancel()} disabled={busy}>
                <Square aria-hidden /> Cancel run
              </Button>
            ) : null}
            {run.temporal_ui_url ? (
              <Button variant="outline" asChild>
                <a href={run.temporal_ui_url} target="_blank" rel="noreferrer">
                  <ExternalLink aria-hidden /> Temporal UI
                </a>
              </Button>
            ) : null}
          </>
        }
      />
      {run.error ? (
        <p role="alert" className="rounded-md border border-destructive/40 bg-red-50 p-3 text-sm dark:bg-red-950">
          {run.error}
        </p>
      ) : null}

      {waiting.map((s) => {
        const approval = approvalOf(s.step_id);
        return (
          <ApprovalForm
            key={s.step_id}
            runId={runId}
            stepId={s.step_id}
            prompt={approval?.prompt}
            schema={approval?.input_schema}
            onDone={() => void refresh()}
          />
        );
      })}

      {graphYaml ? (
        <Card>
          <CardHeader>
            <CardTitle>Graph</CardTitle>
            <p className="text-sm text-muted-foreground" data-testid="run-overlay-source">
              {release && graphYaml === release.orchestration_yaml ? `The orchestration of release ${release.version}, which this run was started with.` : "The app's stored orchestration (this run has no release of its own)."}
            </p>
          </CardHeader>
          <CardContent data-testid="run-overlay">
            <RunGraph yaml={graphYaml} steps={steps} spansByStep={spansByStep} />
          </CardContent>
        </Card>
      ) : null}
      <Card>
        <CardHeader>
          <CardTitle>Steps</CardTitle>
        </CardHeader>
        <CardContent>
          <Table aria-label="Steps">
            <TableHeader>
              <TableRow>
                <TableHead>Step</TableHead>
                <TableHead>State</TableHead>
                <TableHead>Attempts</TableHead>
                <TableHead className="hidden md:table-cell">Started</TableHead>
                <TableHead>Duration</TableHead>
                <TableHead className="hidden md:table-cell">Model</TableHead>
                <TableHead className="hidden sm:table-cell">Tokens</TableHead>
                <TableHead className="hidden sm:table-cell">Cost</TableHead>
                <TableHead className="hidden lg:table-cell">Prompts</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {steps.map((s) => {
                const spans = spansByStep.get(s.step_id) ?? [];
                const last = spans[spans.length - 1];
                const violations = spans.reduce((n, sp) => n + (sp.schema_violations ?? 0), 0);
                const prompts = Object.entries(last?.prompt_versions ?? {});
                return (
                  <TableRow key={s.step_id} data-step={s.step_id} data-state={s.state}>
                    <TableCell className="font-medium">
                      {s.step_id}
                      {s.items_total ? (
                        <span className="ml-1 text-xs text-muted-foreground">
                          ({s.items_done ?? 0}/{s.items_total})
                        </span>
                      ) : null}
                      {s.error ? <p className="max-w-80 text-xs break-words text-destructive">{s.error}</p> : null}
                      {violations ? <p className="text-xs text-amber-700 dark:text-amber-300">{violations} schema violation(s)</p> : null}
                    </TableCell>
                    <TableCell>
                      <StatusBadge status={s.state} />
                    </TableCell>
                    <TableCell>{s.attempts || "—"}</TableCell>
                    <TableCell className="hidden text-xs md:table-cell">{formatTime(s.started_at)}</TableCell>
                    <TableCell>{formatMs(durationMs(s.started_at, s.ended_at))}</TableCell>
                    <TableCell className="hidden text-xs md:table-cell">
                      {s.usage?.model ? `${s.usage.provider}/${s.usage.model}` : last?.model ?? "—"}
                    </TableCell>
                    <TableCell className="hidden sm:table-cell">
                      {s.usage ? (s.usage.input_tokens ?? 0) + (s.usage.output_tokens ?? 0) : "—"}
                    </TableCell>
                    <TableCell className="hidden sm:table-cell">{s.usage ? formatUsd(s.usage.cost_usd) : "—"}</TableCell>
                    <TableCell className="hidden text-xs lg:table-cell">
                      {prompts.length ? prompts.map(([k, v]) => <div key={k}>{`${k}: ${String(v)}`}</div>) : "—"}
                    </TableCell>
                  </TableRow>
                );
              })}
              {steps.length === 0 ? (
                <TableRow>
                  <TableCell colSpan={9} className="text-muted-foreground">
                    No step has started yet.
                  </TableCell>
                </TableRow>
              ) : null}
            </TableBody>
          </Table>
          {terminal && steps.length ? (
            <div className="mt-4 flex flex-col gap-2 sm:flex-row sm:items-end">
              <div className="grid gap-1.5">
                <Label htmlFor="rerun-from">Re-run from step</Label>
                <NativeSelect id="rerun-from" value={rerunFrom} onChange={(e) => setRerunFrom(e.target.value)} className="sm:w-56">
                  <option value="">Choose a step…</option>
                  {steps.map((s) => (
                    <option key={s.step_id} value={s.step_id}>
                      {s.step_id}
                    </option>
                  ))}
                </NativeSelect>
              </div>
              <Button variant="outline" disabled={!rerunFrom || busy} onClick={() => void rerun()}>
                <RotateCcw aria-hidden /> Re-run
              </Button>
            </div>
          ) : null}
        </CardContent>
      </Card>

      {memo ? (
        <Card>
          <CardHeader>
            <CardTitle>{memo.title || "Memo"}</CardTitle>
          </CardHeader>
          <CardContent>
            <MemoView html={memo.html} />
          </CardContent>
        </Card>
      ) : null}

      {run.outputs && Object.keys(run.outputs).length ? (
        <Card>
          <CardHeader>
            <CardTitle>Outputs</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-2">
            {Object.entries(run.outputs).map(([step, values]) => (
              <details key={step} className="rounded-md border p-2">
                <summary className="cursor-pointer text-sm font-medium">{step}</summary>
                <pre tabIndex={0} className="mt-2 max-h-96 overflow-auto text-xs">{JSON.stringify(values, null, 2)}</pre>
              </details>
            ))}
          </CardContent>
        </Card>
      ) : null}
    </div>
  );
}
