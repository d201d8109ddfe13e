"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api, unwrap } from "@/lib/api";
import { errorFor, errorMessage, fieldErrors } from "@/lib/errors";
import { useLibrary } from "@/hooks/use-api";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { Field, Input, NativeSelect, Textarea } from "@/components/ui/input";
import { LoadingState, PageHeader } from "@/components/shared/states";

export function NewAgentForm({ appId }: { appId: string }) {
  const router = useRouter();
  const { data: library } = useLibrary();
  const [name, setName] = useState("");
  const [type, setType] = useState("");
  const [description, setDescription] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  if (!library) return <LoadingState />;
  const errors = fieldErrors(error);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const agent = await unwrap(
        api.POST("/apps/{app_id}/agents", { params: { path: { app_id: appId } }, body: { name, type: type || library[0]?.type, description } }),
      );
      router.push(`/apps/${appId}/agents/${agent.id}`);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const known = ["name", "type", "description"].some((k) => errorFor(errors, k));
  return (
    <>
      <PageHeader title="New agent" description="Starts from the type's library configuration; configure it on the next page." />
      <Card>
        <CardContent className="pt-4">
          <form className="grid max-w-xl gap-4" onSubmit={submit}>
            <Field id="agent-name" label="Name" error={errorFor(errors, "name")}>
              <Input id="agent-name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!!errorFor(errors, "name")} />
            </Field>
            <Field id="agent-type" label="Type" error={errorFor(errors, "type")}>
              <NativeSelect id="agent-type" value={type || library[0]?.type} onChange={(e) => setType(e.target.value)}>
                {library.map((l) => (
                  <option key={l.type} value={l.type}>
                    {l.name} ({l.type})
                  </option>
                ))}
              </NativeSelect>
            </Field>
            <Field id="agent-description" label="Description" error={errorFor(errors, "description")}>
              <Textarea id="agent-description" value={description} onChange={(e) => setDescription(e.target.value)} />
            </Field>
            {error && !known ? (
              <p role="alert" className="text-sm text-destructive">
                {errorMessage(error)}
              </p>
            ) : null}
            <Button type="submit" disabled={busy} className="justify-self-start">
              Create agent
            </Button>
          </form>
        </CardContent>
      </Card>
    </>
  );
}
