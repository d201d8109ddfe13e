"use client";
import { useState } from "react";
import { api, unwrap } from "@/lib/api";
import { errorMessage, fieldErrors } from "@/lib/errors";
import { payloadFieldError, payloadFrom, schemaFields } from "@/lib/json-schema-form";
import { Button } from "@/components/ui/button";
import { Field, Input, NativeSelect, Textarea } from "@/components/ui/input";
import { toast } from "@/hooks/use-toast";

/** Approve or reject a waiting step, with a form generated from the approval's JSON Schema. */
export function ApprovalForm({
  runId,
  stepId,
  prompt,
  schema,
  onDone,
}: {
  runId: string;
  stepId: string;
  prompt?: string;
  schema?: unknown;
  onDone: () => void;
}) {
  const fields = schemaFields(schema);
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [comment, setComment] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(error);

  const decide = async (approved: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.POST("/runs/{run_id}/approvals", {
          params: { path: { run_id: runId } },
          body: { step_id: stepId, approved, payload: payloadFrom(fields, values), comment },
        }),
      );
      toast({ title: approved ? `Approved ${stepId}` : `Rejected ${stepId}` });
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const otherError = error && !fields.some((f) => payloadFieldError(errors, f.name)) ? errorMessage(error) : null;
  return (
    <form
      className="grid gap-3 rounded-md border border-amber-300 bg-amber-50 p-4 dark:bg-amber-950"
      aria-label={`Approval of ${stepId}`}
      onSubmit={(e) => {
        e.preventDefault();
        void decide(true);
      }}
    >
      <p className="font-medium">Step {stepId} waits for approval</p>
      {prompt ? <p className="text-sm">{prompt}</p> : null}
      {fields.map((f) => {
        const id = `approval-${stepId}-${f.name}`;
        const message = payloadFieldError(errors, f.name);
        return (
          <Field key={f.name} id={id} label={f.label + (f.required ? " *" : "")} error={message} hint={f.description}>
            {f.kind === "boolean" ? (
              <input id={id} type="checkbox" className="size-4" checked={!!values[f.name]} onChange={(e) => setValues({ ...values, [f.name]: e.target.checked })} />
            ) : f.kind === "enum" ? (
              <NativeSelect id={id} value={String(values[f.name] ?? "")} onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}>
                <option value="">—</option>
                {f.options?.map((o) => (
                  <option key={o}>{o}</option>
                ))}
              </NativeSelect>
            ) : (
              <Input
                id={id}
                inputMode={f.kind === "number" || f.kind === "integer" ? "decimal" : undefined}
                value={String(values[f.name] ?? "")}
                aria-invalid={!!message}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
              />
            )}
          </Field>
        );
      })}
      <Field id={`approval-${stepId}-comment`} label="Comment">
        <Textarea id={`approval-${stepId}-comment`} value={comment} onChange={(e) => setComment(e.target.value)} rows={2} />
      </Field>
      {otherError ? (
        <p role="alert" className="text-sm text-destructive">
          {otherError}
        </p>
      ) : null}
      <div className="flex gap-2">
        <Button type="submit" disabled={busy}>
          Approve
        </Button>
        <Button type="button" variant="destructive" disabled={busy} onClick={() => void decide(false)}>
          Reject
        </Button>
      </div>
    </form>
  );
}

