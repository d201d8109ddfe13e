"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FlaskConical, GitCompare, Plus } from "lucide-react";
import { api, unwrap } from "@/lib/api";
import { errorMessage } from "@/lib/errors";
import { formatTime } from "@/lib/utils";
import { useDatasets, useEvaluations } from "@/hooks/use-api";
import { toast } from "@/hooks/use-toast";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { StatusBadge } from "@/components/shared/status-badge";
import { EmptyState, ErrorState, LoadingState } from "@/components/shared/states";
import { formatScore, ScoreCell } from "./scores";

/** The app's Evaluations tab: its datasets, a form to run one, and its evaluations. */
export function EvaluationsTab({ appId }: { appId: string }) {
  return (
    <div className="grid gap-4">
      <DatasetsCard appId={appId} />
      <EvaluationsCard appId={appId} />
    </div>
  );
}

function DatasetsCard({ appId }: { appId: string }) {
  const { data, error, isLoading, mutate } = useDatasets(appId);
  return (
    <Card>
      <CardHeader className="flex flex-row items-start justify-between gap-2">
        <div>
          <CardTitle>Datasets</CardTitle>
          <CardDescription>Inputs with the outputs they should give. A version used by an evaluation is locked: saving makes the next one.</CardDescription>
        </div>
        <Button asChild size="sm">
          <Link href={`/apps/${appId}/datasets/new`}>
            <Plus aria-hidden /> New dataset
          </Link>
        </Button>
      </CardHeader>
      <CardContent>
        {error ? (
          <ErrorState error={error} retry={() => void mutate()} />
        ) : isLoading || !data ? (
          <LoadingState label="Loading datasets…" />
        ) : data.length === 0 ? (
          <EmptyState title="No datasets yet" description="Create one with a few items and the values you expect." />
        ) : (
          <Table aria-label="Datasets">
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Version</TableHead>
                <TableHead>Items</TableHead>
                <TableHead className="hidden sm:table-cell">State</TableHead>
                <TableHead className="hidden md:table-cell">Created</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.map((d) => (
                <TableRow key={d.id}>
                  <TableCell>
                    <Link href={`/apps/${appId}/datasets/${d.id}`} className="font-medium hover:underline">
                      {d.name}
                    </Link>
                  </TableCell>
                  <TableCell>v{d.version}</TableCell>
                  <TableCell>{d.item_count}</TableCell>
                  <TableCell className="hidden text-xs sm:table-cell">{d.locked ? "locked (used)" : "editable"}</TableCell>
                  <TableCell className="hidden text-xs md:table-cell">{formatTime(d.created_at)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}

function RunEvaluationForm({ appId, onStarted }: { appId: string; onStarted: () => void }) {
  const { data: datasets } = useDatasets(appId);
  const [datasetId, setDatasetId] = useState("");
  const [release, setRelease] = useState("deployed");
  const [busy, setBusy] = useState(false);
  const chosen = datasetId || datasets?.[0]?.id || "";
  const start = async () => {
    setBusy(true);
    try {
      const started = await unwrap(
        api.POST("/apps/{app_id}/evaluations", {
          params: { path: { app_id: appId } },
          body: { dataset_id: chosen, release: release.trim() || "deployed" },
        }),
      );
      toast({ title: "Evaluation started", description: started.id });
      onStarted();
    } catch (err) {
      toast({ title: "The evaluation did not start", description: errorMessage(err), variant: "destructive" });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      aria-label="Run an evaluation"
      onSubmit={(e) => {
        e.preventDefault();
        void start();
      }}
    >
      <label className="grid gap-1 text-sm">
        Dataset
        <select
          className="h-9 rounded-md border border-input bg-background px-2 text-sm"
          value={chosen}
          onChange={(e) => setDatasetId(e.target.value)}
          aria-label="Dataset"
        >
          {(datasets ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} v{d.version}
            </option>
          ))}
        </select>
      </label>
      <label className="grid gap-1 text-sm">
        Release
        <Input className="w-40" value={release} onChange={(e) => setRelease(e.target.value)} aria-label="Release" placeholder="deployed, draft or 1.2.0" />
      </label>
      <Button type="submit" disabled={busy || !chosen}>
        <FlaskConical aria-hidden /> Run evaluation
      </Button>
    </form>
  );
}

function EvaluationsCard({ appId }: { appId: string }) {
  const router = useRouter();
  const { data, error, isLoading, mutate } = useEvaluations(appId);
  const [picked, setPicked] = useState<string[]>([]);
  const fields = [...new Set((data ?? []).flatMap((e) => Object.keys(e.field_scores ?? {})))].sort().slice(0, 6);
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.slice(-1), id]));
  return (
    <Card>
      <CardHeader>
        <CardTitle>Evaluations</CardTitle>
        <CardDescription>Each item runs as an ordinary run of the release (left out of production figures) and is scored per field, 0–1.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <RunEvaluationForm appId={appId} onStarted={() => void mutate()} />
        {error ? (
          <ErrorState error={error} retry={() => void mutate()} />
        ) : isLoading || !data ? (
          <LoadingState label="Loading evaluations…" />
        ) : data.length === 0 ? (
          <EmptyState title="No evaluations yet" description="Run one on a dataset above." />
        ) : (
          <>
            <div className="flex items-center gap-2 text-sm">
              <Button
                size="sm"
                variant="outline"
                disabled={picked.length !== 2}
                onClick={() => router.push(`/evaluations/${picked[0]}/compare/${picked[1]}`)}
              >
                <GitCompare aria-hidden /> Compare selected
              </Button>
              <span className="text-muted-foreground">Pick two completed evaluations.</span>
            </div>
            <div className="overflow-x-auto">
              <Table aria-label="Evaluations">
                <TableHeader>
                  <TableRow>
                    <TableHead className="w-8">
                      <span className="sr-only">Compare</span>
                    </TableHead>
                    <TableHead>Evaluation</TableHead>
                    <TableHead>Release</TableHead>
                    <TableHead>Status</TableHead>
                    <TableHead>Score</TableHead>
                    {fields.map((f) => (
                      <TableHead key={f} className="hidden font-mono text-xs lg:table-cell">
                        {f}
                      </TableHead>
                    ))}
                    <TableHead className="hidden md:table-cell">Started</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {data.map((e) => (
                    <TableRow key={e.id} data-evaluation={e.id}>
                      <TableCell>
                        <input
                          type="checkbox"
                          aria-label={`Compare ${e.id}`}
                          disabled={e.status !== "completed"}
                          checked={picked.includes(e.id)}
                          onChange={() => toggle(e.id)}
                        />
                      </TableCell>
                      <TableCell>
                        <Link href={`/evaluations/${e.id}`} className="font-mono text-xs hover:underline">
                          {e.id}
                        </Link>
                        {e.purpose === "gate" ? <span className="ml-2 text-xs text-muted-foreground">gate</span> : null}
                      </TableCell>
                      <TableCell className="text-xs">
                        {e.release}
                        {e.app_version && e.app_version !== e.release ? ` ${e.app_version}` : ""}
                      </TableCell>
                      <TableCell>
                        <StatusBadge status={e.status} />
                        {e.status === "running" ? (
                          <span className="ml-2 text-xs text-muted-foreground">
                            {e.items_done}/{e.items_total}
                          </span>
                        ) : null}
                      </TableCell>
                      <TableCell className="font-medium tabular-nums" data-score>
                        {formatScore(e.score)}
                      </TableCell>
                      {fields.map((f) => (
                        <TableCell key={f} className="hidden lg:table-cell">
                          <ScoreCell value={e.field_scores?.[f]} />
                        </TableCell>
                      ))}
                      <TableCell className="hidden text-xs md:table-cell">{formatTime(e.created_at)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          </>
        )}
      </CardContent>
    </Card>
  );
}
