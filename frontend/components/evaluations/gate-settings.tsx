"use client";
import { useState } from "react";
import { ShieldCheck } from "lucide-react";
import { api, unwrap, type Gate } from "@/lib/api";
import { errorMessage } from "@/lib/errors";
import { formatTime } from "@/lib/utils";
import { useDatasets, useGate } from "@/hooks/use-api";
import { toast } from "@/hooks/use-toast";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { LoadingState } from "@/components/shared/states";

/** The Settings tab's release gate: deploys are evaluated on a dataset first. */
export function GateSettings({ appId }: { appId: string }) {
  const { data: gate, isLoading, mutate } = useGate(appId);
  const { data: datasets } = useDatasets(appId);
  if (isLoading || gate === undefined) return <LoadingState label="Loading the release gate…" />;
  return <GateForm key={gate?.updated_at ?? "none"} appId={appId} gate={gate} datasets={datasets ?? []} onSaved={() => void mutate()} />;
}

function GateForm({ appId, gate, datasets, onSaved }: { appId: string; gate: Gate | null; datasets: { id: string; name: string; version: number }[]; onSaved: () => void }) {
  const [datasetId, setDatasetId] = useState(gate?.dataset_id ?? "");
  const [minScore, setMinScore] = useState(String(gate?.min_score ?? 0.9));
  const [maxDrop, setMaxDrop] = useState(String(gate?.max_field_drop ?? 0.05));
  const [busy, setBusy] = useState(false);
  const chosen = datasetId || datasets[0]?.id || "";

  const call = async (label: string, run: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await run();
      toast({ title: label });
      onSaved();
    } catch (err) {
      toast({ title: `${label} failed`, description: errorMessage(err), variant: "destructive" });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card className="mt-4">
      <CardHeader>
        <CardTitle>Release gate</CardTitle>
        <CardDescription>
          With a gate, Deploy first evaluates the candidate on the dataset and refuses it (with the report) when it scores under the minimum or a field drops by more than the
          allowed amount against the deployed release. Admins may force a deploy; it is audited and still evaluated.
          {gate ? ` Set by ${gate.updated_by || "—"} ${formatTime(gate.updated_at)}.` : " No gate is set."}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <form
          className="flex flex-wrap items-end gap-3"
          aria-label="Release gate"
          onSubmit={(e) => {
            e.preventDefault();
            void call("Gate saved", () =>
              unwrap(
                api.PUT("/apps/{app_id}/gate", {
                  params: { path: { app_id: appId } },
                  body: { dataset_id: chosen, min_score: Number(minScore), max_field_drop: Number(maxDrop), judge: gate?.judge ?? null },
                }),
              ),
            );
          }}
        >
          <label className="grid gap-1 text-sm">
            Dataset
            <select className="h-9 rounded-md border border-input bg-background px-2 text-sm" value={chosen} onChange={(e) => setDatasetId(e.target.value)} aria-label="Gate dataset">
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} v{d.version}
                </option>
              ))}
            </select>
          </label>
          <label className="grid gap-1 text-sm">
            Minimum score
            <Input className="w-28" type="number" min={0} max={1} step={0.01} value={minScore} onChange={(e) => setMinScore(e.target.value)} aria-label="Minimum score" />
          </label>
          <label className="grid gap-1 text-sm">
            Max field drop
            <Input className="w-28" type="number" min={0} max={1} step={0.01} value={maxDrop} onChange={(e) => setMaxDrop(e.target.value)} aria-label="Max field drop" />
          </label>
          <Button type="submit" disabled={busy || !chosen}>
            <ShieldCheck aria-hidden /> Save gate
          </Button>
          {gate ? (
            <Button
              type="button"
              variant="outline"
              disabled={busy}
              onClick={() => void call("Gate removed", () => unwrap(api.DELETE("/apps/{app_id}/gate", { params: { path: { app_id: appId } } })))}
            >
              Remove gate
            </Button>
          ) : null}
        </form>
        {gate?.judge ? (
          <p className="mt-2 text-xs text-muted-foreground">
            LLM judge: {gate.judge.provider}/{gate.judge.model} on {gate.judge.fields?.length ? gate.judge.fields.join(", ") : "every field"}.
          </p>
        ) : null}
        {datasets.length === 0 ? <p className="mt-2 text-sm text-muted-foreground">Create a dataset on the Evaluations tab first.</p> : null}
      </CardContent>
    </Card>
  );
}
