"use client";
import Link from "next/link";
import { useState } from "react";
import { Plus, Trash2 } from "lucide-react";
import { api, unwrap, type Agent, type AgentConfig } from "@/lib/api";
import { errorFor, errorMessage, fieldErrors } from "@/lib/errors";
import { promptRefs } from "@/lib/prompts";
import { useAgent, useLibrary } from "@/hooks/use-api";
import { toast } from "@/hooks/use-toast";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, Input, NativeSelect } from "@/components/ui/input";
import { ErrorState, LoadingState, PageHeader } from "@/components/shared/states";
import { PromptVersions } from "@/components/prompts/prompt-versions";
import { SchemaPanel } from "./schema-panel";

const PROVIDERS = ["local", "openai", "azure_openai", "anthropic", "aws_bedrock", "google_vertex"] as const;
type Provider = (typeof PROVIDERS)[number];

function numberOr(text: string): number | string {
  const n = Number(text);
  return text.trim() === "" || Number.isNaN(n) ? text : n;
}

/**
 * An agent's configuration. Nothing is checked in the browser beyond what the inputs are:
 * the API validates, and each 422 message is shown on the field it names.
 */
export function AgentConfigForm({ appId, agentId }: { appId: string; agentId: string }) {
  const { data: agent, error: loadError, mutate } = useAgent(agentId);
  if (loadError) return <ErrorState error={loadError} retry={() => void mutate()} />;
  if (!agent) return <LoadingState label="Loading the agent…" />;
  return <AgentConfigEditor key={agent.id} appId={appId} agent={agent} reload={() => void mutate()} />;
}

