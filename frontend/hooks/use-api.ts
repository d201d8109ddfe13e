"use client";
/** One SWR hook per resource; keys are arrays so a mutation can revalidate a family. */
import useSWR, { type SWRConfiguration } from "swr";
import { api, unwrap, unwrapPage, type App } from "@/lib/api";

export interface AppsQuery {
  limit: number;
  offset: number;
  status?: string;
  q?: string;
  sort?: string;
}

export function useApps(query: AppsQuery) {
  return useSWR(["apps", query], () =>
    unwrapPage(api.GET("/apps", { params: { query: { ...query, status: query.status || undefined, q: query.q || undefined } as never } })) as Promise<{ items: App[]; total: number }>,
    { keepPreviousData: true },
  );
}

export function useAppCount(status?: string) {
  return useSWR(["apps-count", status ?? ""], async () => {
    const page = await unwrapPage(api.GET("/apps", { params: { query: { limit: 1, status: status || undefined } as never } }));
    return page.total;
  });
}

export function useApp(appId: string | undefined) {
  return useSWR(appId ? ["app", appId] : null, () => unwrap(api.GET("/apps/{app_id}", { params: { path: { app_id: appId! } } })));
}

export function useAppAgents(appId: string | undefined) {
  return useSWR(appId ? ["app-agents", appId] : null, () =>
    unwrap(api.GET("/apps/{app_id}/agents", { params: { path: { app_id: appId! } } })),
  );
}

export function useLibrary() {
  return useSWR(["library"], () => unwrap(api.GET("/agents/library")), { revalidateIfStale: false });
}

export function useAgent(agentId: string | undefined) {
  return useSWR(agentId ? ["agent", agentId] : null, () =>
    unwrap(api.GET("/agents/{agent_id}", { params: { path: { agent_id: agentId! } } })),
  );
}

export function useOrchestration(appId: string | undefined) {
  return useSWR(appId ? ["orchestration", appId] : null, async () => {
    const { data, response } = await api.GET("/orchestration/{app_id}", { params: { path: { app_id: appId! } } });
    if (response.status === 404) return null;
    if (!response.ok) return unwrap(api.GET("/orchestration/{app_id}", { params: { path: { app_id: appId! } } }));
    return data ?? null;
  });
}

/** One release with its orchestration as YAML (what a run of it was started with). */
export function useRelease(appId: string | undefined, releaseId: string | null | undefined) {
  return useSWR(appId && releaseId ? ["release", appId, releaseId] : null, () =>
    unwrap(api.GET("/apps/{app_id}/releases/{release_id}", { params: { path: { app_id: appId!, release_id: releaseId! } } })),
  );
}

export function useRun(runId: string | undefined, config?: SWRConfiguration) {
  return useSWR(runId ? ["run", runId] : null, () => unwrap(api.GET("/runs/{run_id}", { params: { path: { run_id: runId! } } })), config);
}

export interface RunsQuery {
  app_id?: string;
  status?: string;
  since?: string;
  limit?: number;
}

export function useRuns(query: RunsQuery, config?: SWRConfiguration) {
  return useSWR(["runs", query], () => unwrap(api.GET("/observability/runs", { params: { query: query as never } })), config);
}

export interface MetricsQuery {
  app_id?: string;
  agent_type?: string;
  since?: string;
  until?: string;
}

export function useMetrics(query: MetricsQuery) {
  return useSWR(["metrics", query], () => unwrap(api.GET("/observability/metrics", { params: { query: query as never } })));
}

export function useViolations(query: { app_id?: string; run_id?: string; since?: string; limit?: number; severity?: "error" | "warning" }) {
  return useSWR(["violations", query], () => unwrap(api.GET("/observability/violations", { params: { query: query as never } })));
}

/** A run's trace; `version` (e.g. how many steps have finished) refetches it as the run goes on. */
export function useTrace(runId: string | undefined, version = 0) {
  return useSWR(runId ? ["trace", runId, version] : null, () =>
    unwrap(api.GET("/observability/traces/{run_id}", { params: { path: { run_id: runId! } } })),
    { keepPreviousData: true },
  );
}

export function usePrompts(q?: string) {
  return useSWR(["prompts", q ?? ""], () => unwrap(api.GET("/prompts", { params: { query: { q: q || undefined, page_size: 100 } as never } })));
}

export function usePrompt(name: string | undefined) {
  return useSWR(name ? ["prompt", name] : null, () => unwrap(api.GET("/prompts/{name}", { params: { path: { name: name! } } })));
}

export function useSchemaRegistry() {
  return useSWR(["schemas"], () => unwrap(api.GET("/schemas", { params: { query: { limit: 100 } as never } })));
}

export function useKeys() {
  return useSWR(["keys"], () => unwrap(api.GET("/auth/keys")));
}

export function useAudit(query: { limit: number; offset: number; action?: string }) {
  return useSWR(["audit", query], () =>
    unwrapPage(api.GET("/audit", { params: { query: { ...query, action: query.action || undefined } as never } })),
  );
}


// --- evaluations ----------------------------------------------------------------------

export function useDatasets(appId: string | undefined) {
  return useSWR(appId ? ["datasets", appId] : null, () =>
    unwrap(api.GET("/apps/{app_id}/datasets", { params: { path: { app_id: appId! } } })),
  );
}

export function useDataset(datasetId: string | undefined) {
  return useSWR(datasetId ? ["dataset", datasetId] : null, () =>
    unwrap(api.GET("/datasets/{dataset_id}", { params: { path: { dataset_id: datasetId! } } })),
  );
}

export function useEvaluations(appId: string | undefined) {
  return useSWR(
    appId ? ["evaluations", appId] : null,
    () => unwrap(api.GET("/apps/{app_id}/evaluations", { params: { path: { app_id: appId! } } })),
    // Follow evaluations in flight: the table updates as they finish.
    { refreshInterval: (rows) => (rows?.some((r) => r.status === "running") ? 2000 : 0) },
  );
}

export function useEvaluation(evaluationId: string | undefined) {
  return useSWR(
    evaluationId ? ["evaluation", evaluationId] : null,
    () => unwrap(api.GET("/evaluations/{evaluation_id}", { params: { path: { evaluation_id: evaluationId! } } })),
    { refreshInterval: (row) => (row?.status === "running" ? 2000 : 0) },
  );
}

export function useComparison(evaluationId: string | undefined, otherId: string | undefined) {
  return useSWR(evaluationId && otherId ? ["comparison", evaluationId, otherId] : null, () =>
    unwrap(
      api.GET("/evaluations/{evaluation_id}/compare/{other_id}", {
        params: { path: { evaluation_id: evaluationId!, other_id: otherId! } },
      }),
    ),
  );
}

/** The app's release gate, or null when it has none (a 404). */
export function useGate(appId: string | undefined) {
  return useSWR(appId ? ["gate", appId] : null, async () => {
    const { data, response } = await api.GET("/apps/{app_id}/gate", { params: { path: { app_id: appId! } } });
    if (response.status === 404) return null;
    if (!response.ok) return unwrap(api.GET("/apps/{app_id}/gate", { params: { path: { app_id: appId! } } }));
    return data ?? null;
  });
}
