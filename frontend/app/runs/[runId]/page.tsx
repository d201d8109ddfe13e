import { cookies } from "next/headers";
import type { Run } from "@/lib/api";
import { ACCESS_COOKIE, apiBase } from "@/lib/server-session";
import { RunView } from "@/components/runs/run-view";

/**
 * The run as the API has it now, fetched by the console's server with the session's own
 * token, so the first paint already shows the steps; the page then follows the run live.
 * Any problem (no session, an expired token, a 404) leaves it to the browser.
 */
async function initialRun(runId: string): Promise<Run | null> {
  const token = (await cookies()).get(ACCESS_COOKIE)?.value;
  try {
    const res = await fetch(`${apiBase()}/runs/${encodeURIComponent(runId)}`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      cache: "no-store",
      signal: AbortSignal.timeout(2000),
    });
    return res.ok ? ((await res.json()) as Run) : null;
  } catch {
    return null;
  }
}

export default async function RunPage({ params }: { params: Promise<{ runId: string }> }) {
  const { runId } = await params;
  const id = decodeURIComponent(runId);
  return <RunView runId={id} initialRun={await initialRun(id)} />;
}