function AgentConfigEditor({ appId, agent, reload }: { appId: string; agent: Agent; reload: () => void }) {
  const agentId = agent.id;
  const { data: library } = useLibrary();
  const [config, setConfig] = useState<AgentConfig>(agent.config);
  const [temperature, setTemperature] = useState(String(agent.config.model.temperature ?? ""));
  const [maxTokens, setMaxTokens] = useState(String(agent.config.model.max_tokens ?? ""));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [openPrompt, setOpenPrompt] = useState<string | null>(null);

  const errors = fieldErrors(error);
  const err = (name: string) => errorFor(errors, name);
  const libraryType = library?.find((l) => l.type === agent.type);
  const libraryTools = libraryType?.tools ?? [];
  const tools = config.tools ?? [];
  const model = config.model;
  const setModel = (patch: Partial<AgentConfig["model"]>) => setConfig({ ...config, model: { ...model, ...patch } });

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      ...config,
      model: { ...model, temperature: numberOr(temperature), max_tokens: numberOr(maxTokens) },
    } as AgentConfig;
    try {
      const saved = await unwrap(api.PUT("/agents/{agent_id}/config", { params: { path: { agent_id: agentId } }, body }));
      setConfig(saved);
      reload();
      toast({ title: "Configuration saved" });
    } catch (caught) {
      setError(caught);
      toast({ title: "Not saved", description: errorMessage(caught), variant: "destructive" });
    } finally {
      setBusy(false);
    }
  };

  const toolEnabled = (id: string) => tools.find((t) => t.id === id)?.enabled ?? false;
  const toggleTool = (id: string, enabled: boolean) => {
    const rest = tools.filter((t) => t.id !== id);
    setConfig({ ...config, tools: [...rest, { ...(tools.find((t) => t.id === id) ?? { id }), enabled }] });
  };

  return (
    <>
      <PageHeader
        title={agent.name}
        description={
          <span>
            {agent.type} agent of{" "}
            <Link className="underline" href={`/apps/${appId}?tab=agents`}>
              {appId}
            </Link>{" "}
            · <span className="font-mono text-xs">{agent.id}</span>
          </span>
        }
      />
      <form className="grid gap-4" onSubmit={save} aria-label="Agent configuration">
        <Card>
          <CardHeader>
            <CardTitle>Model</CardTitle>
            <CardDescription>Provider keys stay in the agent service&apos;s environment; name another variable with env:NAME.</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4 sm:grid-cols-2">
            <Field id="model-provider" label="Provider" error={err("model.provider")}>
              <NativeSelect id="model-provider" value={model.provider} onChange={(e) => setModel({ provider: e.target.value as Provider })}>
                {PROVIDERS.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </NativeSelect>
            </Field>
            <Field id="model-name" label="Model" error={err("model.model_name")}>
              <Input id="model-name" value={model.model_name} onChange={(e) => setModel({ model_name: e.target.value })} aria-invalid={!!err("model.model_name")} />
            </Field>
            <Field id="model-temperature" label="Temperature" error={err("model.temperature")}>
              <Input
                id="model-temperature"
                inputMode="decimal"
                value={temperature}
                onChange={(e) => setTemperature(e.target.value)}
                aria-invalid={!!err("model.temperature")}
                aria-describedby={err("model.temperature") ? "model-temperature-error" : undefined}
              />
            </Field>
            <Field id="model-max-tokens" label="Max tokens" error={err("model.max_tokens")}>
              <Input id="model-max-tokens" inputMode="numeric" value={maxTokens} onChange={(e) => setMaxTokens(e.target.value)} aria-invalid={!!err("model.max_tokens")} />
            </Field>
            <Field id="model-key-ref" label="Key variable (optional)" error={err("model.api_key_ref")} hint="env:NAME, e.g. env:TEAM_OPENAI_KEY">
              <Input id="model-key-ref" value={model.api_key_ref ?? ""} onChange={(e) => setModel({ api_key_ref: e.target.value || null })} aria-invalid={!!err("model.api_key_ref")} />
            </Field>
            <div className="grid gap-2 sm:col-span-2">
              <p className="text-sm font-medium">Fallbacks</p>
              {(model.fallbacks ?? []).map((f, i) => (
                <div key={i} className="grid grid-cols-[1fr_1fr_auto] items-end gap-2">
                  <Field id={`fallback-${i}-provider`} label={`Fallback ${i + 1} provider`} error={err(`model.fallbacks.${i}.provider`)}>
                    <NativeSelect
                      id={`fallback-${i}-provider`}
                      value={f.provider}
                      onChange={(e) => setModel({ fallbacks: (model.fallbacks ?? []).map((x, j) => (j === i ? { ...x, provider: e.target.value as Provider } : x)) })}
                    >
                      {PROVIDERS.map((p) => (
                        <option key={p}>{p}</option>
                      ))}
                    </NativeSelect>
                  </Field>
                  <Field id={`fallback-${i}-model`} label="Model" error={err(`model.fallbacks.${i}.model_name`)}>
                    <Input
                      id={`fallback-${i}-model`}
                      value={f.model_name}
                      onChange={(e) => setModel({ fallbacks: (model.fallbacks ?? []).map((x, j) => (j === i ? { ...x, model_name: e.target.value } : x)) })}
                    />
                  </Field>
                  <Button type="button" variant="ghost" size="icon" aria-label={`Remove fallback ${i + 1}`} onClick={() => setModel({ fallbacks: (model.fallbacks ?? []).filter((_, j) => j !== i) })}>
                    <Trash2 />
                  </Button>
                </div>
              ))}
              <Button type="button" variant="outline" size="sm" className="justify-self-start" onClick={() => setModel({ fallbacks: [...(model.fallbacks ?? []), { provider: "openai", model_name: "gpt-4o-mini" }] })}>
                <Plus aria-hidden /> Add fallback
              </Button>
            </div>
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Prompts</CardTitle>
            <CardDescription>Versioned in MLflow&apos;s prompt registry; deploy pins each to a version.</CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4">
            {(["system_prompt_uri", "task_prompt_uri"] as const).map((key) => {
              const uri = config.prompts[key];
              const ref = promptRefs(uri)[0];
              return (
                <div key={key} className="grid gap-2">
                  <Field id={`prompt-${key}`} label={key === "system_prompt_uri" ? "System prompt" : "Task prompt"} error={err(`prompts.${key}`)}>
                    <Input
                      id={`prompt-${key}`}
                      value={uri}
                      onChange={(e) => setConfig({ ...config, prompts: { ...config.prompts, [key]: e.target.value } })}
                      aria-invalid={!!err(`prompts.${key}`)}
                    />
                  </Field>
                  {ref ? (
                    <Button type="button" variant="link" size="sm" className="justify-self-start px-0" onClick={() => setOpenPrompt(openPrompt === key ? null : key)} aria-expanded={openPrompt === key}>
                      {openPrompt === key ? "Hide versions" : `Versions of ${promptRefs(uri).at(-1)!.name}`}
                    </Button>
                  ) : null}
                  {openPrompt === key && ref ? <PromptVersions name={promptRefs(uri).at(-1)!.name} idPrefix={key} /> : null}
                </div>
              );
            })}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Schemas</CardTitle>
            <CardDescription>
              builtin://, schema:NAME[/VERSION] (<Link className="underline" href="/prompts?tab=schemas">registered schemas</Link>), artifact://, and file/URL sources the operator allows.
            </CardDescription>
          </CardHeader>
          <CardContent className="grid gap-4 sm:grid-cols-2">
            {(["input", "output"] as const).map((side) => {
              const key = `${side}_schema_uri` as const;
              const value = config.schemas?.[key] ?? "";
              return (
                <div key={side} className="grid content-start gap-2">
                  <Field id={`schema-${side}`} label={`${side === "input" ? "Input" : "Output"} schema URI`} error={err(`schemas.${key}`)}>
                    <Input
                      id={`schema-${side}`}
                      value={value}
                      onChange={(e) => setConfig({ ...config, schemas: { ...config.schemas, [key]: e.target.value || null } })}
                      aria-invalid={!!err(`schemas.${key}`)}
                    />
                  </Field>
                  <SchemaPanel
                    id={`schema-${side}`}
                    uri={value}
                    librarySchema={side === "input" ? libraryType?.input_schema : libraryType?.output_schema}
                    libraryUri={libraryType?.default_config.schemas?.[key]}
                    onUse={(uri) => setConfig({ ...config, schemas: { ...config.schemas, [key]: uri } })}
                  />
                </div>
              );
            })}
            <Field id="schema-on-violation" label="On a violation" error={err("schemas.on_violation")}>
              <NativeSelect
                id="schema-on-violation"
                value={config.schemas?.on_violation ?? "fail"}
                onChange={(e) => setConfig({ ...config, schemas: { ...config.schemas, on_violation: e.target.value as "fail" | "warn" } })}
              >
                <option value="fail">fail</option>
                <option value="warn">warn</option>
              </NativeSelect>
            </Field>
            <Field id="schema-repairs" label="Repair attempts" error={err("schemas.max_repairs")}>
              <Input
                id="schema-repairs"
                inputMode="numeric"
                value={String(config.schemas?.max_repairs ?? 2)}
                onChange={(e) => setConfig({ ...config, schemas: { ...config.schemas, max_repairs: numberOr(e.target.value) as number } })}
              />
            </Field>
          </CardContent>
        </Card>

        <div className="grid gap-4 lg:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle>Tools</CardTitle>
            </CardHeader>
            <CardContent>
              {libraryTools.length ? (
                <ul className="grid gap-2">
                  {libraryTools.map((t) => (
                    <li key={t.id}>
                      <label className="flex items-start gap-2 text-sm">
                        <input type="checkbox" className="mt-0.5 size-4" checked={toolEnabled(t.id)} onChange={(e) => toggleTool(t.id, e.target.checked)} />
                        <span>
                          <span className="font-medium">{t.id}</span>
                          {t.sensitive ? <span className="ml-1 text-xs text-amber-700 dark:text-amber-300">(sensitive: needs an approval upstream)</span> : null}
                          <span className="block text-muted-foreground">{t.description}</span>
                        </span>
                      </label>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-sm text-muted-foreground">This agent type has no tools.</p>
              )}
              {err("tools") ? (
                <p role="alert" className="mt-2 text-xs text-destructive">
                  {err("tools")}
                </p>
              ) : null}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Memory and dispatch</CardTitle>
            </CardHeader>
            <CardContent className="grid gap-4">
              <label className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="size-4"
                  checked={config.memory?.enabled ?? false}
                  onChange={(e) => setConfig({ ...config, memory: { ...config.memory, enabled: e.target.checked } })}
                />
                Conversation memory (buffer)
              </label>
              <Field id="memory-max" label="Messages kept" error={err("memory.max_messages")}>
                <Input
                  id="memory-max"
                  inputMode="numeric"
                  value={String(config.memory?.max_messages ?? 10)}
                  onChange={(e) => setConfig({ ...config, memory: { ...config.memory, max_messages: numberOr(e.target.value) as number } })}
                />
              </Field>
              <Field id="dispatch" label="Dispatch" error={err("dispatch")} hint="remote: the agent's own task queue; local: a local activity.">
                <NativeSelect id="dispatch" value={config.dispatch ?? "remote"} onChange={(e) => setConfig({ ...config, dispatch: e.target.value as "remote" | "local" })}>
                  <option value="remote">remote</option>
                  <option value="local">local</option>
                </NativeSelect>
              </Field>
            </CardContent>
          </Card>
        </div>
        <div className="flex gap-2">
          <Button type="submit" disabled={busy}>
            {busy ? "Saving…" : "Save configuration"}
          </Button>
          <Button type="button" variant="outline" onClick={() => { setConfig(agent.config); setTemperature(String(agent.config.model.temperature ?? "")); setMaxTokens(String(agent.config.model.max_tokens ?? "")); setError(null); }}>
            Reset
          </Button>
        </div>
      </form>
    </>
  );
}
