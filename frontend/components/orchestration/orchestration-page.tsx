"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useApps } from "@/hooks/use-api";
import { Label, NativeSelect } from "@/components/ui/input";
import { EmptyState, LoadingState, PageHeader } from "@/components/shared/states";
import { OrchestrationEditor } from "./orchestration-editor";

export function OrchestrationPage({ appId }: { appId?: string }) {
  const router = useRouter();
  const { data } = useApps({ limit: 200, offset: 0, sort: "name" });
  return (
    <>
      <PageHeader title="Orchestration" description="An app's orchestration as a graph and as YAML, one plan: validated by the server as you edit, saved as a draft, deployed with a diff." />
      {!data ? (
        <LoadingState />
      ) : data.items.length === 0 ? (
        <EmptyState title="No apps yet" action={<Link className="underline" href="/apps/new/onboarding">Set one up</Link>} />
      ) : (
        <div className="grid gap-4">
          <div className="grid max-w-sm gap-1.5">
            <Label htmlFor="orch-app">App</Label>
            <NativeSelect id="orch-app" value={appId ?? ""} onChange={(e) => router.replace(`/orchestration?app=${e.target.value}`)}>
              <option value="">Choose an app…</option>
              {data.items.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </NativeSelect>
          </div>
          {appId ? <OrchestrationEditor key={appId} appId={appId} /> : null}
        </div>
      )}
    </>
  );
}
