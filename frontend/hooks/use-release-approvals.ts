"use client";
import { useEffect, useState } from "react";
import type { OrchestrationSpec } from "@/lib/api";

type Approval = NonNullable<NonNullable<OrchestrationSpec["workflow"]>[number]["approval"]>;

/**
 * The approval steps of a release's orchestration (its YAML), by step id: what a waiting
 * run was started with, whatever was stored since. The YAML parser is loaded only when a
 * run waits for a decision, so the run page's first JavaScript does not carry it.
 */
export function useReleaseApprovals(yamlText: string | undefined): Map<string, Approval> | undefined {
  const [approvals, setApprovals] = useState<{ text: string; map: Map<string, Approval> }>();
  useEffect(() => {
    if (!yamlText || approvals?.text === yamlText) return;
    let live = true;
    void import("yaml").then(({ parse }) => {
      const map = new Map<string, Approval>();
      try {
        const spec = parse(yamlText) as OrchestrationSpec | null;
        for (const step of spec?.workflow ?? []) if (step?.approval) map.set(String(step.step), step.approval);
      } catch {
        // A release's YAML was valid when deployed; an unreadable one shows no form fields.
      }
      if (live) setApprovals({ text: yamlText, map });
    });
    return () => {
      live = false;
    };
  }, [yamlText, approvals?.text]);
  return yamlText && approvals?.text === yamlText ? approvals.map : undefined;
}
