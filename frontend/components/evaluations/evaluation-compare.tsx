"use client";
import Link from "next/link";
import { useComparison } from "@/hooks/use-api";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Badge } from "@/components/ui/badge";
import { ErrorState, LoadingState, PageHeader } from "@/components/shared/states";
import { formatDelta, formatScore, ScoreCell, ShortJson } from "./scores";

const CHANGE: Record<string, "danger" | "warning" | "success" | "info" | "outline"> = {
  regressed: "danger",
  removed: "warning",
  improved: "success",
  added: "info",
  unchanged: "outline",
};

/** Two evaluations field by field, regressions first (the API's order). */
export function EvaluationCompare({ evaluationId, otherId }: { evaluationId: string; otherId: string }) {
  const { data: c, error, mutate } = useComparison(evaluationId, otherId);
  if (error) return <ErrorState error={error} retry={() => void mutate()} />;
  if (!c) return <LoadingState label="Comparing…" />;
  return (
    <>
      <PageHeader
        title="Compare evaluations"
        description={
          <span className="flex flex-wrap items-center gap-3">
            <span>
              baseline{" "}
              <Link className="font-mono text-xs underline" href={`/evaluations/${c.baseline_id}`}>
                {c.baseline_id}
              </Link>{" "}
              ({c.baseline_release}) score {formatScore(c.baseline_score)}
            </span>
            <span>
              candidate{" "}
              <Link className="font-mono text-xs underline" href={`/evaluations/${c.candidate_id}`}>
                {c.candidate_id}
              </Link>{" "}
              ({c.candidate_release}) score {formatScore(c.candidate_score)}
            </span>
            <span>delta {formatDelta(c.score_delta)}</span>
            <strong data-regressions={c.regressions}>
              {c.regressions} regression{c.regressions === 1 ? "" : "s"}
            </strong>
          </span>
        }
      />
      {!c.same_dataset ? <p className="text-sm text-amber-700">The two evaluations ran on different dataset versions.</p> : null}
      <Card>
        <CardHeader>
          <CardTitle>Fields</CardTitle>
          <CardDescription>Regressions first, worst first.</CardDescription>
        </CardHeader>
        <CardContent>
          <Table aria-label="Field comparison">
            <TableHeader>
              <TableRow>
                <TableHead>Field</TableHead>
                <TableHead>Baseline</TableHead>
                <TableHead>Candidate</TableHead>
                <TableHead>Delta</TableHead>
                <TableHead>Change</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {(c.fields ?? []).map((f) => (
                <TableRow key={f.field} data-change={f.change}>
                  <TableCell className="font-mono text-xs">{f.field}</TableCell>
                  <TableCell>
                    <ScoreCell value={f.baseline} />
                  </TableCell>
                  <TableCell>
                    <ScoreCell value={f.candidate} />
                  </TableCell>
                  <TableCell className="tabular-nums">{formatDelta(f.delta)}</TableCell>
                  <TableCell>
                    <Badge variant={CHANGE[f.change] ?? "outline"}>{f.change}</Badge>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      <Card className="mt-4">
        <CardHeader>
          <CardTitle>Items that dropped</CardTitle>
        </CardHeader>
        <CardContent>
          {c.item_regressions?.length ? (
            <Table aria-label="Item regressions">
              <TableHeader>
                <TableRow>
                  <TableHead>#</TableHead>
                  <TableHead>Field</TableHead>
                  <TableHead>Expected</TableHead>
                  <TableHead>Baseline value</TableHead>
                  <TableHead>Candidate value</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {c.item_regressions.map((i) => (
                  <TableRow key={`${i.index}-${i.field}`}>
                    <TableCell>{i.index}</TableCell>
                    <TableCell className="font-mono text-xs">{i.field}</TableCell>
                    <TableCell>
                      <ShortJson value={i.expected} />
                    </TableCell>
                    <TableCell>
                      <ShortJson value={i.baseline_actual} />
                    </TableCell>
                    <TableCell>
                      <ShortJson value={i.candidate_actual} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          ) : (
            <p className="text-sm text-muted-foreground">No item scored lower.</p>
          )}
        </CardContent>
      </Card>
    </>
  );
}
