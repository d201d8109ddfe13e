"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useSWRConfig } from "swr";
import { Bot, Plus, Rocket, Sparkles } from "lucide-react";
import { api, unwrap } from "@/lib/api";
import { errorMessage } from "@/lib/errors";
import { hoursAgo } from "@/lib/time-window";
import { formatMs, formatTime, formatUsd } from "@/lib/utils";
import { useApp, useAppAgents, useMetrics, useRuns, useViolations } from "@/hooks/use-api";
import { toast } from "@/hooks/use-toast";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { StatusBadge } from "@/components/shared/status-badge";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/shared/states";
import { BarChart, Stat } from "@/components/observability/charts";
import { RunsTable } from "@/components/observability/runs-table";
import { OrchestrationEditor } from "@/components/orchestration/orchestration-editor";
import { RunStartForm } from "@/components/runs/run-start-form";
import { ViolationsTable } from "@/components/observability/violations-table";
import { EvaluationsTab } from "@/components/evaluations/evaluations-tab";
import { GateSettings } from "@/components/evaluations/gate-settings";
import { AppFormDialog } from "./app-form-dialog";
import { ReleaseHistory } from "./release-history";

const TABS = ["overview", "agents", "orchestration", "observability", "evaluations", "settings"] as const;

export function AppDetailTabs({ appId }: { appId: string }) {
  const router = useRouter();
  const search = useSearchParams();
  const tab = TABS.includes(search.get("tab") as (typeof TABS)[number]) ? search.get("tab")! : "overview";
  const { data: app, error, mutate } = useApp(appId);
  const { mutate: globalMutate } = useSWRConfig();
  const [editing, setEditing] = useState(false);

  if (error) return <ErrorState error={error} retry={() => void mutate()} />;
  if (!app) return <LoadingState label="Loading the app…" />;

  const action = async (label: string, call: () => Promise<unknown>) => {
    try {
      await call();
      toast({ title: label });
      await mutate();
      void globalMutate((key) => Array.isArray(key) && key[0] === "apps");
    } catch (err) {
      toast({ title: `${label} failed`, description: errorMessage(err), variant: "destructive" });
    }
  };

  return (
    <>
      <PageHeader
        title={app.name}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <StatusBadge status={app.status} />
            <span className="font-mono text-xs">{app.id}</span>
            {app.version ? <span>version {app.version}</span> : null}
          </span>
        }
        actions={
          <Button
            onClick={() =>
              void action("Deployed", () => unwrap(api.POST("/apps/{app_id}/deploy", { params: { path: { app_id: appId } } })))
            }
            disabled={app.status === "archived"}
          >
            <Rocket aria-hidden /> Deploy
          </Button>
        }
      />
      <Tabs value={tab} onValueChange={(v) => router.replace(`/apps/${appId}?tab=${v}`, { scroll: false })}>
        <TabsList aria-label="App sections">
          <TabsTrigger value="overview">Overview</TabsTrigger>
          <TabsTrigger value="agents">Agents</TabsTrigger>
          <TabsTrigger value="orchestration">Orchestration</TabsTrigger>
          <TabsTrigger value="observability">Observability</TabsTrigger>
          <TabsTrigger value="evaluations">Evaluations</TabsTrigger>
          <TabsTrigger value="settings">Settings</TabsTrigger>
        </TabsList>
        <TabsContent value="overview">
          <Overview appId={appId} description={app.description} version={app.version} updatedAt={app.updated_at} status={app.status} />
        </TabsContent>
        <TabsContent value="agents">
          <AgentsTab appId={appId} />
        </TabsContent>
        <TabsContent value="orchestration">
          <OrchestrationEditor appId={appId} />
        </TabsContent>
        <TabsContent value="observability">
          <AppObservability appId={appId} />
        </TabsContent>
        <TabsContent value="evaluations">
          <EvaluationsTab appId={appId} />
        </TabsContent>
        <TabsContent value="settings">
          <Card>
            <CardHeader>
              <CardTitle>Settings</CardTitle>
              <CardDescription>Name and description, archive, delete.</CardDescription>
            </CardHeader>
            <CardContent className="flex flex-wrap gap-2">
              <Button variant="outline" onClick={() => setEditing(true)}>
                Edit name and description
              </Button>
              <Button
                variant="outline"
                disabled={app.status === "archived"}
                onClick={() =>
                  void action("Archived", () => unwrap(api.POST("/apps/{app_id}/archive", { params: { path: { app_id: appId } } })))
                }
              >
                Archive
              </Button>
              <Button
                variant="destructive"
                onClick={async () => {
                  if (!window.confirm(`Delete ${app.name}?`)) return;
                  try {
                    await unwrap(api.DELETE("/apps/{app_id}", { params: { path: { app_id: appId } } }));
                    toast({ title: `Deleted ${app.name}` });
                    router.push("/apps");
                  } catch (err) {
                    toast({ title: "Delete failed", description: errorMessage(err), variant: "destructive" });
                  }
                }}
              >
                Delete
              </Button>
            </CardContent>
          </Card>
          <GateSettings appId={appId} />
          {editing ? (
            <AppFormDialog
              open
              app={app}
              onOpenChange={setEditing}
              onSubmit={async (values) => {
                await unwrap(api.PATCH("/apps/{app_id}", { params: { path: { app_id: appId } }, body: values }));
                await mutate();
                toast({ title: "Saved" });
              }}
            />
          ) : null}
        </TabsContent>
      </Tabs>
    </>
  );
}

