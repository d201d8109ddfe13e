import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "@/lib/api-schema";
import { markSessionExpired } from "@/lib/auth-store";
import { toApiError } from "@/lib/errors";

/** Every call goes to the console's own /api/* proxy, which adds the session's token. */
export const API_PREFIX = "/api";

const sessionMiddleware: Middleware = {
  onResponse({ response }) {
    if (response.status === 401) markSessionExpired();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: API_PREFIX });
api.use(sessionMiddleware);

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The data of an openapi-fetch call, or an ApiError carrying the API's message and fields. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(response.status, error);
  return data as T;
}

/** Like unwrap, plus the X-Total-Count header of a list. */
export async function unwrapPage<T>(call: Promise<FetchResult<T>>): Promise<{ items: T; total: number }> {
  const { data, error, response } = await call;
  if (!response.ok) throw toApiError(response.status, error);
  return { items: data as T, total: Number(response.headers.get("x-total-count") ?? 0) };
}

/** Raw call for bodies openapi-fetch does not model (YAML text, multipart uploads). */
export async function rawFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(API_PREFIX + path, init);
  if (response.status === 401) markSessionExpired();
  return response;
}

export async function rawJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await rawFetch(path, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  if (!response.ok) throw toApiError(response.status, body);
  return body as T;
}

export type Schemas = import("@/lib/api-schema").components["schemas"];
export type App = Schemas["AppPublic"];
export type Agent = Schemas["AgentPublic"];
export type AgentConfig = Schemas["AgentConfig"];
export type LibraryAgent = Schemas["LibraryAgent"];
export type Run = Schemas["RunPublic"];
export type StepProgress = Schemas["StepProgress"];
export type RunSummary = Schemas["RunSummaryPublic"];
export type Metrics = Schemas["MetricsPublic"];
export type Violation = Schemas["ViolationPublic"];
export type Orchestration = Schemas["OrchestrationPublic"];
export type OrchestrationSpec = Schemas["OrchestrationSpec"];
export type ArtifactRef = Schemas["ArtifactRef"];
export type Dataset = Schemas["DatasetPublic"];
export type DatasetItem = Schemas["DatasetItem"];
export type Evaluation = Schemas["EvaluationPublic"];
export type EvaluationSummary = Schemas["EvaluationSummary"];
export type EvaluationComparison = Schemas["EvaluationComparison"];
export type Gate = Schemas["GatePublic"];
