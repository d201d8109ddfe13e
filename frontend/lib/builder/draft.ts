/** The builder's draft (`GET /orchestration/{app_id}/draft`): small, in the route's first JS. */
import { rawFetch, type Schemas } from "@/lib/api";
import { toApiError } from "@/lib/errors";

export type Draft = Schemas["OrchestrationDraftPublic"];

export const draftPath = (appId: string) => `/orchestration/${encodeURIComponent(appId)}/draft`;

export const draftKey = (appId: string) => ["draft", appId] as const;

export async function loadDraft(appId: string): Promise<Draft> {
  const response = await rawFetch(draftPath(appId));
  const body = await response.json().catch(() => null);
  if (!response.ok) throw toApiError(response.status, body);
  return body as Draft;
}
