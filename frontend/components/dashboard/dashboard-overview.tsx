"use client";
import Link from "next/link";
import { useState } from "react";
import useSWR from "swr";
import { api, unwrap } from "@/lib/api";
import { hoursAgo, startOfTodayUtc } from "@/lib/time-window";
import { formatMs, formatUsd } from "@/lib/utils";
import { useAppCount, useMetrics, useRuns, useViolations } from "@/hooks/use-api";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { ErrorState, LoadingState, PageHeader } from "@/components/shared/states";
import { BarChart, Stat } from "@/components/observability/charts";

function AppsByStatus() {
  const draft = useAppCount("draft");
  const deployed = useAppCount("deployed");
  const archived = useAppCount("archived");
  const counts = [
    { status: "draft", data: draft.data },
    { status: "deployed", data: deployed.data },
    { status: "archived", data: archived.data },
  ];
  return (
    <div className="grid grid-cols-3 gap-3">
      {counts.map((c) => (
        <Stat key={c.status} label={`Apps ${c.status}`} value={c.data ?? "—"} href={`/apps?status=${c.status}`} />
      ))}
    </div>
  );
}

/** Runs that are running and have a step waiting for approval (from the running runs' details). */
function useWaitingRuns() {
  const running = useRuns({ status: "running", limit: 20 });
  const ids = running.data?.items.map((r) => r.run_id) ?? [];
  return useSWR(running.data ? ["waiting", ids.join(",")] : null, async () => {
    const runs = await Promise.all(
      ids.map((id) => unwrap(api.GET("/runs/{run_id}", { params: { path: { run_id: id } } })).catch(() => null)),
    );
    return runs.filter((r) => r && (r.steps ?? []).some((s) => s.state === "waiting_approval"));
  });
}

export function DashboardOverview() {
  const [since24h] = useState(() => hoursAgo(24));
  const [today] = useState(() => startOfTodayUtc());
  const last24 = useMetrics({ since: since24h });
  const costToday = useMetrics({ since: today });
  // Warnings (a figure not found in the document) are not schema violations.
  const violations = useViolations({ since: since24h, limit: 50, severity: "error" });
  const waiting = useWaitingRuns();

  const byMessage = new Map<string, number>();
  for (const v of violations.data?.items ?? []) {
    const key = `${v.agent_type}: ${v.pointer || "/"} ${v.message}`.slice(0, 120);
    byMessage.set(key, (byMessage.get(key) ?? 0) + 1);
  }
  const topViolations = [...byMessage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);

  return (
    <>
      <PageHeader title="Dashboard" description="The last 24 hours across every app you can see." />
      {last24.error ? <ErrorState error={last24.error} retry={() => void last24.mutate()} className="mb-4" /> : null}
      <div className="grid gap-4">
        <AppsByStatus />
        <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
          <Stat label="Runs (24 h)" value={last24.data?.runs_total ?? "—"} href="/observability" />
          <Stat label="p50 run latency" value={formatMs(last24.data?.run_duration_p50_ms)} href="/observability" />
          <Stat label="p95 run latency" value={formatMs(last24.data?.run_duration_p95_ms)} href="/observability" />
          <Stat label="Cost today (UTC)" value={formatUsd(costToday.data?.cost_usd)} href="/observability" />
        </div>
        <div className="grid gap-4 lg:grid-cols-3">
          <Card>
            <CardHeader>
              <CardTitle>Runs by outcome (24 h)</CardTitle>
            </CardHeader>
            <CardContent>
              {last24.data ? (
                <BarChart
                  label="Runs by outcome"
                  bars={Object.entries(last24.data.runs_by_status ?? {}).map(([label, value]) => ({ label, value: Number(value), href: "/observability" }))}
                />
              ) : (
                <LoadingState />
              )}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Waiting for approval</CardTitle>
            </CardHeader>
            <CardContent>
              {waiting.data === undefined ? (
                <LoadingState />
              ) : waiting.data.length ? (
                <ul className="grid gap-1 text-sm">
                  {waiting.data.map((r) => (
                    <li key={r!.run_id}>
                      <Link className="font-mono text-xs underline" href={`/runs/${r!.run_id}`}>
                        {r!.run_id}
                      </Link>{" "}
                      <span className="text-muted-foreground">
                        {(r!.steps ?? []).filter((s) => s.state === "waiting_approval").map((s) => s.step_id).join(", ")}
                      </span>
                    </li>
                  ))}
                </ul>
              ) : (
                <p className="text-sm text-muted-foreground">Nothing waits for a decision.</p>
              )}
            </CardContent>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Top schema violations (24 h)</CardTitle>
            </CardHeader>
            <CardContent>
              {topViolations.length ? (
                <BarChart label="Top schema violations" bars={topViolations.map(([label, value]) => ({ label, value, href: "/observability#violations" }))} />
              ) : (
                <p className="text-sm text-muted-foreground">No violations recorded.</p>
              )}
            </CardContent>
          </Card>
        </div>
      </div>
    </>
  );
}
