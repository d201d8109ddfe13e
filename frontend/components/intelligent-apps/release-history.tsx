"use client";
import { useState } from "react";
import useSWR from "swr";
import { api } from "@/lib/api";
import { toApiError } from "@/lib/errors";
import { useRelease } from "@/hooks/use-api";
import { diffLines } from "@/lib/prompts";
import { cn, formatTime } from "@/lib/utils";
import { Button } from "@/components/ui/button";
import { Label, NativeSelect } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { EmptyState, ErrorState, LoadingState } from "@/components/shared/states";

type Release = import("@/lib/api-schema").components["schemas"]["ReleaseSummary"];

const PAGE = 10;

/** One page of releases, newest first; `cursor` continues after the previous page's last release. */
function useReleases(appId: string, cursor: string | undefined) {
  return useSWR(["releases", appId, cursor ?? ""], async () => {
    const { data, error, response } = await api.GET("/apps/{app_id}/releases", {
      params: { path: { app_id: appId }, query: { limit: PAGE, cursor } },
    });
    if (!response.ok) throw toApiError(response.status, error);
    return { items: data ?? [], total: Number(response.headers.get("x-total-count") ?? 0), next: response.headers.get("x-next-cursor") };
  });
}

function promptVersions(release: Release): string {
  const versions = (release.agents ?? []).flatMap((a) => Object.values(a.prompt_versions ?? {}));
  return versions.length ? versions.join(", ") : "—";
}

/** The app's releases (who deployed what, when) and a YAML diff between two of them. */
export function ReleaseHistory({ appId }: { appId: string }) {
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const { data, error, isLoading, mutate } = useReleases(appId, cursor);
  const [left, setLeft] = useState<string>("");
  const [right, setRight] = useState<string>("");

  if (error) return <ErrorState error={error} retry={() => void mutate()} />;
  if (isLoading || !data) return <LoadingState label="Loading releases…" />;
  if (data.total === 0) return <EmptyState title="No releases yet" description="Each deploy pins the orchestration and every agent's config in a release." />;

  const items = data.items;
  const to = right || items[0]?.id || "";
  const from = left || items[1]?.id || items[0]?.id || "";
  return (
    <div className="grid gap-4">
      <div className="overflow-x-auto">
        <Table aria-label="Release history">
          <TableHeader>
            <TableRow>
              <TableHead>Version</TableHead>
              <TableHead>Deployed</TableHead>
              <TableHead>By</TableHead>
              <TableHead>Orchestration</TableHead>
              <TableHead>Prompt versions</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((r) => (
              <TableRow key={r.id}>
                <TableCell className="font-medium whitespace-nowrap">
                  {r.version}
                  {r.current ? <span className="ml-2 rounded border px-1.5 py-0.5 text-xs">current</span> : null}
                </TableCell>
                <TableCell className="whitespace-nowrap">{formatTime(r.deployed_at)}</TableCell>
                <TableCell className="max-w-40 truncate" title={r.deployed_by ?? undefined}>
                  {r.deployed_by ?? "—"}
                </TableCell>
                <TableCell>
                  <code className="text-xs" title={`plan ${r.plan_hash}`}>
                    {r.orchestration_hash.slice(0, 10)}
                  </code>{" "}
                  <span className="text-xs text-muted-foreground">{r.step_count} steps</span>
                </TableCell>
                <TableCell className="max-w-64 truncate text-xs" title={promptVersions(r)}>
                  {promptVersions(r)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <div className="flex items-center justify-between gap-2 text-sm">
        <span className="text-muted-foreground">{data.total} releases</span>
        <div className="flex gap-2">
          <Button variant="outline" size="sm" disabled={!cursors.length} onClick={() => setCursors((c) => c.slice(0, -1))}>
            Newer
          </Button>
          <Button variant="outline" size="sm" disabled={!data.next} onClick={() => data.next && setCursors((c) => [...c, data.next!])}>
            Older
          </Button>
        </div>
      </div>
      {items.length > 1 ? <ReleaseDiff appId={appId} items={items} from={from} to={to} setFrom={setLeft} setTo={setRight} /> : null}
    </div>
  );
}

function ReleaseDiff({
  appId,
  items,
  from,
  to,
  setFrom,
  setTo,
}: {
  appId: string;
  items: Release[];
  from: string;
  to: string;
  setFrom: (id: string) => void;
  setTo: (id: string) => void;
}) {
  const a = useRelease(appId, from);
  const b = useRelease(appId, to);
  const error = a.error ?? b.error;
  const lines = a.data && b.data ? diffLines(a.data.orchestration_yaml, b.data.orchestration_yaml) : null;
  const changed = lines?.some((l) => l.kind !== "same");
  return (
    <div className="grid gap-2">
      <div className="flex flex-wrap items-end gap-3">
        <div className="grid gap-1">
          <Label htmlFor="release-from">Compare release</Label>
          <NativeSelect id="release-from" value={from} onChange={(e) => setFrom(e.target.value)} className="w-32">
            {items.map((r) => (
              <option key={r.id} value={r.id}>
                {r.version}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid gap-1">
          <Label htmlFor="release-to">with</Label>
          <NativeSelect id="release-to" value={to} onChange={(e) => setTo(e.target.value)} className="w-32">
            {items.map((r) => (
              <option key={r.id} value={r.id}>
                {r.version}
              </option>
            ))}
          </NativeSelect>
        </div>
      </div>
      {error ? (
        <ErrorState error={error} />
      ) : !lines ? (
        <LoadingState label="Loading the orchestrations…" />
      ) : (
        <>
          {!changed ? <p className="text-sm text-muted-foreground">Same orchestration in both releases.</p> : null}
          <pre tabIndex={0} aria-label="Orchestration diff between releases" className="max-h-80 overflow-auto rounded-md border bg-muted/40 p-2 text-xs whitespace-pre-wrap break-words">
            {lines.map((l, i) => (
              <div
                key={i}
                className={cn(
                  l.kind === "added" && "bg-emerald-100 text-emerald-950 dark:bg-emerald-950 dark:text-emerald-50",
                  l.kind === "removed" && "bg-red-100 text-red-950 dark:bg-red-950 dark:text-red-50",
                )}
              >
                {l.kind === "added" ? "+ " : l.kind === "removed" ? "- " : "  "}
                {l.text}
              </div>
            ))}
          </pre>
        </>
      )}
    </div>
  );
}
