"use client";
import Link from "next/link";
import type { RunSummary } from "@/lib/api";
import { formatMs, formatTime, formatUsd } from "@/lib/utils";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { StatusBadge } from "@/components/shared/status-badge";
import { EmptyState } from "@/components/shared/states";

export function RunsTable({ runs, showApp = true }: { runs: RunSummary[]; showApp?: boolean }) {
  if (!runs.length) return <EmptyState title="No runs" description="Runs appear here once started." />;
  return (
    <Table aria-label="Runs">
      <TableHeader>
        <TableRow>
          <TableHead>Run</TableHead>
          <TableHead>Status</TableHead>
          {showApp ? <TableHead className="hidden sm:table-cell">App</TableHead> : null}
          <TableHead className="hidden md:table-cell">Started</TableHead>
          <TableHead>Duration</TableHead>
          <TableHead className="hidden sm:table-cell">Tokens</TableHead>
          <TableHead className="hidden sm:table-cell">Cost</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {runs.map((r) => (
          <TableRow key={r.run_id}>
            <TableCell className="max-w-48 truncate">
              <Link href={`/runs/${r.run_id}`} className="font-mono text-xs underline-offset-2 hover:underline">
                {r.run_id}
              </Link>
            </TableCell>
            <TableCell>
              <StatusBadge status={r.status} />
            </TableCell>
            {showApp ? (
              <TableCell className="hidden text-xs sm:table-cell">
                {r.app_id ? (
                  <Link href={`/apps/${r.app_id}`} className="hover:underline">
                    {r.app_id}
                  </Link>
                ) : (
                  "—"
                )}
              </TableCell>
            ) : null}
            <TableCell className="hidden text-xs md:table-cell">{formatTime(r.started_at)}</TableCell>
            <TableCell>{formatMs(r.duration_ms)}</TableCell>
            <TableCell className="hidden sm:table-cell">{r.tokens ?? 0}</TableCell>
            <TableCell className="hidden sm:table-cell">{formatUsd(r.cost_usd)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
