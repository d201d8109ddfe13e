"use client";
import dynamic from "next/dynamic";
import { LoadingState } from "@/components/shared/states";

/**
 * The Orchestration tab: the visual builder (canvas + YAML over one text, a versioned
 * draft on the server). Loaded on demand, so React Flow, dagre and CodeMirror weigh only
 * on the pages that show it.
 */
const OrchestrationBuilder = dynamic(() => import("@/components/builder/orchestration-builder").then((m) => m.OrchestrationBuilder), {
  ssr: false,
  loading: () => <LoadingState label="Loading the builder…" />,
});

export function OrchestrationEditor({ appId }: { appId: string }) {
  return <OrchestrationBuilder appId={appId} />;
}
