"use client";
import Link from "next/link";
import { formatMs, formatTime, formatUsd } from "@/lib/utils";
import { useEvaluation } from "@/hooks/use-api";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { StatusBadge } from "@/components/shared/status-badge";
import { ErrorState, LoadingState, PageHeader } from "@/components/shared/states";
import { Stat } from "@/components/observability/charts";
import { formatScore, ScoreCell, ShortJson } from "./scores";

/** One evaluation: its score, per-field scores and every item with its run. */
export function EvaluationDetail({ evaluationId }: { evaluationId: string }) {
  const { data: e, error, mutate } = useEvaluation(evaluationId);
  if (error) return <ErrorState error={error} retry={() => void mutate()} />;
  if (!e) return <LoadingState label="Loading the evaluation…" />;
  return (
    <>
      <PageHeader
        title={`Evaluation ${e.id}`}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <StatusBadge status={e.status} />
            <Link href={`/apps/${e.app_id}?tab=evaluations`} className="font-mono text-xs underline">
              {e.app_id}
            </Link>
            <span>
              release {e.release}
              {e.app_version && e.app_version !== e.release ? ` ${e.app_version}` : ""}
            </span>
            <span>
              dataset {e.dataset_name} v{e.dataset_version}
            </span>
            {e.judge_config ? <span>LLM judge {e.judge_config.provider}/{e.judge_config.model}</span> : null}
          </span>
        }
      />
      {e.error ? <ErrorState error={new Error(e.error)} /> : null}
      <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat label="Score" value={formatScore(e.score)} />
        <Stat label="Items" value={`${e.items_done}/${e.items_total}`} />
        <Stat label="p50 latency" value={formatMs(e.latency_p50_ms)} />
        <Stat label="Cost" value={formatUsd(e.cost_usd)} />
      </div>
      <Card className="mt-4">
        <CardHeader>
          <CardTitle>Per field</CardTitle>
          <CardDescription>The mean of each field&apos;s scores over the items expecting it.</CardDescription>
        </CardHeader>
        <CardContent>
          <Table aria-label="Field scores">
            <TableHeader>
              <TableRow>
                <TableHead>Field</TableHead>
                <TableHead>Score</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {Object.entries(e.field_scores ?? {}).map(([field, score]) => (
                <TableRow key={field}>
                  <TableCell className="font-mono text-xs">{field}</TableCell>
                  <TableCell>
                    <ScoreCell value={score} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      <Card className="mt-4">
        <CardHeader>
          <CardTitle>Items</CardTitle>
          <CardDescription>
            Started {formatTime(e.created_at)}
            {e.finished_at ? `, finished ${formatTime(e.finished_at)}` : ""}.
          </CardDescription>
        </CardHeader>
        <CardContent className="overflow-x-auto">
          <Table aria-label="Items">
            <TableHeader>
              <TableRow>
                <TableHead>#</TableHead>
                <TableHead>Run</TableHead>
                <TableHead>Status</TableHead>
                <TableHead>Score</TableHead>
                <TableHead>Fields (expected → actual)</TableHead>
                <TableHead className="hidden md:table-cell">Latency</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {(e.items ?? []).map((item) => (
                <TableRow key={item.index}>
                  <TableCell>{item.index}</TableCell>
                  <TableCell>
                    {item.run_id ? (
                      <Link href={`/runs/${item.run_id}`} className="font-mono text-xs underline">
                        {item.run_id}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </TableCell>
                  <TableCell>
                    <StatusBadge status={item.status} />
                    {item.error ? <p className="max-w-xs text-xs text-destructive">{item.error}</p> : null}
                  </TableCell>
                  <TableCell>
                    <ScoreCell value={item.score} />
                  </TableCell>
                  <TableCell>
                    <ul className="grid gap-0.5">
                      {(item.fields ?? []).map((f) => (
                        <li key={f.field} className="flex flex-wrap items-center gap-1 text-xs">
                          <span className="font-mono">{f.field}</span>
                          <ShortJson value={f.expected} /> → <ShortJson value={f.actual} />
                          <ScoreCell value={f.score} />
                          <span className="text-muted-foreground">({f.scorer})</span>
                        </li>
                      ))}
                    </ul>
                  </TableCell>
                  <TableCell className="hidden text-xs md:table-cell">{formatMs(item.latency_ms)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
    </>
  );
}
