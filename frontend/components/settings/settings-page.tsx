"use client";
import { useState } from "react";
import { Copy, KeyRound } from "lucide-react";
import { api, unwrap } from "@/lib/api";
import { errorFor, errorMessage, fieldErrors } from "@/lib/errors";
import { formatTime } from "@/lib/utils";
import { useAudit, useKeys } from "@/hooks/use-api";
import { toast } from "@/hooks/use-toast";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Field, Input, NativeSelect } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@/components/shared/states";
import { PriceTableCard } from "./price-table-card";

function KeysCard() {
  const { data, error, mutate } = useKeys();
  const [name, setName] = useState("");
  const [role, setRole] = useState("operator");
  const [teams, setTeams] = useState("*");
  const [formError, setFormError] = useState<unknown>(null);
  const [created, setCreated] = useState<string | null>(null);
  const errors = fieldErrors(formError);
  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    setFormError(null);
    try {
      const key = await unwrap(
        api.POST("/auth/keys", {
          body: { name, role: role as "viewer", teams: teams.split(",").map((t) => t.trim()).filter(Boolean) },
        }),
      );
      setCreated(key.api_key);
      setName("");
      await mutate();
    } catch (err) {
      setFormError(err);
    }
  };
  const revoke = async (id: string) => {
    try {
      await unwrap(api.DELETE("/auth/keys/{key_id}", { params: { path: { key_id: id } } }));
      toast({ title: "Key revoked" });
      await mutate();
    } catch (err) {
      toast({ title: "Revoke failed", description: errorMessage(err), variant: "destructive" });
    }
  };
  return (
    <Card>
      <CardHeader>
        <CardTitle>API keys</CardTitle>
        <CardDescription>Service accounts: a key is shown once, when it is created.</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        <form onSubmit={create} className="grid gap-3 sm:grid-cols-[1fr_10rem_10rem_auto] sm:items-end">
          <Field id="key-name" label="Name" error={errorFor(errors, "name")}>
            <Input id="key-name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!!errorFor(errors, "name")} />
          </Field>
          <Field id="key-role" label="Role" error={errorFor(errors, "role")}>
            <NativeSelect id="key-role" value={role} onChange={(e) => setRole(e.target.value)}>
              <option>viewer</option>
              <option>operator</option>
              <option>editor</option>
              <option>admin</option>
            </NativeSelect>
          </Field>
          <Field id="key-teams" label="Teams (comma-separated)" error={errorFor(errors, "teams")}>
            <Input id="key-teams" value={teams} onChange={(e) => setTeams(e.target.value)} />
          </Field>
          <Button type="submit">
            <KeyRound aria-hidden /> Create key
          </Button>
        </form>
        {formError && !Object.keys(errors).length ? (
          <p role="alert" className="text-sm text-destructive">
            {errorMessage(formError)}
          </p>
        ) : null}
        {error ? (
          <ErrorState error={error} />
        ) : !data ? (
          <LoadingState />
        ) : (
          <Table aria-label="API keys">
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Role</TableHead>
                <TableHead className="hidden sm:table-cell">Teams</TableHead>
                <TableHead className="hidden sm:table-cell">Key</TableHead>
                <TableHead className="hidden md:table-cell">Created</TableHead>
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {data.map((k) => (
                <TableRow key={k.id}>
                  <TableCell className="font-medium">{k.name}</TableCell>
                  <TableCell>{k.role}</TableCell>
                  <TableCell className="hidden sm:table-cell">{k.teams.join(", ")}</TableCell>
                  <TableCell className="hidden font-mono text-xs sm:table-cell">{k.key_prefix}…</TableCell>
                  <TableCell className="hidden text-xs md:table-cell">{formatTime(k.created_at)}</TableCell>
                  <TableCell>
                    {k.revoked_at ? (
                      <Badge variant="outline">revoked</Badge>
                    ) : (
                      <Button variant="outline" size="sm" onClick={() => void revoke(k.id)} aria-label={`Revoke ${k.name}`}>
                        Revoke
                      </Button>
                    )}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        <Dialog open={!!created} onOpenChange={(o) => !o && setCreated(null)}>
          <DialogContent>
            <DialogHeader>
              <DialogTitle>Copy the key now</DialogTitle>
              <DialogDescription>It is not shown again: the hub stores only its hash.</DialogDescription>
            </DialogHeader>
            <code className="rounded-md border bg-muted p-3 font-mono text-xs break-all" data-testid="new-key">
              {created}
            </code>
            <DialogFooter>
              <Button
                variant="outline"
                onClick={() => {
                  void navigator.clipboard?.writeText(created ?? "");
                  toast({ title: "Copied" });
                }}
              >
                <Copy aria-hidden /> Copy
              </Button>
              <Button onClick={() => setCreated(null)}>Done</Button>
            </DialogFooter>
          </DialogContent>
        </Dialog>
      </CardContent>
    </Card>
  );
}

const AUDIT_PAGE = 20;

function AuditCard() {
  const [offset, setOffset] = useState(0);
  const [action, setAction] = useState("");
  const { data, error } = useAudit({ limit: AUDIT_PAGE, offset, action });
  return (
    <Card>
      <CardHeader>
        <CardTitle>Audit log</CardTitle>
        <CardDescription>Every change, who made it and when (append-only).</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        <Field id="audit-action" label="Action" className="max-w-xs">
          <Input id="audit-action" value={action} placeholder="e.g. app.deploy" onChange={(e) => { setAction(e.target.value); setOffset(0); }} />
        </Field>
        {error ? (
          <ErrorState error={error} />
        ) : !data ? (
          <LoadingState />
        ) : data.items.length === 0 ? (
          <EmptyState title="No audit events" />
        ) : (
          <>
            <Table aria-label="Audit events">
              <TableHeader>
                <TableRow>
                  <TableHead>When</TableHead>
                  <TableHead>Actor</TableHead>
                  <TableHead>Action</TableHead>
                  <TableHead className="hidden sm:table-cell">Object</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {data.items.map((e) => (
                  <TableRow key={e.id}>
                    <TableCell className="text-xs">{formatTime(e.at)}</TableCell>
                    <TableCell className="text-xs">{e.actor}</TableCell>
                    <TableCell>{e.action}</TableCell>
                    <TableCell className="hidden font-mono text-xs sm:table-cell">
                      {e.object_type} {e.object_id}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            <nav aria-label="Audit pages" className="flex items-center justify-between text-sm">
              <span className="text-muted-foreground">
                {offset + 1}–{Math.min(offset + AUDIT_PAGE, data.total)} of {data.total}
              </span>
              <div className="flex gap-2">
                <Button variant="outline" size="sm" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - AUDIT_PAGE))}>
                  Previous
                </Button>
                <Button variant="outline" size="sm" disabled={offset + AUDIT_PAGE >= data.total} onClick={() => setOffset(offset + AUDIT_PAGE)}>
                  Next
                </Button>
              </div>
            </nav>
          </>
        )}
      </CardContent>
    </Card>
  );
}

export function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="API keys, prices and the audit log." />
      <div className="grid gap-4">
        <KeysCard />
        <PriceTableCard />
        <AuditCard />
      </div>
    </>
  );
}
