"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useSWRConfig } from "swr";
import { Check } from "lucide-react";
import { api, rawJson, unwrap, type Agent, type LibraryAgent, type Orchestration } from "@/lib/api";
import { ApiError, errorFor, errorMessage, fieldErrors } from "@/lib/errors";
import { defaultOrchestrationYaml, orderAgents } from "@/lib/default-orchestration";
import { cn } from "@/lib/utils";
import { useApp, useAppAgents, useLibrary, useOrchestration } from "@/hooks/use-api";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, Input, Textarea } from "@/components/ui/input";
import { YamlConfigEditor, type EditorIssue } from "@/components/shared/yaml-config-editor";
import { ErrorState, LoadingState, PageHeader } from "@/components/shared/states";
import { RunStartForm } from "@/components/runs/run-start-form";

const STEPS = ["Name", "Agents", "Orchestration", "Deploy", "First run"];

function Stepper({ current }: { current: number }) {
  return (
    <ol className="mb-6 flex flex-wrap gap-2" aria-label="Setup steps">
      {STEPS.map((label, i) => (
        <li
          key={label}
          aria-current={i === current ? "step" : undefined}
          className={cn(
            "flex items-center gap-2 rounded-full border px-3 py-1 text-sm",
            i === current && "border-foreground font-medium",
            i < current && "text-muted-foreground",
          )}
        >
          <span className="flex size-5 items-center justify-center rounded-full bg-muted text-xs">{i < current ? <Check className="size-3" aria-label="done" /> : i + 1}</span>
          {label}
        </li>
      ))}
    </ol>
  );
}

export function OnboardingWizard({ appId, initialStep }: { appId: string; initialStep: number }) {
  const isNew = appId === "new";
  const router = useRouter();
  const [step, setStep] = useState(isNew ? 0 : initialStep);
  const go = (n: number) => {
    setStep(n);
    if (!isNew) router.replace(`/apps/${appId}/onboarding?step=${n}`, { scroll: false });
  };
  return (
    <>
      <PageHeader title="Set up an app" description="From a name to a first run on your own document, in five steps." />
      <Stepper current={step} />
      {step === 0 ? <NameStep appId={isNew ? null : appId} onDone={(id) => (isNew ? router.replace(`/apps/${id}/onboarding?step=1`) : go(1))} /> : null}
      {!isNew && step === 1 ? <AgentsStep appId={appId} onDone={() => go(2)} /> : null}
      {!isNew && step === 2 ? <OrchestrationStep appId={appId} onDone={() => go(3)} /> : null}
      {!isNew && step === 3 ? <DeployStep appId={appId} onDone={() => go(4)} onBack={() => go(2)} /> : null}
      {!isNew && step === 4 ? (
        <Card>
          <CardHeader>
            <CardTitle>First run</CardTitle>
            <CardDescription>Upload a document: the run page follows every step live.</CardDescription>
          </CardHeader>
          <CardContent>
            <RunStartForm appId={appId} />
          </CardContent>
        </Card>
      ) : null}
    </>
  );
}

function NameStep({ appId, onDone }: { appId: string | null; onDone: (id: string) => void }) {
  const { data: app } = useApp(appId ?? undefined);
  if (appId && !app) return <LoadingState />;
  return <NameForm appId={appId} initialName={app?.name ?? ""} initialDescription={app?.description ?? ""} onDone={onDone} />;
}

function NameForm({
  appId,
  initialName,
  initialDescription,
  onDone,
}: {
  appId: string | null;
  initialName: string;
  initialDescription: string;
  onDone: (id: string) => void;
}) {
  const [name, setName] = useState(initialName);
  const [description, setDescription] = useState(initialDescription);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(error);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (appId) {
        await unwrap(api.PATCH("/apps/{app_id}", { params: { path: { app_id: appId } }, body: { name, description } }));
        onDone(appId);
      } else {
        const created = await unwrap(api.POST("/apps", { body: { name, description } }));
        onDone(created.id);
      }
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const nameError = errorFor(errors, "name");
  return (
    <Card>
      <CardHeader>
        <CardTitle>Name the app</CardTitle>
      </CardHeader>
      <CardContent>
        <form className="grid max-w-xl gap-4" onSubmit={submit}>
          <Field id="wizard-name" label="Name" error={nameError}>
            <Input id="wizard-name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!!nameError} placeholder="Credit Memo Processor" />
          </Field>
          <Field id="wizard-description" label="Description" error={errorFor(errors, "description")}>
            <Textarea id="wizard-description" value={description} onChange={(e) => setDescription(e.target.value)} />
          </Field>
          {error && !nameError ? (
            <p role="alert" className="text-sm text-destructive">
              {errorMessage(error)}
            </p>
          ) : null}
          <Button type="submit" disabled={busy} className="justify-self-start">
            Next: agents
          </Button>
        </form>
      </CardContent>
    </Card>
  );
}

function AgentsStep({ appId, onDone }: { appId: string; onDone: () => void }) {
  const library = useLibrary();
  const agents = useAppAgents(appId);
  if (library.error) return <ErrorState error={library.error} />;
  if (agents.error) return <ErrorState error={agents.error} />;
  if (!library.data || !agents.data) return <LoadingState />;
  return <AgentsChoice appId={appId} library={library.data} agents={agents.data} onDone={onDone} />;
}

