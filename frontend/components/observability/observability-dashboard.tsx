"use client";
import { useState } from "react";
import { hoursAgo } from "@/lib/time-window";
import { formatMs, formatUsd } from "@/lib/utils";
import { useMetrics, useRuns, useViolations } from "@/hooks/use-api";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Label, NativeSelect } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { ErrorState, LoadingState, PageHeader } from "@/components/shared/states";
import { BarChart, ColumnChart, Stat } from "./charts";
import { RunsTable } from "./runs-table";
import { ViolationsTable } from "./violations-table";

type WindowKey = "24h" | "7d" | "30d";

export function ObservabilityDashboard() {
  const [windowKey, setWindowKey] = useState<WindowKey>("7d");
  const [sinceByWindow] = useState(() => ({ "24h": hoursAgo(24), "7d": hoursAgo(24 * 7), "30d": hoursAgo(24 * 30) }));
  const since = sinceByWindow[windowKey];
  const metrics = useMetrics({ since });
  const runs = useRuns({ since, limit: 25 });
  const violations = useViolations({ since, limit: 25 });
  const m = metrics.data;

  const costByDay = new Map<string, number>();
  const costByApp = new Map<string, number>();
  for (const d of m?.cost_by_day ?? []) {
    costByDay.set(d.day, (costByDay.get(d.day) ?? 0) + d.cost_usd);
    costByApp.set(d.app_id, (costByApp.get(d.app_id) ?? 0) + d.cost_usd);
  }
  return (
    <>
      <PageHeader
        title="Observability"
        description="Runs, latency, cost and schema violations from the runs' records."
        actions={
          <div className="grid gap-1">
            <Label htmlFor="window">Window</Label>
            <NativeSelect id="window" value={windowKey} onChange={(e) => setWindowKey(e.target.value as WindowKey)} className="w-32">
              <option value="24h">24 hours</option>
              <option value="7d">7 days</option>
              <option value="30d">30 days</option>
            </NativeSelect>
          </div>
        }
      />
      {metrics.error ? <ErrorState error={metrics.error} retry={() => void metrics.mutate()} /> : null}
      {!m && !metrics.error ? <LoadingState /> : null}
      {m ? (
        <div className="grid gap-4">
          <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
            <Stat label="Runs" value={m.runs_total ?? 0} />
            <Stat label="Success rate" value={m.success_rate != null ? `${Math.round(m.success_rate * 100)} %` : "—"} />
            <Stat label="p50 / p95 latency" value={`${formatMs(m.run_duration_p50_ms)} / ${formatMs(m.run_duration_p95_ms)}`} />
            <Stat label="Tokens" value={(m.input_tokens ?? 0) + (m.output_tokens ?? 0)} />
            <Stat label="Cost" value={formatUsd(m.cost_usd)} />
          </div>
          <div className="grid gap-4 lg:grid-cols-2">
            <Card>
              <CardHeader>
                <CardTitle>Cost per day</CardTitle>
              </CardHeader>
              <CardContent>
                <ColumnChart label="Cost per day" points={[...costByDay.entries()].sort().map(([x, y]) => ({ x, y }))} format={formatUsd} />
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Runs by outcome</CardTitle>
              </CardHeader>
              <CardContent>
                <BarChart label="Runs by outcome" bars={Object.entries(m.runs_by_status ?? {}).map(([label, value]) => ({ label, value: Number(value) }))} />
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Cost by app</CardTitle>
              </CardHeader>
              <CardContent>
                <BarChart label="Cost by app" bars={[...costByApp.entries()].map(([label, value]) => ({ label, value, href: `/apps/${label}?tab=observability` }))} format={formatUsd} />
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Cost by agent type</CardTitle>
              </CardHeader>
              <CardContent>
                <BarChart label="Cost by agent type" bars={(m.agent_types ?? []).map((a) => ({ label: a.agent_type, value: a.cost_usd ?? 0 }))} format={formatUsd} />
              </CardContent>
            </Card>
            <Card>
              <CardHeader>
                <CardTitle>Cost by model</CardTitle>
              </CardHeader>
              <CardContent>
                {(m.by_model ?? []).length ? (
                  <BarChart label="Cost by model" bars={(m.by_model ?? []).map((b) => ({ label: b.model || "(no model reported)", value: b.cost_usd ?? 0 }))} format={formatUsd} />
                ) : (
                  <p className="text-sm text-muted-foreground">No model calls in this window.</p>
                )}
              </CardContent>
            </Card>
          </div>
          <Card>
            <CardHeader>
              <CardTitle>Per agent type</CardTitle>
            </CardHeader>
            <CardContent>
              <Table aria-label="Per agent type">
                <TableHeader>
                  <TableRow>
                    <TableHead>Agent type</TableHead>
                    <TableHead>Calls</TableHead>
                    <TableHead className="hidden sm:table-cell">Failures</TableHead>
                    <TableHead className="hidden sm:table-cell">Retries</TableHead>
                    <TableHead>p50 / p95</TableHead>
                    <TableHead className="hidden md:table-cell">Violations</TableHead>
                    <TableHead className="hidden md:table-cell">Backlog</TableHead>
                    <TableHead>Cost</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {(m.agent_types ?? []).map((a) => (
                    <TableRow key={a.agent_type}>
                      <TableCell className="font-medium">{a.agent_type}</TableCell>
                      <TableCell>{a.calls ?? 0}</TableCell>
                      <TableCell className="hidden sm:table-cell">{a.failures ?? 0}</TableCell>
                      <TableCell className="hidden sm:table-cell">{a.retries ?? 0}</TableCell>
                      <TableCell>
                        {formatMs(a.latency_p50_ms)} / {formatMs(a.latency_p95_ms)}
                      </TableCell>
                      <TableCell className="hidden md:table-cell">{a.schema_violations ?? 0}</TableCell>
                      <TableCell className="hidden md:table-cell">{a.backlog ?? "—"}</TableCell>
                      <TableCell>{formatUsd(a.cost_usd)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </CardContent>
          </Card>
        </div>
      ) : null}
      <div className="mt-4 grid gap-4">
        <Card>
          <CardHeader>
            <CardTitle>Runs</CardTitle>
          </CardHeader>
          <CardContent>{runs.error ? <ErrorState error={runs.error} /> : runs.data ? <RunsTable runs={runs.data.items} /> : <LoadingState />}</CardContent>
        </Card>
        <Card id="violations">
          <CardHeader>
            <CardTitle>Schema violations</CardTitle>
          </CardHeader>
          <CardContent>
            {violations.data?.items.length ? (
              <ViolationsTable violations={violations.data.items} />
            ) : (
              <p className="text-sm text-muted-foreground">{violations.data ? "No violations in this window." : "Loading…"}</p>
            )}
          </CardContent>
        </Card>
      </div>
    </>
  );
}
