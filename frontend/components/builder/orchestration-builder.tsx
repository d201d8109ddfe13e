"use client";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import useSWR, { useSWRConfig } from "swr";
import { AlertTriangle, GitMerge, Redo2, RefreshCw, Rocket, Trash2, Undo2 } from "lucide-react";
import { api, rawFetch, unwrap, type Schemas } from "@/lib/api";
import { ApiError, errorMessage, toApiError } from "@/lib/errors";
import { useAppAgents, useLibrary } from "@/hooks/use-api";
import { toast } from "@/hooks/use-toast";
import {
  addBinding,
  addStep,
  changedSteps,
  freshStepId,
  mergeDrafts,
  removeBinding,
  removeStep,
  setStepField,
  toGraph,
  updateBinding,
  type EdgeData,
  type StepData,
} from "@/lib/builder/model";
import { outputName } from "@/lib/default-orchestration";
import { diffLines } from "@/lib/prompts";
import { cn } from "@/lib/utils";
import { draftKey, draftPath, loadDraft, type Draft } from "@/lib/builder/draft";
import { mark, timed } from "@/lib/builder/perf";
import { Button } from "@/components/ui/button";
import { Input, Label, NativeSelect } from "@/components/ui/input";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { ErrorState, LoadingState } from "@/components/shared/states";
import { BuilderCanvas, type StepNodeData } from "./builder-canvas";
import type { CodeIssue, YamlCodeEditor as YamlCodeEditorType } from "./yaml-code-editor";
import { SplitView, ViewToggle, useSplit } from "./split-view";

type Validation = Schemas["OrchestrationValidation"];
type PlanIssue = Schemas["PlanIssue"];

const VALIDATE_DELAY_MS = 400;
/** Canvas and YAML panes: most of a 800 px high window, never less than 420 px. */
const PANE_HEIGHT = "max(420px, calc(100vh - 320px))";
const SAVE_DELAY_MS = 1000;
const COALESCE_MS = 700;

export function starterYaml(appId: string): string {
  return `version: "1.0"\napp_id: "${appId}"\nname: "Pipeline"\nagents: []\nworkflow: []\n`;
}

mark("module");

/** The builder: canvas and YAML side by side over one text, saved as a versioned draft. */
export function OrchestrationBuilder({ appId }: { appId: string }) {
  // read once: from then on the builder owns the text, and saves go through the version token
  // (fetched on every mount: a copy cached from an earlier visit would start from a stale version)
  // and only the first answer counts: a later revalidation never remounts the builder
  const [draft, setDraft] = useState<Draft | null>(null);
  const { error, mutate } = useSWR(draftKey(appId), () => loadDraft(appId), {
    revalidateOnMount: true,
    revalidateOnFocus: false,
    revalidateOnReconnect: false,
    dedupingInterval: 0,
    onSuccess: (d) => {
      mark("draft");
      setDraft((cur) => cur ?? d);
    },
  });
  if (error && !draft) return <ErrorState error={error} retry={() => void mutate()} />;
  if (!draft) return <LoadingState label="Loading the orchestration…" />;
  return <Builder key={appId} appId={appId} initial={draft} />;
}

/** The text and its undo/redo stacks, changed together. */
interface Model {
  text: string;
  past: string[];
  future: string[];
  at: number;
}

