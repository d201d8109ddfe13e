"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Plus, Save, Trash2 } from "lucide-react";
import { api, unwrap, type Dataset } from "@/lib/api";
import { errorMessage } from "@/lib/errors";
import { useDataset } from "@/hooks/use-api";
import { toast } from "@/hooks/use-toast";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, Textarea } from "@/components/ui/input";
import { ErrorState, LoadingState, PageHeader } from "@/components/shared/states";

interface Row {
  inputs: string;
  expected: string;
}

const EXAMPLE: Row = {
  inputs: '{\n  "document": "artifact://…"\n}',
  expected: '{\n  "mapped_data.borrower_name": {"text": "ACME GMBH"},\n  "mapped_data.annual_revenue": {"value": 12500000, "tolerance": "0.5%"}\n}',
};

function toRows(dataset: Dataset | undefined): Row[] {
  if (!dataset?.items?.length) return [EXAMPLE];
  return dataset.items.map((i) => ({ inputs: JSON.stringify(i.inputs ?? {}, null, 2), expected: JSON.stringify(i.expected, null, 2) }));
}

/** Parsed items, or the first problem (item and side) in words. */
function parse(rows: Row[]): { items: { inputs: Record<string, unknown>; expected: Record<string, unknown> }[] } | { problem: string } {
  const items = [];
  for (const [index, row] of rows.entries()) {
    const sides: Record<string, Record<string, unknown>> = {};
    for (const side of ["inputs", "expected"] as const) {
      try {
        const value: unknown = JSON.parse(row[side] || "{}");
        if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
        sides[side] = value as Record<string, unknown>;
      } catch {
        return { problem: `Item ${index}: ${side} must be a JSON object.` };
      }
    }
    items.push({ inputs: sides.inputs, expected: sides.expected });
  }
  return { items };
}

/** The dataset editor: a new dataset, or a version (edited in place while unused, else saved as the next version). */
export function DatasetEditor({ appId, datasetId }: { appId: string; datasetId?: string }) {
  const { data, error, mutate } = useDataset(datasetId);
  if (datasetId && error) return <ErrorState error={error} retry={() => void mutate()} />;
  if (datasetId && !data) return <LoadingState label="Loading the dataset…" />;
  return <Editor key={data?.id ?? "new"} appId={appId} dataset={data} />;
}

function Editor({ appId, dataset }: { appId: string; dataset?: Dataset }) {
  const router = useRouter();
  const [name, setName] = useState(dataset?.name ?? "");
  const [description, setDescription] = useState(dataset?.description ?? "");
  const [rows, setRows] = useState<Row[]>(() => toRows(dataset));
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async (asNewVersion: boolean) => {
    const parsed = parse(rows);
    if ("problem" in parsed) {
      setProblem(parsed.problem);
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      const saved =
        dataset && !asNewVersion
          ? await unwrap(api.PUT("/datasets/{dataset_id}", { params: { path: { dataset_id: dataset.id } }, body: { description, items: parsed.items as never } }))
          : await unwrap(api.POST("/apps/{app_id}/datasets", { params: { path: { app_id: appId } }, body: { name: name.trim(), description, items: parsed.items as never } }));
      toast({ title: `Saved ${saved.name} v${saved.version}` });
      router.push(`/apps/${appId}/datasets/${saved.id}`);
    } catch (err) {
      // A 422 names the item and the expectation: "items.0.expected.<key>: …".
      setProblem(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const update = (index: number, side: keyof Row, value: string) => setRows((r) => r.map((row, i) => (i === index ? { ...row, [side]: value } : row)));

  return (
    <>
      <PageHeader
        title={dataset ? `${dataset.name} v${dataset.version}` : "New dataset"}
        description={
          <span className="flex flex-wrap gap-2">
            <Link className="underline" href={`/apps/${appId}?tab=evaluations`}>
              Back to the app&apos;s evaluations
            </Link>
            {dataset ? <span className="font-mono text-xs">{dataset.id}</span> : null}
            {dataset?.locked ? <span>Used by an evaluation: saving makes the next version.</span> : null}
          </span>
        }
        actions={
          <div className="flex gap-2">
            {dataset && !dataset.locked ? (
              <Button variant="outline" disabled={busy} onClick={() => void save(false)}>
                <Save aria-hidden /> Save this version
              </Button>
            ) : null}
            <Button disabled={busy || !name.trim()} onClick={() => void save(true)}>
              <Save aria-hidden /> {dataset ? "Save as a new version" : "Create dataset"}
            </Button>
          </div>
        }
      />
      {problem ? (
        <p role="alert" className="mb-3 rounded-md border border-destructive/40 p-2 text-sm text-destructive">
          {problem}
        </p>
      ) : null}
      <Card>
        <CardHeader>
          <CardTitle>About</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-3 sm:grid-cols-2">
          <label className="grid gap-1 text-sm">
            Name
            <Input value={name} disabled={!!dataset} onChange={(e) => setName(e.target.value)} aria-label="Dataset name" />
          </label>
          <label className="grid gap-1 text-sm">
            Description
            <Input value={description} onChange={(e) => setDescription(e.target.value)} aria-label="Description" />
          </label>
        </CardContent>
      </Card>
      <Card className="mt-4">
        <CardHeader className="flex flex-row items-start justify-between gap-2">
          <div>
            <CardTitle>Items</CardTitle>
            <CardDescription>
              Inputs of a run, and what its outputs should hold by <code>&lt;output&gt;.&lt;field path&gt;</code>: a value (exact), <code>{'{"value", "tolerance"}'}</code>,{" "}
              <code>{'{"text"}'}</code>, <code>{'{"set"}'}</code>, <code>{'{"one_of"}'}</code> or <code>{'{"present": true}'}</code>.
            </CardDescription>
          </div>
          <Button size="sm" variant="outline" onClick={() => setRows((r) => [...r, { inputs: "{}", expected: "{}" }])}>
            <Plus aria-hidden /> Add item
          </Button>
        </CardHeader>
        <CardContent className="grid gap-4">
          {rows.map((row, index) => (
            <fieldset key={index} className="grid gap-2 rounded-md border p-3 md:grid-cols-[1fr_1fr_auto]" aria-label={`Item ${index}`}>
              <label className="grid gap-1 text-xs">
                Inputs (JSON)
                <Textarea rows={5} className="font-mono text-xs" value={row.inputs} onChange={(e) => update(index, "inputs", e.target.value)} aria-label={`Item ${index} inputs`} />
              </label>
              <label className="grid gap-1 text-xs">
                Expected (JSON)
                <Textarea rows={5} className="font-mono text-xs" value={row.expected} onChange={(e) => update(index, "expected", e.target.value)} aria-label={`Item ${index} expected`} />
              </label>
              <Button size="icon" variant="ghost" aria-label={`Remove item ${index}`} disabled={rows.length === 1} onClick={() => setRows((r) => r.filter((_, i) => i !== index))}>
                <Trash2 aria-hidden />
              </Button>
            </fieldset>
          ))}
        </CardContent>
      </Card>
    </>
  );
}
