"use client";
import Link from "next/link";
import type { Violation } from "@/lib/api";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

/**
 * Schema violations, one row each, naming the run they happened in: without the run, the
 * same field failing in several runs reads as one row repeated.
 */
export function ViolationsTable({ violations }: { violations: Violation[] }) {
  return (
    <Table aria-label="Schema violations">
      <TableHeader>
        <TableRow>
          <TableHead>Run</TableHead>
          <TableHead>Step</TableHead>
          <TableHead className="hidden sm:table-cell">Agent</TableHead>
          <TableHead>Where</TableHead>
          <TableHead>Message</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {violations.map((v) => (
          <TableRow key={v.id}>
            <TableCell className="max-w-40 truncate">
              <Link className="font-mono text-xs underline-offset-2 hover:underline" href={`/runs/${v.run_id}`}>
                {v.run_id}
              </Link>
            </TableCell>
            <TableCell className="font-mono text-xs">{v.step_id}</TableCell>
            <TableCell className="hidden text-xs sm:table-cell">{v.agent_type}</TableCell>
            <TableCell className="font-mono text-xs">{v.pointer || "/"}</TableCell>
            <TableCell className="text-xs">{v.message}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