function Builder({ appId, initial }: { appId: string; initial: Draft }) {
  const { mutate: globalMutate } = useSWRConfig();
  const { data: agents } = useAppAgents(appId);
  const { data: library } = useLibrary();
  const [model, setModel] = useState<Model>(() => ({ text: initial.yaml || starterYaml(appId), past: [], future: [], at: 0 }));
  const text = model.text;
  const history = model;
  const [version, setVersion] = useState(initial.version);
  // what the server holds at `version`: the base of a merge, and "is it saved?"
  const [savedText, setSavedText] = useState(initial.version === 0 ? null : initial.yaml);
  const [deployed, setDeployed] = useState(initial.deployed ?? null);
  const [report, setReport] = useState<Validation | null>(null);
  const [saveState, setSaveState] = useState<"saved" | "saving" | "unsaved" | "conflict" | "error">(initial.version ? "saved" : "unsaved");
  const [saveError, setSaveError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Draft | null>(null);
  const [selected, setSelected] = useState<{ kind: "node" | "edge"; id: string } | null>(null);
  const [deployOpen, setDeployOpen] = useState(false);
  const [deployIssues, setDeployIssues] = useState<CodeIssue[]>([]);
  const [busy, setBusy] = useState(false);
  const [jump, setJump] = useState<{ line: number; column?: number | null; at: number } | null>(null);
  const saving = useRef(false);
  const split = useSplit();

  // CodeMirror (its own chunk) is loaded once the canvas is up, or at once when the YAML is
  // focused; until then the text is in a plain textarea over the same model. While that
  // textarea has the focus it stays (CodeMirror takes its place when it loses it), so no
  // keystroke and no selection is lost to the swap, and the canvas's first paint does not
  // wait for the editor.
  const [Editor, setEditor] = useState<typeof YamlCodeEditorType | null>(null);
  const [typing, setTyping] = useState(false);
  const loadEditor = useCallback(() => {
    void import("./yaml-code-editor").then((m) => setEditor(() => m.YamlCodeEditor));
  }, []);
  const onCanvasReady = useCallback(() => {
    mark("canvas-ready");
    const idle = (cb: () => void) => (typeof window.requestIdleCallback === "function" ? window.requestIdleCallback(cb, { timeout: 400 }) : setTimeout(cb, 50));
    requestAnimationFrame(() => requestAnimationFrame(() => idle(loadEditor)));
  }, [loadEditor]);

  const graph = useMemo(() => timed("toGraph", () => toGraph(text)), [text]);
  // nothing to save: the text is the server's (the saved draft, or with no draft the stored orchestration)
  const unsaved = text !== savedText && !(version === 0 && text === initial.yaml);

  // ---- one change path for graph, panel and text edits, with undo/redo
  const change = useCallback((next: string, coalesce = false) => {
    setModel((m) => {
      if (next === m.text) return m;
      const now = Date.now();
      if (coalesce && now - m.at < COALESCE_MS && m.past.length) return { ...m, text: next, future: [], at: now };
      return { text: next, past: [...m.past.slice(-199), m.text], future: [], at: coalesce ? now : 0 };
    });
  }, []);
  const undo = useCallback(() => {
    setModel((m) => (m.past.length ? { text: m.past[m.past.length - 1], past: m.past.slice(0, -1), future: [m.text, ...m.future], at: 0 } : m));
  }, []);
  const redo = useCallback(() => {
    setModel((m) => (m.future.length ? { text: m.future[0], past: [...m.past, m.text], future: m.future.slice(1), at: 0 } : m));
  }, []);

  // ---- live validation (debounced); the server's compiler is the one judge
  useEffect(() => {
    const ctl = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const response = await rawFetch(`/orchestration/${encodeURIComponent(appId)}/validate`, {
          method: "POST",
          headers: { "content-type": "application/yaml" },
          body: text,
          signal: ctl.signal,
        });
        if (response.ok) setReport((await response.json()) as Validation);
      } catch {
        /* aborted or offline: the next edit validates again */
      }
    }, VALIDATE_DELAY_MS);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
  }, [appId, text]);

  // ---- draft autosave with the version token; a stale token never overwrites
  const save = useCallback(
    async (body: string, base: number): Promise<boolean> => {
      saving.current = true;
      setSaveState("saving");
      try {
        const response = await rawFetch(draftPath(appId), {
          method: "PUT",
          headers: { "content-type": "application/yaml", "if-match": `"d-${base}"` },
          body,
        });
        const json = await response.json().catch(() => null);
        if (response.status === 412) {
          setConflict((json as { current: Draft }).current);
          setSaveState("conflict");
          return false;
        }
        if (!response.ok) throw toApiError(response.status, json);
        const saved = json as Draft;
        setVersion(saved.version);
        setSavedText(saved.yaml);
        setDeployed(saved.deployed ?? null);
        setSaveError(null);
        setSaveState("saved");
        return true;
      } catch (err) {
        setSaveError(errorMessage(err));
        setSaveState("error");
        return false;
      } finally {
        saving.current = false;
      }
    },
    [appId],
  );
  useEffect(() => {
    if (conflict || !unsaved || saving.current) return;
    setSaveState((s) => (s === "saving" ? s : "unsaved"));
    const timer = setTimeout(() => void save(text, version), SAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, unsaved, version, conflict, save]);

  // ---- never lose work by leaving: the browser's guard, and one for in-app links
  useEffect(() => {
    if (!unsaved && !conflict) return;
    const before = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    const click = (e: MouseEvent) => {
      const a = (e.target as HTMLElement | null)?.closest?.("a[href]");
      if (!a || a.getAttribute("target") === "_blank") return;
      if (!window.confirm("The orchestration has edits that are not saved yet. Leave anyway?")) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", before);
    document.addEventListener("click", click, true);
    return () => {
      window.removeEventListener("beforeunload", before);
      document.removeEventListener("click", click, true);
    };
  }, [unsaved, conflict]);

  // ---- conflict: reload theirs (mine stays in undo) or merge; never a silent overwrite
  const reloadTheirs = () => {
    if (!conflict) return;
    change(conflict.yaml);
    setVersion(conflict.version);
    setSavedText(conflict.yaml);
    setConflict(null);
    setSaveState("saved");
    toast({ title: "Reloaded the saved draft", description: "Your edits are one Undo away." });
  };
  const merge = () => {
    if (!conflict) return;
    const merged = mergeDrafts(savedText ?? initial.yaml, text, conflict.yaml);
    if (!merged) {
      toast({ title: "Cannot merge", description: "One of the versions does not parse; fix it or reload theirs.", variant: "destructive" });
      return;
    }
    change(merged.text);
    setVersion(conflict.version);
    setSavedText(conflict.yaml);
    setConflict(null);
    toast({
      title: "Merged with the saved draft",
      description: merged.clashes.length ? `Changed on both sides (yours kept): ${merged.clashes.join(", ")}` : "Their changes and yours are both in.",
    });
  };

  // ---- what the graph shows
  const agentById = useMemo(() => new Map((agents ?? []).map((a) => [a.id, a])), [agents]);
  const schemasOf = useCallback(
    (agentId?: string) => {
      const type = agentId ? agentById.get(agentId)?.type : undefined;
      return library?.find((l) => l.type === type);
    },
    [agentById, library],
  );
  const problemsByStep = useMemo(() => {
    const out = new Map<string, { messages: string[]; severity: "error" | "warning" }>();
    const add = (i: PlanIssue, severity: "error" | "warning") => {
      if (!i.step_id || i.edge) return;
      const cur = out.get(i.step_id) ?? { messages: [], severity };
      cur.messages.push(i.message);
      if (severity === "error") cur.severity = "error";
      out.set(i.step_id, cur);
    };
    report?.errors?.forEach((i) => add(i, "error"));
    report?.warnings?.forEach((i) => add(i, "warning"));
    return out;
  }, [report]);
  const edgeFits = useMemo(() => new Map((report?.edges ?? []).map((e) => [e.id, e])), [report]);
  const edgeProblems = useMemo(() => {
    const out = new Set<string>();
    for (const i of report?.errors ?? []) if (i.edge) out.add(`${i.edge.source}.${i.edge.field}->${i.edge.target}.${i.edge.input}`);
    return out;
  }, [report]);
  const changed = useMemo(() => (deployOpen && deployed ? changedSteps(deployed.yaml, text) : new Set<string>()), [deployOpen, deployed, text]);

  const nodeData = useCallback(
    (step: StepData): Omit<StepNodeData, "step"> => {
      const p = problemsByStep.get(step.id);
      const agent = step.agentId ? agentById.get(step.agentId) : undefined;
      return {
        agentLabel: agent ? `${agent.name} (${agent.type})` : step.agentId,
        problems: p?.messages ?? [],
        severity: p?.severity,
        changed: changed.has(step.id),
      };
    },
    [problemsByStep, agentById, changed],
  );
  const edgeData = useCallback(
    (id: string) => {
      const fit = edgeFits.get(id);
      return { fit: fit?.fit, reasons: fit?.reasons ?? [], problem: edgeProblems.has(id) };
    },
    [edgeFits, edgeProblems],
  );

  // ---- graph edits
  const onDropItem = useCallback(
    async (payload: string) => {
      let item: { kind: "agent" | "library" | "approval"; id?: string; type?: string; name?: string };
      try {
        item = JSON.parse(payload);
      } catch {
        return;
      }
      if (item.kind === "approval") {
        change(addStep(text, { id: freshStepId(text, "approval"), output: "decision", approval: true }));
        return;
      }
      let agentId = item.id;
      let type = item.type ?? "agent";
      if (item.kind === "library") {
        try {
          const created = await unwrap(api.POST("/apps/{app_id}/agents", { params: { path: { app_id: appId } }, body: { name: item.name ?? type, type } as never }));
          agentId = created.id;
          type = created.type;
          void globalMutate(["app-agents", appId]);
        } catch (err) {
          toast({ title: "Could not add the agent", description: errorMessage(err), variant: "destructive" });
          return;
        }
      }
      if (!agentId) return;
      const id = freshStepId(text, type);
      change(addStep(text, { id, agentId, output: outputName(type), agent: { id: agentId, name: item.name, type } }));
      setSelected({ kind: "node", id });
    },
    [text, change, appId, globalMutate],
  );

  const onConnect = useCallback(
    (source: string, target: string) => {
      const up = graph.steps.find((s) => s.id === source);
      const down = graph.steps.find((s) => s.id === target);
      if (!down || source === target) return;
      const wants = Object.keys((schemasOf(down.agentId)?.input_schema?.properties as Record<string, unknown> | undefined) ?? {});
      const bound = new Set(graph.edges.filter((e) => e.target === target).map((e) => e.input));
      let field = up ? (up.outputs[0] ?? "output") : (wants[0] ?? "document");
      const input = wants.find((w) => w === field) ?? wants.find((w) => !bound.has(w)) ?? field;
      if (!up && source === "trigger") field = input;
      change(addBinding(text, { source, field, target, input }));
      setSelected({ kind: "edge", id: `${source}.${field}->${target}.${input}` });
    },
    [graph, text, change, schemasOf],
  );

  const onDrop = useCallback((payload: string) => void onDropItem(payload), [onDropItem]);
  const onYamlChange = useCallback((t: string) => change(t, true), [change]);

  const selectedStep = selected?.kind === "node" ? graph.steps.find((s) => s.id === selected.id) : undefined;
  const selectedEdge = selected?.kind === "edge" ? graph.edges.find((e) => e.id === selected.id) : undefined;

  const issues: CodeIssue[] = useMemo(
    () => [
      ...(report?.errors ?? []).map((i) => ({ ...i, severity: "error" as const })),
      ...(report?.warnings ?? []).map((i) => ({ ...i, severity: "warning" as const })),
      ...deployIssues,
    ],
    [report, deployIssues],
  );

  // ---- deploy: the draft becomes the orchestration, compiled and pinned as a release
  const deploy = async () => {
    setBusy(true);
    setDeployIssues([]);
    try {
      if (text !== savedText && !(await save(text, version))) return;
      const put = await rawFetch(`/orchestration/${encodeURIComponent(appId)}`, {
        method: "PUT",
        headers: { "content-type": "application/yaml" },
        body: text,
      });
      if (!put.ok) throw toApiError(put.status, await put.json().catch(() => null));
      const app = await unwrap(api.POST("/apps/{app_id}/deploy", { params: { path: { app_id: appId } } }));
      toast({ title: `Deployed ${app.name} ${app.version}` });
      setDeployOpen(false);
      const fresh = await loadDraft(appId);
      setDeployed(fresh.deployed ?? null);
      void globalMutate((key) => Array.isArray(key) && ["app", "apps", "orchestration"].includes(String(key[0])));
    } catch (err) {
      if (err instanceof ApiError && err.issues.length) {
        setDeployIssues(err.issues.map((i) => ({ message: i.msg, line: i.line, column: i.column, severity: "error" as const })));
      }
      toast({ title: "Deploy failed", description: errorMessage(err), variant: "destructive" });
    } finally {
      setBusy(false);
    }
  };

  const status =
    saveState === "saving"
      ? "Saving draft…"
      : saveState === "conflict"
        ? "Not saved: someone else saved first"
        : saveState === "error"
          ? `Not saved: ${saveError}`
          : unsaved
            ? "Unsaved changes"
            : version
              ? `Draft saved (version ${version})`
              : "Same as the stored orchestration";

  return (
    <div
      className="grid gap-3"
      data-testid="orchestration-builder"
      onKeyDown={(e) => {
        const mod = e.metaKey || e.ctrlKey;
        if (!mod) return;
        const k = e.key.toLowerCase();
        if (k === "z" && !e.shiftKey) {
          e.preventDefault();
          undo();
        } else if ((k === "z" && e.shiftKey) || k === "y") {
          e.preventDefault();
          redo();
        }
      }}
    >
      {conflict ? (
        <div role="alert" className="flex flex-wrap items-center gap-2 rounded-md border border-amber-500 bg-amber-50 p-3 text-sm dark:bg-amber-950" data-testid="draft-conflict">
          <AlertTriangle className="size-4 text-amber-600" aria-hidden />
          <span className="min-w-0 flex-1">
            Someone {conflict.updated_by ? `(${conflict.updated_by}) ` : ""}saved this draft (version {conflict.version}) while you were editing. Your edits are
            kept here and were not saved.
          </span>
          <Button size="sm" variant="outline" onClick={merge}>
            <GitMerge aria-hidden /> Merge theirs and mine
          </Button>
          <Button size="sm" variant="outline" onClick={reloadTheirs}>
            <RefreshCw aria-hidden /> Reload theirs
          </Button>
        </div>
      ) : null}
      <div className="flex flex-wrap items-center gap-2">
        <Button size="sm" variant="outline" onClick={undo} disabled={!history.past.length} aria-label="Undo">
          <Undo2 aria-hidden /> Undo
        </Button>
        <Button size="sm" variant="outline" onClick={redo} disabled={!history.future.length} aria-label="Redo">
          <Redo2 aria-hidden /> Redo
        </Button>
        <Button size="sm" onClick={() => setDeployOpen(true)} disabled={busy}>
          <Rocket aria-hidden /> Deploy…
        </Button>
        <span role="status" className="text-sm text-muted-foreground" data-testid="draft-status">
          {status}
        </span>
        <span className="ml-auto text-sm" data-testid="validation-status">
          {report ? (report.valid ? "✓ valid" : `${report.errors?.length ?? 0} problem(s)`) : "validating…"}
        </span>
        <ViewToggle view={split.view} onChange={(view) => split.update({ view })} />
      </div>
      <Palette agents={agents ?? []} library={library ?? []} />
      {graph.error ? (
        <p className="rounded-md border border-red-500 p-2 text-sm text-destructive" role="note">
          The YAML does not parse ({graph.error}); the graph shows the last text that did once it is fixed.
        </p>
      ) : null}
      <SplitView
        view={split.view}
        share={split.share}
        onShare={(share) => split.update({ share })}
        graph={
          <BuilderCanvas
            graph={graph}
            nodeData={nodeData}
            edgeData={edgeData}
            selected={selected}
            onSelect={setSelected}
            onConnect={onConnect}
            onDropItem={onDrop}
            onReady={onCanvasReady}
            height={PANE_HEIGHT}
          />
        }
        yaml={
          <div className="grid" style={{ height: PANE_HEIGHT }}>
            {Editor && !typing ? (
              <Editor value={text} onChange={onYamlChange} issues={issues} label="Orchestration (YAML)" jumpTo={jump} />
            ) : (
              <textarea
                aria-label="Orchestration (YAML)"
                data-testid="yaml-plain"
                spellCheck={false}
                value={text}
                onChange={(e) => change(e.target.value, true)}
                onFocus={() => {
                  setTyping(true);
                  loadEditor();
                }}
                onBlur={() => setTyping(false)}
                className="h-full min-h-80 w-full resize-none rounded-md border bg-background p-2 font-mono text-xs leading-[1.4] whitespace-pre"
              />
            )}
          </div>
        }
      />
      {selectedStep ? (
        <StepPanel
          key={selectedStep.id}
          step={selectedStep}
          onChange={(path, value) => change(setStepField(text, selectedStep.id, path, value), true)}
          onRemove={() => {
            change(removeStep(text, selectedStep.id));
            setSelected(null);
          }}
        />
      ) : null}
      {selectedEdge ? (
        <EdgePanel
          key={selectedEdge.id}
          edge={selectedEdge}
          fit={edgeFits.get(selectedEdge.id)}
          fieldOptions={fieldOptions(graph.steps.find((s) => s.id === selectedEdge.source), schemasOf)}
          inputOptions={Object.keys((schemasOf(graph.steps.find((s) => s.id === selectedEdge.target)?.agentId)?.input_schema?.properties as Record<string, unknown> | undefined) ?? {})}
          onChange={(c) => {
            const next = updateBinding(text, selectedEdge, c);
            change(next);
            const field = c.field ?? selectedEdge.field;
            const input = c.input ?? selectedEdge.input;
            setSelected({ kind: "edge", id: `${selectedEdge.source}.${field}->${selectedEdge.target}.${input}` });
          }}
          onRemove={() => {
            change(removeBinding(text, selectedEdge));
            setSelected(null);
          }}
        />
      ) : null}
      <Problems
        report={report}
        extra={deployIssues}
        onJump={(line, column) => {
          if (split.view === "graph") split.update({ view: "split" });
          setJump({ line, column, at: Date.now() });
        }}
        onSelect={setSelected}
      />
      <Dialog open={deployOpen} onOpenChange={setDeployOpen}>
        <DialogContent className="max-w-3xl">
          <DialogHeader>
            <DialogTitle>Deploy this orchestration</DialogTitle>
            <DialogDescription>
              {deployed ? `Changes against the running release ${deployed.version} (changed steps are highlighted on the graph).` : "Nothing is deployed yet: this is the first release."}
            </DialogDescription>
          </DialogHeader>
          <p className="text-sm" data-testid="changed-steps">
            Changed steps: {[...changedSteps(deployed?.yaml ?? "", text)].join(", ") || "none"}
          </p>
          <YamlDiff before={deployed?.yaml ?? ""} after={text} />
          {report && !report.valid ? <p className="text-sm text-destructive">The draft has {report.errors?.length} problem(s); the deploy will be refused until they are fixed.</p> : null}
          <DialogFooter>
            <Button variant="outline" onClick={() => setDeployOpen(false)}>
              Keep editing
            </Button>
            <Button onClick={() => void deploy()} disabled={busy}>
              <Rocket aria-hidden /> Deploy
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </div>
  );
}

type LibraryAgent = Schemas["LibraryAgent"];

function fieldOptions(up: StepData | undefined, schemasOf: (agentId?: string) => LibraryAgent | undefined): string[] {
  if (!up) return ["document"];
  const out = new Set(up.outputs);
  if (up.kind === "approval") ["approved", "approver", "comment"].forEach((f) => out.add(f));
  const props = schemasOf(up.agentId)?.output_schema?.properties as Record<string, unknown> | undefined;
  Object.keys(props ?? {}).forEach((f) => out.add(f));
  return [...out];
}

function Palette({ agents, library }: { agents: Schemas["AgentPublic"][]; library: LibraryAgent[] }) {
  const drag = (payload: object) => (e: React.DragEvent) => {
    e.dataTransfer.setData("application/x-hub-node", JSON.stringify(payload));
    e.dataTransfer.setData("text/plain", JSON.stringify(payload));
    e.dataTransfer.effectAllowed = "copy";
  };
  const item = "cursor-grab rounded-md border bg-background px-2 py-1 text-xs hover:bg-muted active:cursor-grabbing";
  const group = "flex flex-wrap items-center gap-1.5";
  return (
    <aside aria-label="Palette" className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-md border bg-muted/30 px-3 py-2 text-sm">
      <div className={group}>
        <span className="text-xs font-medium">This app&apos;s agents</span>
        {agents.length === 0 ? <span className="text-xs text-muted-foreground">none yet: drag one from the library</span> : null}
        {agents.map((a) => (
          <div key={a.id} draggable className={item} onDragStart={drag({ kind: "agent", id: a.id, type: a.type, name: a.name })} data-testid={`palette-agent-${a.type}`}>
            {a.name} <span className="text-muted-foreground">({a.type})</span>
          </div>
        ))}
      </div>
      <div className={group}>
        <span className="text-xs font-medium">Library</span>
        {library.map((l) => (
          <div key={l.type} draggable className={item} onDragStart={drag({ kind: "library", type: l.type, name: l.name })} data-testid={`palette-library-${l.type}`}>
            {l.name}
          </div>
        ))}
      </div>
      <div className={group}>
        <span className="text-xs font-medium">Control</span>
        <div draggable className={cn(item, "border-dashed border-amber-500")} onDragStart={drag({ kind: "approval" })} data-testid="palette-approval">
          Approval step
        </div>
      </div>
      <p className="text-xs text-muted-foreground">Drag onto the canvas; connect a node&apos;s right handle to another&apos;s left handle to bind an output to an input.</p>
    </aside>
  );
}

function StepPanel({ step, onChange, onRemove }: { step: StepData; onChange: (path: string[], value: unknown) => void; onRemove: () => void }) {
  const num = (v: string) => (v === "" ? undefined : Number(v));
  return (
    <section aria-label={`Step ${step.id}`} className="grid gap-2 rounded-md border p-3 text-sm sm:grid-cols-2" data-testid="step-panel">
      <h3 className="font-semibold sm:col-span-2">Step {step.id}</h3>
      <div className="grid gap-1">
        <Label htmlFor="sp-when">when (condition)</Label>
        <Input id="sp-when" defaultValue={step.when ?? ""} placeholder="inputs.amount > 1000" onChange={(e) => onChange(["when"], e.target.value)} />
      </div>
      <div className="grid gap-1">
        <Label htmlFor="sp-onerror">on_error</Label>
        <NativeSelect id="sp-onerror" defaultValue={step.onError ?? "fail"} onChange={(e) => onChange(["on_error"], e.target.value === "fail" ? undefined : e.target.value)}>
          <option value="fail">fail (default)</option>
          <option value="continue">continue</option>
        </NativeSelect>
      </div>
      <div className="grid gap-1">
        <Label htmlFor="sp-timeout">timeout</Label>
        <Input id="sp-timeout" defaultValue={step.timeout ?? ""} placeholder="5m" onChange={(e) => onChange(["timeout"], e.target.value)} />
      </div>
      <div className="grid gap-1">
        <Label htmlFor="sp-retry">retry: max attempts</Label>
        <Input id="sp-retry" type="number" min={1} max={100} defaultValue={step.retry?.max_attempts ?? ""} onChange={(e) => onChange(["retry", "max_attempts"], num(e.target.value))} />
      </div>
      {step.foreach ? (
        <div className="grid gap-1">
          <Label htmlFor="sp-conc">foreach: max concurrency</Label>
          <Input id="sp-conc" type="number" min={1} max={1000} defaultValue={step.foreach.max_concurrency ?? ""} onChange={(e) => onChange(["foreach", "max_concurrency"], num(e.target.value))} />
        </div>
      ) : null}
      {step.kind === "approval" ? (
        <div className="grid gap-1 sm:col-span-2">
          <Label htmlFor="sp-prompt">approval prompt</Label>
          <Input id="sp-prompt" defaultValue={step.approvalPrompt ?? ""} onChange={(e) => onChange(["approval", "prompt"], e.target.value)} />
        </div>
      ) : null}
      <div className="sm:col-span-2">
        <Button size="sm" variant="outline" onClick={onRemove}>
          <Trash2 aria-hidden /> Remove step
        </Button>
      </div>
    </section>
  );
}

function EdgePanel({
  edge,
  fit,
  fieldOptions,
  inputOptions,
  onChange,
  onRemove,
}: {
  edge: EdgeData;
  fit?: Schemas["EdgeFit"];
  fieldOptions: string[];
  inputOptions: string[];
  onChange: (c: { field?: string; input?: string }) => void;
  onRemove: () => void;
}) {
  const fields = fieldOptions.includes(edge.field) ? fieldOptions : [edge.field, ...fieldOptions];
  const inputs = inputOptions.includes(edge.input) ? inputOptions : [edge.input, ...inputOptions];
  return (
    <section aria-label="Binding" className="grid gap-2 rounded-md border p-3 text-sm sm:grid-cols-2" data-testid="edge-panel">
      <h3 className="font-semibold sm:col-span-2">
        {edge.source} → {edge.target} {edge.kind === "foreach" ? "(foreach)" : ""}
      </h3>
      <div className="grid gap-1">
        <Label htmlFor="ep-field">upstream output field</Label>
        <NativeSelect id="ep-field" value={edge.field} onChange={(e) => onChange({ field: e.target.value })}>
          {fields.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </NativeSelect>
      </div>
      <div className="grid gap-1">
        <Label htmlFor="ep-input">downstream input</Label>
        <NativeSelect id="ep-input" value={edge.input} onChange={(e) => onChange({ input: e.target.value })}>
          {inputs.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </NativeSelect>
      </div>
      <p className={cn("sm:col-span-2", fit?.fit === "does_not_fit" && "text-destructive")} data-testid="edge-fit">
        {fit ? (fit.fit === "fits" ? "Fits." : `${fit.fit === "does_not_fit" ? "Does not fit" : "Cannot tell"}: ${fit.reasons?.join("; ")}`) : "Checking…"}
      </p>
      {edge.kind === "input" ? (
        <div className="sm:col-span-2">
          <Button size="sm" variant="outline" onClick={onRemove}>
            <Trash2 aria-hidden /> Remove binding
          </Button>
        </div>
      ) : null}
    </section>
  );
}

function Problems({
  report,
  extra,
  onJump,
  onSelect,
}: {
  report: Validation | null;
  extra: CodeIssue[];
  onJump: (line: number, column?: number | null) => void;
  onSelect: (sel: { kind: "node" | "edge"; id: string }) => void;
}) {
  const rows = [
    ...(report?.errors ?? []).map((i) => ({ ...i, severity: "error" as const })),
    ...extra.map((i) => ({ ...i, path: "", step_id: null, edge: null })),
    ...(report?.warnings ?? []).map((i) => ({ ...i, severity: "warning" as const })),
  ];
  if (!rows.length) return null;
  return (
    <ul className="grid max-h-60 gap-1 overflow-y-auto rounded-md border p-2 text-sm" aria-label="Problems">
      {rows.map((i, k) => (
        <li key={k} className={cn("flex gap-2", i.severity === "error" ? "text-destructive" : "text-amber-700 dark:text-amber-300")} data-yaml-issue data-severity={i.severity}>
          {i.line ? (
            <button type="button" className="shrink-0 font-mono underline" onClick={() => onJump(i.line!, i.column)}>
              line {i.line}, column {i.column ?? 1}
            </button>
          ) : (
            <span className="shrink-0 font-mono">{i.path || "spec"}</span>
          )}
          {i.edge ? (
            <button
              type="button"
              className="shrink-0 underline"
              onClick={() => onSelect({ kind: "edge", id: `${i.edge!.source}.${i.edge!.field}->${i.edge!.target}.${i.edge!.input}` })}
            >
              edge {i.edge.source}.{i.edge.field} → {i.edge.target}
            </button>
          ) : i.step_id ? (
            <button type="button" className="shrink-0 underline" onClick={() => onSelect({ kind: "node", id: i.step_id! })}>
              step {i.step_id}
            </button>
          ) : null}
          <span className="min-w-0 break-words">{i.message}</span>
        </li>
      ))}
    </ul>
  );
}

function YamlDiff({ before, after }: { before: string; after: string }) {
  const lines = useMemo(() => diffLines(before, after), [before, after]);
  return (
    <pre className="max-h-96 overflow-auto rounded-md border bg-muted p-2 text-xs" data-testid="deploy-diff" aria-label="YAML diff">
      {lines.map((l, i) => (
        <div
          key={i}
          className={cn(l.kind === "added" && "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100", l.kind === "removed" && "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-100")}
        >
          {l.kind === "added" ? "+ " : l.kind === "removed" ? "- " : "  "}
          {l.text}
        </div>
      ))}
    </pre>
  );
}
