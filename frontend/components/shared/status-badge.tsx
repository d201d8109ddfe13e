import { Badge } from "@/components/ui/badge";

const VARIANTS: Record<string, "success" | "warning" | "danger" | "info" | "secondary" | "outline"> = {
  active: "success",
  deployed: "success",
  completed: "success",
  draft: "secondary",
  pending: "outline",
  running: "info",
  waiting_approval: "warning",
  archived: "outline",
  failed: "danger",
  timed_out: "danger",
  terminated: "danger",
  canceled: "warning",
  skipped: "outline",
};

export function StatusBadge({ status }: { status: string | null | undefined }) {
  const value = status ?? "unknown";
  return (
    <Badge variant={VARIANTS[value] ?? "secondary"} data-status={value}>
      {value.replace(/_/g, " ")}
    </Badge>
  );
}