function Overview({ appId, description, version, updatedAt, status }: { appId: string; description: string; version: string; updatedAt: string; status: string }) {
  const [since] = useState(() => hoursAgo(24 * 7));
  const { data: metrics } = useMetrics({ app_id: appId, since });
  return (
    <div className="grid gap-4">
      {description ? <p className="text-sm text-muted-foreground">{description}</p> : null}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat label="Runs (7 days)" value={metrics?.runs_total ?? "—"} href={`/apps/${appId}?tab=observability`} />
        <Stat label="Success rate" value={metrics?.success_rate != null ? `${Math.round(metrics.success_rate * 100)} %` : "—"} />
        <Stat label="p95 run latency" value={formatMs(metrics?.run_duration_p95_ms)} />
        <Stat label="Cost (7 days)" value={formatUsd(metrics?.cost_usd)} />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Start a run</CardTitle>
            <CardDescription>{status === "deployed" ? `On release ${version}.` : "Deploy first, or run the saved draft."}</CardDescription>
          </CardHeader>
          <CardContent>
            <RunStartForm appId={appId} draft={status !== "deployed"} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Release</CardTitle>
          </CardHeader>
          <CardContent className="grid gap-2 text-sm">
            <p>
              Current release: <strong>{version || "none yet"}</strong> <StatusBadge status={status} />
            </p>
            <p className="text-muted-foreground">Last change {formatTime(updatedAt)}</p>
            <div className="flex flex-wrap gap-2 pt-2">
              <Button variant="outline" size="sm" asChild>
                <Link href={`/apps/${appId}/onboarding`}>
                  <Sparkles aria-hidden /> Guided setup
                </Link>
              </Button>
              <Button variant="outline" size="sm" asChild>
                <Link href={`/apps/${appId}?tab=orchestration`}>Edit orchestration</Link>
              </Button>
            </div>
          </CardContent>
        </Card>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Release history</CardTitle>
          <CardDescription>Each deploy, newest first, with who deployed it and what it pinned.</CardDescription>
        </CardHeader>
        <CardContent>
          <ReleaseHistory appId={appId} />
        </CardContent>
      </Card>
    </div>
  );
}

function AgentsTab({ appId }: { appId: string }) {
  const { data, error, isLoading, mutate } = useAppAgents(appId);
  if (error) return <ErrorState error={error} retry={() => void mutate()} />;
  if (isLoading || !data) return <LoadingState label="Loading agents…" />;
  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap gap-2">
        <Button asChild>
          <Link href={`/apps/${appId}/agent-library`}>
            <Bot aria-hidden /> Add from the library
          </Link>
        </Button>
        <Button variant="outline" asChild>
          <Link href={`/apps/${appId}/agents/new`}>
            <Plus aria-hidden /> New agent
          </Link>
        </Button>
      </div>
      {data.length === 0 ? (
        <EmptyState title="No agents yet" description="Add agents from the library, then wire them in the orchestration." />
      ) : (
        <Table aria-label="Agents of this app">
          <TableHeader>
            <TableRow>
              <TableHead>Name</TableHead>
              <TableHead>Type</TableHead>
              <TableHead className="hidden sm:table-cell">Model</TableHead>
              <TableHead className="hidden md:table-cell">Id</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {data.map((a) => (
              <TableRow key={a.id}>
                <TableCell>
                  <Link href={`/apps/${appId}/agents/${a.id}`} className="font-medium hover:underline">
                    {a.name}
                  </Link>
                </TableCell>
                <TableCell>{a.type}</TableCell>
                <TableCell className="hidden text-xs sm:table-cell">
                  {a.config.model.provider}/{a.config.model.model_name}
                </TableCell>
                <TableCell className="hidden font-mono text-xs md:table-cell">{a.id}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </div>
  );
}

function AppObservability({ appId }: { appId: string }) {
  const [since] = useState(() => hoursAgo(24 * 7));
  const runs = useRuns({ app_id: appId, limit: 20 });
  const { data: metrics } = useMetrics({ app_id: appId, since });
  const violations = useViolations({ app_id: appId, limit: 10 });
  return (
    <div className="grid gap-4">
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Runs by outcome (7 days)</CardTitle>
          </CardHeader>
          <CardContent>
            <BarChart label="Runs by outcome" bars={Object.entries(metrics?.runs_by_status ?? {}).map(([label, value]) => ({ label, value: Number(value) }))} />
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>Per agent type</CardTitle>
          </CardHeader>
          <CardContent>
            <BarChart
              label="p95 latency per agent type"
              bars={(metrics?.agent_types ?? []).map((a) => ({ label: a.agent_type, value: a.latency_p95_ms ?? 0 }))}
              format={formatMs}
            />
          </CardContent>
        </Card>
      </div>
      <Card>
        <CardHeader>
          <CardTitle>Recent runs</CardTitle>
        </CardHeader>
        <CardContent>
          {runs.error ? <ErrorState error={runs.error} /> : runs.data ? <RunsTable runs={runs.data.items} showApp={false} /> : <LoadingState />}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Schema violations</CardTitle>
        </CardHeader>
        <CardContent>
          {violations.data?.items.length ? (
            <ViolationsTable violations={violations.data.items} />
          ) : (
            <p className="text-sm text-muted-foreground">None recorded.</p>
          )}
        </CardContent>
      </Card>
    </div>
  );
}
