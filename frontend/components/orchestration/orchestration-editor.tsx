"use client";
import dynamic from "next/dynamic";
import { useEffect } from "react";
import { preload } from "swr";
import { LoadingState } from "@/components/shared/states";
import { draftKey, loadDraft } from "@/lib/builder/draft";

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
  // the draft is fetched while the builder's code loads, not after it
  useEffect(() => {
    void preload(draftKey(appId), () => loadDraft(appId)).catch(() => undefined);
  }, [appId]);
  return <OrchestrationBuilder appId={appId} />;
}
