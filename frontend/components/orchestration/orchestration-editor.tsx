"use client";
import { useState } from "react";
import { useSWRConfig } from "swr";
import { CheckCircle2, Rocket, Save } from "lucide-react";
import { api, rawJson, unwrap, type Orchestration } from "@/lib/api";
import { ApiError, errorMessage } from "@/lib/errors";
import { useOrchestration } from "@/hooks/use-api";
import { toast } from "@/hooks/use-toast";
import { Button } from "@/components/ui/button";
import { YamlConfigEditor, type EditorIssue } from "@/components/shared/yaml-config-editor";
import { ErrorState, LoadingState } from "@/components/shared/states";

interface ValidationReport {
  valid: boolean;
  errors?: { path: string; message: string; line?: number | null; column?: number | null }[];
  warnings?: { path: string; message: string; line?: number | null; column?: number | null }[];
}

export function starterYaml(appId: string): string {
  return `version: "1.0"\napp_id: "${appId}"\nname: "Pipeline"\nagents: []\nworkflow: []\n`;
}

function issuesOf(error: unknown): EditorIssue[] {
  if (error instanceof ApiError && error.issues.length) {
    return error.issues.map((i) => ({ message: i.msg, line: i.line, column: i.column, path: i.path }));
  }
  return [{ message: errorMessage(error) }];
}

/**
 * The Orchestration tab: the app's YAML as text, validated and saved by the server (its
 * problems shown at line and column). `aside` leaves room for a graph view of the same text.
 */
export function OrchestrationEditor({ appId, aside }: { appId: string; aside?: React.ReactNode }) {
  const { data, error, isLoading, mutate } = useOrchestration(appId);
  if (error) return <ErrorState error={error} retry={() => void mutate()} />;
  if (isLoading || data === undefined) return <LoadingState label="Loading the orchestration…" />;
  return <OrchestrationText appId={appId} saved={data} aside={aside} />;
}

function OrchestrationText({ appId, saved, aside }: { appId: string; saved: Orchestration | null; aside?: React.ReactNode }) {
  const { mutate } = useOrchestration(appId);
  const data = saved;
  const { mutate: globalMutate } = useSWRConfig();
  const [text, setText] = useState<string>(() => saved?.yaml ?? starterYaml(appId));
  const [issues, setIssues] = useState<EditorIssue[]>([]);
  const [warnings, setWarnings] = useState<EditorIssue[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const yamlInit = (method: string): RequestInit => ({
    method,
    headers: { "content-type": "application/yaml" },
    body: text,
  });
  const path = `/orchestration/${encodeURIComponent(appId)}`;

  const validate = async () => {
    setBusy(true);
    setStatus(null);
    try {
      const report = await rawJson<ValidationReport>(`${path}/validate`, yamlInit("POST"));
      setIssues((report.errors ?? []).map((e) => ({ ...e })));
      setWarnings((report.warnings ?? []).map((e) => ({ ...e })));
      setStatus(report.valid ? "Valid: ready to deploy." : "Not valid yet: see the problems below.");
    } catch (err) {
      setIssues(issuesOf(err));
    } finally {
      setBusy(false);
    }
  };

  const save = async () => {
    setBusy(true);
    setStatus(null);
    try {
      const saved = await rawJson<Orchestration>(path, yamlInit("PUT"));
      await mutate(saved, { revalidate: false });
      setIssues([]);
      setStatus("Saved.");
      toast({ title: "Orchestration saved" });
      return true;
    } catch (err) {
      setIssues(issuesOf(err));
      return false;
    } finally {
      setBusy(false);
    }
  };

  const deploy = async () => {
    if (!(await save())) return;
    setBusy(true);
    try {
      const app = await unwrap(api.POST("/apps/{app_id}/deploy", { params: { path: { app_id: appId } } }));
      setStatus(`Deployed version ${app.version}.`);
      toast({ title: `Deployed ${app.name} ${app.version}` });
      void globalMutate((key) => Array.isArray(key) && ["app", "apps"].includes(String(key[0])));
    } catch (err) {
      setIssues(issuesOf(err));
    } finally {
      setBusy(false);
    }
  };

  const dirty = text !== (data?.yaml ?? starterYaml(appId));
  return (
    <div className="grid gap-4 xl:grid-cols-[minmax(0,1fr)_auto]">
      <div className="grid gap-3">
        <YamlConfigEditor id={`yaml-${appId}`} label="Orchestration (YAML)" value={text} onChange={setText} issues={issues} />
        {warnings.length ? (
          <ul className="text-sm text-amber-700 dark:text-amber-300" aria-label="Warnings">
            {warnings.map((w, i) => (
              <li key={i}>
                {w.line ? `line ${w.line}: ` : ""}
                {w.message}
              </li>
            ))}
          </ul>
        ) : null}
        <div className="flex flex-wrap items-center gap-2">
          <Button variant="outline" onClick={() => void validate()} disabled={busy}>
            <CheckCircle2 aria-hidden /> Validate
          </Button>
          <Button variant="outline" onClick={() => void save()} disabled={busy || !dirty}>
            <Save aria-hidden /> Save
          </Button>
          <Button onClick={() => void deploy()} disabled={busy}>
            <Rocket aria-hidden /> Save and deploy
          </Button>
          <span role="status" className="text-sm text-muted-foreground">
            {status ?? (dirty ? "Unsaved changes" : data?.updated_at ? `Saved ${new Date(data.updated_at).toLocaleString()}` : "")}
          </span>
        </div>
      </div>
      {aside}
    </div>
  );
}
