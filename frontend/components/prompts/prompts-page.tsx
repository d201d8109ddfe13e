"use client";
import { useState } from "react";
import useSWR, { useSWRConfig } from "swr";
import { Download, Upload } from "lucide-react";
import { api, unwrap } from "@/lib/api";
import { errorFor, errorMessage, fieldErrors, toApiError } from "@/lib/errors";
import { formatTime } from "@/lib/utils";
import { templateText } from "@/lib/prompts";
import { usePrompt, usePrompts, useSchemaRegistry } from "@/hooks/use-api";
import { toast } from "@/hooks/use-toast";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, Input, Textarea } from "@/components/ui/input";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/shared/states";
import { uploadFile } from "@/components/runs/run-start-form";
import { PromptVersions } from "./prompt-versions";

function PromptDetailCard({ name }: { name: string }) {
  const { data, mutate } = usePrompt(name);
  const [template, setTemplate] = useState<string | null>(null);
  const [message, setMessage] = useState("");
  const [alias, setAlias] = useState("");
  const [aliasVersion, setAliasVersion] = useState("");
  const [error, setError] = useState<unknown>(null);
  const { mutate: globalMutate } = useSWRConfig();
  if (!data) return <LoadingState />;
  const latest = data.versions.reduce((a, b) => (b.version > a.version ? b : a), data.versions[0]);
  const text = template ?? (latest ? templateText(latest.template) : "");
  const errors = fieldErrors(error);
  const newVersion = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const v = await unwrap(api.POST("/prompts", { body: { name, template: text, commit_message: message || null } }));
      toast({ title: `${name} v${v.version} registered` });
      setTemplate(null);
      setMessage("");
      await mutate();
      void globalMutate((k) => Array.isArray(k) && k[0] === "prompts");
    } catch (err) {
      setError(err);
    }
  };
  const setAliasTo = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await unwrap(api.PUT("/prompts/{name}/aliases", { params: { path: { name } }, body: { alias, version: Number(aliasVersion) } }));
      toast({ title: `@${alias} → v${aliasVersion}` });
      await mutate();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle className="font-mono">{name}</CardTitle>
        <CardDescription>{data.versions.length} version(s)</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-6">
        <PromptVersions name={name} idPrefix={`pd-${name}`} />
        <form onSubmit={newVersion} className="grid gap-3">
          <Field id="prompt-template" label="New version" error={errorFor(errors, "template")}>
            <Textarea id="prompt-template" rows={8} className="font-mono text-xs" value={text} onChange={(e) => setTemplate(e.target.value)} />
          </Field>
          <Field id="prompt-message" label="Commit message" error={errorFor(errors, "commit_message")}>
            <Input id="prompt-message" value={message} onChange={(e) => setMessage(e.target.value)} />
          </Field>
          <Button type="submit" className="justify-self-start">
            Register version
          </Button>
        </form>
        <form onSubmit={setAliasTo} className="flex flex-wrap items-end gap-3">
          <Field id="alias-name" label="Alias" error={errorFor(errors, "alias")}>
            <Input id="alias-name" value={alias} onChange={(e) => setAlias(e.target.value)} placeholder="production" className="w-40" />
          </Field>
          <Field id="alias-version" label="Version" error={errorFor(errors, "version")}>
            <Input id="alias-version" inputMode="numeric" value={aliasVersion} onChange={(e) => setAliasVersion(e.target.value)} className="w-24" />
          </Field>
          <Button type="submit" variant="outline">
            Set alias
          </Button>
        </form>
        {error && !Object.keys(errors).length ? (
          <p role="alert" className="text-sm text-destructive">
            {errorMessage(error)}
          </p>
        ) : null}
      </CardContent>
    </Card>
  );
}

