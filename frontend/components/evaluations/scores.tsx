import { cn } from "@/lib/utils";

export function formatScore(value: number | null | undefined): string {
  return value == null ? "—" : value.toFixed(3);
}

export function formatDelta(value: number | null | undefined): string {
  if (value == null) return "—";
  return `${value >= 0 ? "+" : ""}${value.toFixed(3)}`;
}

/** A 0–1 score, coloured: red under 0.5, amber under 1, green at 1. */
export function ScoreCell({ value }: { value: number | null | undefined }) {
  const tone =
    value == null ? "text-muted-foreground" : value >= 1 - 1e-9 ? "text-emerald-700 dark:text-emerald-400" : value >= 0.5 ? "text-amber-700 dark:text-amber-400" : "text-red-700 dark:text-red-400";
  return <span className={cn("tabular-nums", tone)}>{formatScore(value)}</span>;
}

/** A value of a run's outputs or an expectation, short. */
export function ShortJson({ value }: { value: unknown }) {
  if (value === undefined || value === null) return <span className="text-muted-foreground">—</span>;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return (
    <span className="font-mono text-xs" title={text}>
      {text.length > 60 ? `${text.slice(0, 57)}…` : text}
    </span>
  );
}
