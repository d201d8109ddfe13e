"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useSWRConfig } from "swr";
import { ArrowDown, ArrowUp, ArrowUpDown, MoreHorizontal, Plus, Rocket, Sparkles } from "lucide-react";
import { api, unwrap, type App } from "@/lib/api";
import { errorMessage } from "@/lib/errors";
import { patchItem, prependItem, removeItem, replaceItem, withOptimistic, type Page } from "@/lib/optimistic";
import { formatTime } from "@/lib/utils";
import { useApps, type AppsQuery } from "@/hooks/use-api";
import { toast } from "@/hooks/use-toast";
import { Button } from "@/components/ui/button";
import { Input, NativeSelect, Label } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { StatusBadge } from "@/components/shared/status-badge";
import { EmptyState, ErrorState, LoadingState } from "@/components/shared/states";
import { AppFormDialog } from "./app-form-dialog";

const PAGE_SIZE = 10;
type SortField = "name" | "created_at" | "updated_at";

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function AppsTable({ initialStatus = "" }: { initialStatus?: string }) {
  const router = useRouter();
  const { mutate: globalMutate } = useSWRConfig();
  const [text, setText] = useState("");
  const q = useDebounced(text, 250);
  const [status, setStatus] = useState(initialStatus);
  const [sort, setSort] = useState("-created_at");
  // The page resets whenever the search, filter or sort changes.
  const queryKey = `${q}|${status}|${sort}`;
  const [page, setPage] = useState({ key: queryKey, offset: 0 });
  const offset = page.key === queryKey ? page.offset : 0;
  const setOffset = (n: number) => setPage({ key: queryKey, offset: n });
  const query: AppsQuery = { limit: PAGE_SIZE, offset, status, q, sort };
  const { data, error, isLoading, mutate } = useApps(query);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<App | null>(null);
  const [deleting, setDeleting] = useState<App | null>(null);

  const set = (page: Page<App> | undefined, revalidate: boolean) => mutate(page, { revalidate });
  const run = async (label: string, optimistic: (p: Page<App>) => Page<App>, action: () => Promise<unknown>) => {
    try {
      await withOptimistic(() => data, set, optimistic, action);
      void globalMutate((key) => Array.isArray(key) && (key[0] === "apps-count" || key[0] === "app"));
      toast({ title: label });
    } catch (err) {
      toast({ title: `${label} failed`, description: errorMessage(err), variant: "destructive" });
    }
  };

  const toggleSort = (field: SortField) => setSort(sort === field ? `-${field}` : field);
  const sortIcon = (field: SortField) =>
    sort === field ? <ArrowUp aria-hidden /> : sort === `-${field}` ? <ArrowDown aria-hidden /> : <ArrowUpDown aria-hidden className="opacity-40" />;
  const ariaSort = (field: SortField) => (sort === field ? "ascending" : sort === `-${field}` ? "descending" : "none");

  const create = async (values: { name: string; description: string }) => {
    const temp: App = {
      id: `pending-${Date.now()}`,
      name: values.name,
      description: values.description,
      version: "",
      status: "draft",
      agent_count: 0,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    };
    const snapshot = data;
    if (snapshot) void set(prependItem(snapshot, temp), false);
    try {
      const app = await unwrap(api.POST("/apps", { body: values }));
      if (snapshot) void set(prependItem(snapshot, app), true);
      toast({ title: `Created ${app.name}` });
    } catch (err) {
      void set(snapshot, false);
      throw err; // the dialog shows it on its field
    }
  };

  const total = data?.total ?? 0;
  const items = data?.items ?? [];
  return (
    <div className="grid gap-4">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="grid flex-1 gap-1.5">
          <Label htmlFor="apps-search">Search</Label>
          <Input id="apps-search" type="search" placeholder="Name contains…" value={text} onChange={(e) => setText(e.target.value)} />
        </div>
        <div className="grid gap-1.5 sm:w-44">
          <Label htmlFor="apps-status">Status</Label>
          <NativeSelect id="apps-status" value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">All</option>
            <option value="draft">Draft</option>
            <option value="deployed">Deployed</option>
            <option value="archived">Archived</option>
          </NativeSelect>
        </div>
        <div className="flex gap-2">
          <Button variant="outline" onClick={() => router.push("/apps/new/onboarding")}>
            <Sparkles aria-hidden /> Guided setup
          </Button>
          <Button onClick={() => setCreating(true)}>
            <Plus aria-hidden /> New app
          </Button>
        </div>
      </div>

      {error ? (
        <ErrorState error={error} retry={() => void mutate()} />
      ) : isLoading && !data ? (
        <LoadingState label="Loading apps…" />
      ) : items.length === 0 ? (
        <EmptyState
          title={q || status ? "No app matches" : "No apps yet"}
          description={q || status ? "Change the search or the status filter." : "Create an app, or let the guided setup take you to a first run."}
          action={
            q || status ? null : (
              <Button onClick={() => router.push("/apps/new/onboarding")}>
                <Sparkles aria-hidden /> Guided setup
              </Button>
            )
          }
        />
      ) : (
        <div className="rounded-lg border">
          <Table aria-label="Apps">
            <TableHeader>
              <TableRow>
                <TableHead aria-sort={ariaSort("name")}>
                  <button className="inline-flex items-center gap-1 [&_svg]:size-3.5" onClick={() => toggleSort("name")}>
                    Name {sortIcon("name")}
                  </button>
                </TableHead>
                <TableHead>Status</TableHead>
                <TableHead className="hidden sm:table-cell">Version</TableHead>
                <TableHead className="hidden sm:table-cell">Agents</TableHead>
                <TableHead className="hidden md:table-cell" aria-sort={ariaSort("updated_at")}>
                  <button className="inline-flex items-center gap-1 [&_svg]:size-3.5" onClick={() => toggleSort("updated_at")}>
                    Updated {sortIcon("updated_at")}
                  </button>
                </TableHead>
                <TableHead className="w-10">
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.map((app) => (
                <TableRow key={app.id} data-app-id={app.id}>
                  <TableCell className="max-w-64">
                    <Link href={`/apps/${app.id}`} className="font-medium hover:underline">
                      {app.name}
                    </Link>
                    <p className="truncate text-xs text-muted-foreground">{app.description || app.id}</p>
                  </TableCell>
                  <TableCell>
                    <StatusBadge status={app.status} />
                  </TableCell>
                  <TableCell className="hidden sm:table-cell">{app.version || "—"}</TableCell>
                  <TableCell className="hidden sm:table-cell">{app.agent_count}</TableCell>
                  <TableCell className="hidden text-xs text-muted-foreground md:table-cell">{formatTime(app.updated_at)}</TableCell>
                  <TableCell>
                    <DropdownMenu>
                      <DropdownMenuTrigger asChild>
                        <Button variant="ghost" size="icon" aria-label={`Actions for ${app.name}`} disabled={app.id.startsWith("pending-")}>
                          <MoreHorizontal />
                        </Button>
                      </DropdownMenuTrigger>
                      <DropdownMenuContent align="end">
                        <DropdownMenuItem onSelect={() => router.push(`/apps/${app.id}`)}>Open</DropdownMenuItem>
                        <DropdownMenuItem onSelect={() => setEditing(app)}>Edit</DropdownMenuItem>
                        <DropdownMenuItem
                          onSelect={() =>
                            void run(
                              `Deployed ${app.name}`,
                              (p) => patchItem(p, app.id, { status: "deployed" }),
                              () => unwrap(api.POST("/apps/{app_id}/deploy", { params: { path: { app_id: app.id } } })),
                            )
                          }
                        >
                          <Rocket aria-hidden /> Deploy
                        </DropdownMenuItem>
                        <DropdownMenuItem
                          disabled={app.status === "archived"}
                          onSelect={() =>
                            void run(
                              `Archived ${app.name}`,
                              (p) => patchItem(p, app.id, { status: "archived" }),
                              () => unwrap(api.POST("/apps/{app_id}/archive", { params: { path: { app_id: app.id } } })),
                            )
                          }
                        >
                          Archive
                        </DropdownMenuItem>
                        <DropdownMenuSeparator />
                        <DropdownMenuItem variant="destructive" onSelect={() => setDeleting(app)}>
                          Delete
                        </DropdownMenuItem>
                      </DropdownMenuContent>
                    </DropdownMenu>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}

      {total > PAGE_SIZE ? (
        <nav aria-label="Pages" className="flex items-center justify-between text-sm">
          <span className="text-muted-foreground">
            {offset + 1}–{Math.min(offset + PAGE_SIZE, total)} of {total}
          </span>
          <div className="flex gap-2">
            <Button variant="outline" size="sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
              Previous
            </Button>
            <Button variant="outline" size="sm" disabled={offset + PAGE_SIZE >= total} onClick={() => setOffset(offset + PAGE_SIZE)}>
              Next
            </Button>
          </div>
        </nav>
      ) : null}

      {creating ? <AppFormDialog open onOpenChange={setCreating} onSubmit={create} /> : null}
      {editing ? (
        <AppFormDialog
          open
          app={editing}
          onOpenChange={(o) => !o && setEditing(null)}
          onSubmit={async (values) => {
            const app = editing;
            const snapshot = data;
            if (snapshot) void set(patchItem(snapshot, app.id, values), false);
            try {
              const updated = await unwrap(api.PATCH("/apps/{app_id}", { params: { path: { app_id: app.id } }, body: values }));
              if (snapshot) void set(replaceItem(snapshot, updated), true);
              toast({ title: `Saved ${updated.name}` });
            } catch (err) {
              void set(snapshot, false);
              throw err;
            }
          }}
        />
      ) : null}
      <Dialog open={!!deleting} onOpenChange={(o) => !o && setDeleting(null)}>
        <DialogContent>
          <DialogHeader>
            <DialogTitle>Delete {deleting?.name}?</DialogTitle>
            <DialogDescription>The app, its agents and its orchestration are deleted. Runs stay in Temporal&apos;s history.</DialogDescription>
          </DialogHeader>
          <DialogFooter>
            <Button variant="outline" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button
              variant="destructive"
              onClick={() => {
                const app = deleting!;
                setDeleting(null);
                void run(`Deleted ${app.name}`, (p) => removeItem(p, app.id), () =>
                  unwrap(api.DELETE("/apps/{app_id}", { params: { path: { app_id: app.id } } })),
                );
              }}
            >
              Delete
            </Button>
          </DialogFooter>
        </DialogContent>
      </Dialog>
    </div>
  );
}
