import type { Metadata } from "next";
import { ObservabilityDashboard } from "@/components/observability/observability-dashboard";

export const metadata: Metadata = { title: "Observability" };

export default function ObservabilityPage() {
  return <ObservabilityDashboard />;
}
