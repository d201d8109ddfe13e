"use client";
import { useState } from "react";
import { usePrompt } from "@/hooks/use-api";
import { diffLines, templateText } from "@/lib/prompts";
import { cn } from "@/lib/utils";
import { Label, NativeSelect } from "@/components/ui/input";
import { ErrorState, LoadingState } from "@/components/shared/states";

/** A prompt's versions from MLflow, with a diff between two of them. */
export function PromptVersions({ name, idPrefix = "pv" }: { name: string; idPrefix?: string }) {
  const { data, error, isLoading } = usePrompt(name);
  const [chosenLeft, setLeft] = useState<number | null>(null);
  const [chosenRight, setRight] = useState<number | null>(null);
  if (error) return <ErrorState error={error} />;
  if (isLoading || !data) return <LoadingState label="Loading versions…" />;
  // By default the latest version against the one before it.
  const sorted = data.versions.map((v) => v.version).sort((x, y) => x - y);
  const right = chosenRight ?? sorted[sorted.length - 1] ?? null;
  const left = chosenLeft ?? (sorted.length > 1 ? sorted[sorted.length - 2] : (sorted[0] ?? null));
  const byVersion = new Map(data.versions.map((v) => [v.version, v]));
  const a = left != null ? byVersion.get(left) : undefined;
  const b = right != null ? byVersion.get(right) : undefined;
  const lines = a && b ? diffLines(templateText(a.template), templateText(b.template)) : [];
  return (
    <div className="grid gap-3">
      <div className="flex flex-wrap gap-1 text-xs">
        {Object.entries(data.aliases ?? {}).map(([alias, v]) => (
          <span key={alias} className="rounded border px-1.5 py-0.5">
            @{alias} → v{v}
          </span>
        ))}
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <div className="grid gap-1">
          <Label htmlFor={`${idPrefix}-from`}>Compare version</Label>
          <NativeSelect id={`${idPrefix}-from`} value={left ?? ""} onChange={(e) => setLeft(Number(e.target.value))} className="w-28">
            {data.versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </NativeSelect>
        </div>
        <div className="grid gap-1">
          <Label htmlFor={`${idPrefix}-to`}>with</Label>
          <NativeSelect id={`${idPrefix}-to`} value={right ?? ""} onChange={(e) => setRight(Number(e.target.value))} className="w-28">
            {data.versions.map((v) => (
              <option key={v.version} value={v.version}>
                v{v.version}
              </option>
            ))}
          </NativeSelect>
        </div>
      </div>
      <pre tabIndex={0} className="max-h-80 overflow-auto rounded-md border bg-muted/40 p-2 text-xs whitespace-pre-wrap break-words" aria-label={`Diff of ${name}`}>
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
    </div>
  );
}