function AgentsChoice({ appId, library, agents, onDone }: { appId: string; library: LibraryAgent[]; agents: Agent[]; onDone: () => void }) {
  const existing = agents.map((a) => a.type);
  const [chosen, setChosen] = useState<string[]>(existing.length ? existing : library.map((l) => l.type));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const { mutate } = useSWRConfig();
  const have = new Set(existing);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      for (const lib of orderAgents(library.map((l) => ({ ...l, id: l.type })))) {
        if (!chosen.includes(lib.type) || have.has(lib.type)) continue;
        await unwrap(
          api.POST("/apps/{app_id}/agents", {
            params: { path: { app_id: appId } },
            body: { name: lib.name, type: lib.type, description: lib.description },
          }),
        );
      }
      await mutate(["app-agents", appId]);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Choose agents from the library</CardTitle>
        <CardDescription>Each runs with its library default (the offline local provider); configure them later.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        <fieldset className="grid gap-2 sm:grid-cols-2">
          <legend className="sr-only">Agents</legend>
          {library.map((lib) => (
            <label key={lib.type} className="flex gap-3 rounded-md border p-3 text-sm has-[:checked]:border-foreground">
              <input
                type="checkbox"
                className="mt-0.5 size-4"
                checked={chosen.includes(lib.type)}
                disabled={have.has(lib.type)}
                onChange={(e) => setChosen(e.target.checked ? [...chosen, lib.type] : chosen.filter((t) => t !== lib.type))}
              />
              <span>
                <span className="font-medium">{lib.name}</span> <span className="text-muted-foreground">({lib.type})</span>
                <span className="block text-muted-foreground">{lib.description}</span>
                {have.has(lib.type) ? <span className="block text-xs">already in this app</span> : null}
              </span>
            </label>
          ))}
        </fieldset>
        {error ? (
          <p role="alert" className="text-sm text-destructive">
            {errorMessage(error)}
          </p>
        ) : null}
        <Button onClick={() => void submit()} disabled={busy || chosen.length === 0} className="justify-self-start">
          Next: orchestration
        </Button>
      </CardContent>
    </Card>
  );
}

function issuesOf(err: unknown): EditorIssue[] {
  return err instanceof ApiError && err.issues.length
    ? err.issues.map((i) => ({ message: i.msg, line: i.line, column: i.column, path: i.path }))
    : [{ message: errorMessage(err) }];
}

function OrchestrationStep({ appId, onDone }: { appId: string; onDone: () => void }) {
  const { data: app } = useApp(appId);
  const agents = useAppAgents(appId);
  const saved = useOrchestration(appId);
  if (!app || !agents.data || saved.data === undefined) return <LoadingState />;
  // An orchestration saved before (a second pass through the wizard) is kept.
  const initial = saved.data?.yaml ?? defaultOrchestrationYaml(appId, `${app.name} pipeline`, agents.data);
  return <OrchestrationDraft appId={appId} initial={initial} onDone={onDone} />;
}

function OrchestrationDraft({ appId, initial, onDone }: { appId: string; initial: string; onDone: () => void }) {
  const [text, setText] = useState(initial);
  const [issues, setIssues] = useState<EditorIssue[]>([]);
  const [busy, setBusy] = useState(false);
  const { mutate } = useSWRConfig();
  const save = async () => {
    setBusy(true);
    try {
      const saved = await rawJson<Orchestration>(`/orchestration/${encodeURIComponent(appId)}`, {
        method: "PUT",
        headers: { "content-type": "application/yaml" },
        body: text,
      });
      const report = await rawJson<{ valid: boolean; errors?: EditorIssue[] }>(`/orchestration/${encodeURIComponent(appId)}/validate`, {
        method: "POST",
        headers: { "content-type": "application/yaml" },
        body: text,
      });
      await mutate(["orchestration", appId], saved, { revalidate: false });
      if (!report.valid) setIssues(report.errors ?? []);
      else onDone();
    } catch (err) {
      setIssues(issuesOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>The default orchestration</CardTitle>
        <CardDescription>The agents in a line, each reading the output of the one before. Edit it if you like; the server validates it.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        <YamlConfigEditor id="wizard-yaml" label="Orchestration (YAML)" value={text} onChange={setText} issues={issues} rows={18} />
        <Button onClick={() => void save()} disabled={busy} className="justify-self-start">
          Save and continue
        </Button>
      </CardContent>
    </Card>
  );
}

function DeployStep({ appId, onDone, onBack }: { appId: string; onDone: () => void; onBack: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const { mutate } = useSWRConfig();
  const deploy = async () => {
    setBusy(true);
    setError(null);
    try {
      await unwrap(api.POST("/apps/{app_id}/deploy", { params: { path: { app_id: appId } } }));
      await mutate(["app", appId]);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>Deploy</CardTitle>
        <CardDescription>Deploying compiles and validates the orchestration and pins a release that runs use.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        {error ? (
          <ul role="alert" className="grid gap-1 text-sm text-destructive">
            {(error instanceof ApiError && error.issues.length ? error.issues.map((i) => `${i.path || i.loc.join(".")}: ${i.msg}`) : [errorMessage(error)]).map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        ) : null}
        <div className="flex gap-2">
          <Button variant="outline" onClick={onBack}>
            Back
          </Button>
          <Button onClick={() => void deploy()} disabled={busy}>
            {busy ? "Deploying…" : "Deploy"}
          </Button>
        </div>
      </CardContent>
    </Card>
  );
}
