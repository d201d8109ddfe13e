"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Play } from "lucide-react";
import { api, rawJson, unwrap, type ArtifactRef } from "@/lib/api";
import { errorFor, errorMessage, fieldErrors } from "@/lib/errors";
import { triggerFields } from "@/lib/json-schema-form";
import { useOrchestration } from "@/hooks/use-api";
import { Button } from "@/components/ui/button";
import { Field, Input, Textarea } from "@/components/ui/input";
import { LoadingState } from "@/components/shared/states";

export async function uploadFile(file: File): Promise<ArtifactRef> {
  const body = new FormData();
  body.append("file", file, file.name);
  return rawJson<ArtifactRef>("/artifacts", { method: "POST", body });
}

/**
 * Starts a run: one field per trigger input the orchestration reads, each a document
 * upload (sent as its artifact:// URI) or text.
 */
export function RunStartForm({ appId, draft = false, onStarted }: { appId: string; draft?: boolean; onStarted?: (runId: string) => void }) {
  const router = useRouter();
  const { data: orchestration, isLoading } = useOrchestration(appId);
  const fields = triggerFields(orchestration?.spec);
  const [files, setFiles] = useState<Record<string, File | null>>({});
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [runDraft, setRunDraft] = useState(draft);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(error);

  if (isLoading) return <LoadingState />;
  if (!fields.length)
    return <p className="text-sm text-muted-foreground">The orchestration reads no trigger input yet: add steps first.</p>;

  const start = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const inputs: Record<string, unknown> = {};
      for (const name of fields) {
        const file = files[name];
        if (file) inputs[name] = (await uploadFile(file)).uri;
        else if (texts[name]) inputs[name] = texts[name];
      }
      const started = await unwrap(
        api.POST("/apps/{app_id}/runs", {
          params: { path: { app_id: appId }, header: { "Idempotency-Key": newIdempotencyKey() } as never },
          body: { inputs, draft: runDraft },
        }),
      );
      onStarted?.(started.run_id);
      router.push(`/runs/${started.run_id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const known = fields.map((f) => `inputs.${f}`);
  const other = error && !Object.keys(errors).some((k) => known.some((f) => k.endsWith(f))) ? errorMessage(error) : null;
  return (
    <form onSubmit={start} className="grid gap-4" aria-label="Start a run">
      {fields.map((name) => {
        const id = `run-input-${name}`;
        const message = errorFor(errors, `inputs.${name}`);
        return (
          <div key={name} className="grid gap-2 rounded-md border p-3">
            <Field id={id} label={`${name} (document)`} error={message} hint="A PDF or text file; it is uploaded to the artifact store.">
              <Input id={id} type="file" onChange={(e) => setFiles({ ...files, [name]: e.target.files?.[0] ?? null })} />
            </Field>
            <Field id={`${id}-text`} label={`or ${name} as text`}>
              <Textarea id={`${id}-text`} rows={2} value={texts[name] ?? ""} onChange={(e) => setTexts({ ...texts, [name]: e.target.value })} />
            </Field>
          </div>
        );
      })}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" className="size-4" checked={runDraft} onChange={(e) => setRunDraft(e.target.checked)} />
        Run the saved draft instead of the deployed release
      </label>
      {other ? (
        <p role="alert" className="text-sm text-destructive">
          {other}
        </p>
      ) : null}
      <Button type="submit" disabled={busy} className="justify-self-start">
        <Play aria-hidden /> {busy ? "Starting…" : "Start run"}
      </Button>
    </form>
  );
}

function newIdempotencyKey(): string {
  // randomUUID needs a secure context (https or loopback); a console served over plain
  // http on another address still gets a unique key.
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
}
