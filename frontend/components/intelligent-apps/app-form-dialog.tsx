"use client";
import { useState } from "react";
import type { App } from "@/lib/api";
import { errorFor, errorMessage, fieldErrors } from "@/lib/errors";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Field, Input, Textarea } from "@/components/ui/input";

/** Create or edit an app's name and description; the API's 422 shows on its field. */
export function AppFormDialog({
  open,
  onOpenChange,
  app,
  onSubmit,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  app?: App;
  onSubmit: (values: { name: string; description: string }) => Promise<void>;
}) {
  const [name, setName] = useState(app?.name ?? "");
  const [description, setDescription] = useState(app?.description ?? "");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(error);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await onSubmit({ name, description });
      onOpenChange(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const nameError = errorFor(errors, "name");
  const descriptionError = errorFor(errors, "description");
  const other = error && !nameError && !descriptionError ? errorMessage(error) : null;
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{app ? "Edit app" : "New app"}</DialogTitle>
          <DialogDescription>{app ? app.id : "An app groups agents and the orchestration that wires them."}</DialogDescription>
        </DialogHeader>
        <form onSubmit={submit} className="grid gap-4">
          <Field id="app-name" label="Name" error={nameError}>
            <Input id="app-name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!!nameError} autoFocus />
          </Field>
          <Field id="app-description" label="Description" error={descriptionError}>
            <Textarea id="app-description" value={description} onChange={(e) => setDescription(e.target.value)} aria-invalid={!!descriptionError} />
          </Field>
          {other ? (
            <p role="alert" className="text-sm text-destructive">
              {other}
            </p>
          ) : null}
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={busy}>
              {busy ? "Saving…" : app ? "Save" : "Create"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