function PromptsTab() {
  const [q, setQ] = useState("");
  const { data, error, isLoading, mutate } = usePrompts(q);
  const [selected, setSelected] = useState<string | null>(null);
  if (error) return <ErrorState error={error} retry={() => void mutate()} />;
  return (
    <div className="grid gap-4 lg:grid-cols-[20rem_1fr]">
      <div className="grid content-start gap-2">
        <label htmlFor="prompt-search" className="text-sm font-medium">
          Search prompts
        </label>
        <Input id="prompt-search" type="search" value={q} onChange={(e) => setQ(e.target.value)} />
        {isLoading || !data ? (
          <LoadingState />
        ) : data.items.length === 0 ? (
          <EmptyState title="No prompts" />
        ) : (
          <ul className="grid gap-1" aria-label="Prompts">
            {data.items.map((p) => (
              <li key={p.name}>
                <button
                  className="w-full rounded-md px-2 py-1.5 text-left text-sm hover:bg-accent aria-[current=true]:bg-accent"
                  aria-current={selected === p.name}
                  onClick={() => setSelected(p.name)}
                >
                  <span className="font-mono">{p.name}</span>
                  <span className="ml-2 text-xs text-muted-foreground">v{p.latest_version ?? "?"}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {selected ? <PromptDetailCard key={selected} name={selected} /> : <EmptyState title="Choose a prompt" description="See its versions and aliases, compare two versions, or register a new one." />}
    </div>
  );
}

const ARTIFACT_PAGE = 20;

function useArtifacts(cursor: string | undefined) {
  return useSWR(["artifacts", cursor ?? ""], async () => {
    const { data, error, response } = await api.GET("/artifacts", { params: { query: { limit: ARTIFACT_PAGE, cursor } } });
    if (!response.ok) throw toApiError(response.status, error);
    return { items: data ?? [], next: response.headers.get("x-next-cursor") };
  });
}

function formatBytes(size: number | null | undefined): string {
  if (size == null) return "—";
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

function ArtifactList() {
  const [cursors, setCursors] = useState<string[]>([]);
  const { data, error, isLoading, mutate } = useArtifacts(cursors[cursors.length - 1]);
  if (error) return <ErrorState error={error} retry={() => void mutate()} />;
  if (isLoading || !data) return <LoadingState label="Loading artifacts…" />;
  if (!data.items.length && !cursors.length) return <EmptyState title="No artifacts yet" description="Upload a document above; runs read it through its artifact:// URI." />;
  return (
    <div className="grid gap-2">
      <div className="overflow-x-auto">
        <Table aria-label="Artifacts">
          <TableHeader>
            <TableRow>
              <TableHead>File</TableHead>
              <TableHead>URI</TableHead>
              <TableHead>Type</TableHead>
              <TableHead className="text-right">Size</TableHead>
              <TableHead>Uploaded</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {data.items.map((a) => (
              <TableRow key={a.id}>
                <TableCell className="max-w-48 truncate">
                  <a className="underline" href={`/api/artifacts/${encodeURIComponent(a.id)}`} download title={a.filename ?? a.id}>
                    {a.filename || a.id}
                  </a>
                </TableCell>
                <TableCell className="font-mono text-xs">{a.uri}</TableCell>
                <TableCell className="text-xs">{a.media_type ?? "—"}</TableCell>
                <TableCell className="text-right whitespace-nowrap">{formatBytes(a.size)}</TableCell>
                <TableCell className="text-xs whitespace-nowrap" title={a.created_by}>
                  {formatTime(a.created_at)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <div className="flex justify-end gap-2">
        <Button variant="outline" size="sm" disabled={!cursors.length} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Newer
        </Button>
        <Button variant="outline" size="sm" disabled={!data.next} onClick={() => data.next && setCursors((c) => [...c, data.next!])}>
          Older
        </Button>
      </div>
    </div>
  );
}

function ArtifactsTab() {
  const [file, setFile] = useState<File | null>(null);
  const [id, setId] = useState("");
  const [busy, setBusy] = useState(false);
  const { mutate } = useSWRConfig();
  const upload = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    try {
      const ref = await uploadFile(file);
      toast({ title: `Uploaded ${ref.filename || ref.id}`, description: ref.uri });
      await mutate((key) => Array.isArray(key) && key[0] === "artifacts");
    } catch (err) {
      toast({ title: "Upload failed", description: errorMessage(err), variant: "destructive" });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="grid gap-4">
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Upload</CardTitle>
            <CardDescription>Documents and schemas go to the artifact store; pass the artifact:// URI as a run input or a schema URI.</CardDescription>
          </CardHeader>
          <CardContent>
            <form onSubmit={upload} className="grid gap-3">
              <Field id="artifact-file" label="File">
                <Input id="artifact-file" type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
              </Field>
              <Button type="submit" disabled={!file || busy} className="justify-self-start">
                <Upload aria-hidden /> Upload
              </Button>
            </form>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Download</CardTitle>
            <CardDescription>By id (art-…), e.g. from a run&apos;s inputs or outputs.</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-wrap items-end gap-2">
            <Field id="artifact-id" label="Artifact id">
              <Input id="artifact-id" value={id} onChange={(e) => setId(e.target.value.replace(/^artifact:\/\//, ""))} placeholder="art-…" className="w-64" />
            </Field>
            <Button variant="outline" asChild disabled={!id}>
              <a href={id ? `/api/artifacts/${encodeURIComponent(id)}` : undefined} download>
                <Download aria-hidden /> Download
              </a>
            </Button>
          </CardContent>
        </Card>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Uploaded artifacts</CardTitle>
          <CardDescription>Your teams&apos; uploads, newest first; a run&apos;s own outputs are on its run page.</CardDescription>
        </CardHeader>
        <CardContent>
          <ArtifactList />
        </CardContent>
      </Card>
    </div>
  );
}

function SchemasTab() {
  const { data, error } = useSchemaRegistry();
  if (error) return <ErrorState error={error} />;
  if (!data) return <LoadingState />;
  if (!data.items.length) return <EmptyState title="No registered schemas" description="Register one with POST /schemas; agent configs refer to it as schema:NAME." />;
  return (
    <Table aria-label="Registered schemas">
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead>Latest version</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {data.items.map((s) => (
          <TableRow key={s.name}>
            <TableCell className="font-mono">{s.name}</TableCell>
            <TableCell>{String((s as { latest_version?: number }).latest_version ?? "—")}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function PromptsPage({ initialTab }: { initialTab: string }) {
  return (
    <>
      <PageHeader title="Prompts & artifacts" description="MLflow's prompt registry, the schema registry and the artifact store." />
      <Tabs defaultValue={initialTab}>
        <TabsList aria-label="Registries">
          <TabsTrigger value="prompts">Prompts</TabsTrigger>
          <TabsTrigger value="artifacts">Artifacts</TabsTrigger>
          <TabsTrigger value="schemas">Schemas</TabsTrigger>
        </TabsList>
        <TabsContent value="prompts">
          <PromptsTab />
        </TabsContent>
        <TabsContent value="artifacts">
          <ArtifactsTab />
        </TabsContent>
        <TabsContent value="schemas">
          <SchemasTab />
        </TabsContent>
      </Tabs>
    </>
  );
}
