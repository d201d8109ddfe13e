"use client";
import Link from "next/link";
import { useState } from "react";
import { useSWRConfig } from "swr";
import { Plus } from "lucide-react";
import { api, unwrap, type LibraryAgent } from "@/lib/api";
import { errorMessage } from "@/lib/errors";
import { useAppAgents, useLibrary } from "@/hooks/use-api";
import { toast } from "@/hooks/use-toast";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState, ErrorState, LoadingState } from "@/components/shared/states";

function AgentCard({ agent, action }: { agent: LibraryAgent; action?: React.ReactNode }) {
  const model = agent.default_config.model;
  const inputs = Object.keys((agent.input_schema as { properties?: object }).properties ?? {});
  const outputs = Object.keys((agent.output_schema as { properties?: object }).properties ?? {});
  return (
    <Card className="flex flex-col">
      <CardHeader>
        <CardTitle>{agent.name}</CardTitle>
        <CardDescription>{agent.description}</CardDescription>
      </CardHeader>
      <CardContent className="grid flex-1 content-start gap-2 text-sm">
        <div className="flex flex-wrap gap-1">
          <Badge variant="secondary">{agent.type}</Badge>
          <Badge variant="outline">
            {model.provider}/{model.model_name}
          </Badge>
        </div>
        {inputs.length ? <p className="text-xs text-muted-foreground">reads: {inputs.join(", ")}</p> : null}
        {outputs.length ? <p className="text-xs text-muted-foreground">writes: {outputs.join(", ")}</p> : null}
        {agent.tools.length ? (
          <p className="text-xs text-muted-foreground">tools: {agent.tools.map((t) => t.id + (t.sensitive ? " (sensitive)" : "")).join(", ")}</p>
        ) : null}
        {action ? <div className="pt-2">{action}</div> : null}
      </CardContent>
    </Card>
  );
}

/** The built-in agent types; with an app, each card adds that type to the app. */
export function AgentLibrary({ appId }: { appId?: string }) {
  const { data, error, isLoading, mutate } = useLibrary();
  const appAgents = useAppAgents(appId);
  const { mutate: globalMutate } = useSWRConfig();
  const [busy, setBusy] = useState<string | null>(null);
  if (error) return <ErrorState error={error} retry={() => void mutate()} />;
  if (isLoading || !data) return <LoadingState label="Loading the library…" />;
  if (!data.length) return <EmptyState title="The library is empty" />;
  const add = async (agent: LibraryAgent) => {
    if (!appId) return;
    setBusy(agent.type);
    try {
      const created = await unwrap(
        api.POST("/apps/{app_id}/agents", { params: { path: { app_id: appId } }, body: { name: agent.name, type: agent.type, description: agent.description } }),
      );
      toast({ title: `Added ${created.name}`, description: created.id });
      await globalMutate(["app-agents", appId]);
      void globalMutate(["app", appId]);
    } catch (err) {
      toast({ title: "Could not add the agent", description: errorMessage(err), variant: "destructive" });
    } finally {
      setBusy(null);
    }
  };
  const count = (type: string) => appAgents.data?.filter((a) => a.type === type).length ?? 0;
  return (
    <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
      {data.map((agent) => (
        <AgentCard
          key={agent.type}
          agent={agent}
          action={
            appId ? (
              <div className="flex items-center gap-2">
                <Button size="sm" onClick={() => void add(agent)} disabled={busy === agent.type}>
                  <Plus aria-hidden /> Add to app
                </Button>
                {count(agent.type) ? <span className="text-xs text-muted-foreground">{count(agent.type)} in this app</span> : null}
              </div>
            ) : null
          }
        />
      ))}
      {appId ? (
        <p className="text-sm sm:col-span-2 xl:col-span-4">
          <Link className="underline" href={`/apps/${appId}?tab=agents`}>
            Back to the app&apos;s agents
          </Link>
        </p>
      ) : null}
    </div>
  );
}
