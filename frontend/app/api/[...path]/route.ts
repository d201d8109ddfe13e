import { NextResponse, type NextRequest } from "next/server";
import {
  ACCESS_COOKIE,
  apiBase,
  isSecureRequest,
  needsRefresh,
  refreshTokens,
  setSessionCookies,
  type TokenPair,
} from "@/lib/server-session";

/**
 * /api/* → the API (HUB_API_URL), with the session's bearer token added. Bodies and
 * answers stream through untouched (uploads, downloads and Server-Sent Events alike).
 */
export const dynamic = "force-dynamic";

const FORWARDED_REQUEST_HEADERS = [
  "accept",
  "content-type",
  "idempotency-key",
  "last-event-id",
  "if-match",
  "if-none-match",
];
const FORWARDED_RESPONSE_HEADERS = [
  "content-type",
  "content-disposition",
  "content-length",
  "cache-control",
  "etag",
  "retry-after",
  "x-total-count",
  "x-next-cursor",
  "link",
  "x-request-id",
];

async function proxy(req: NextRequest, ctx: { params: Promise<{ path: string[] }> }) {
  const { path } = await ctx.params;
  const target = `${apiBase()}/${path.map(encodeURIComponent).join("/")}${req.nextUrl.search}`;

  let renewed: TokenPair | null = null;
  let token = req.cookies.get(ACCESS_COOKIE)?.value;
  if (token && needsRefresh(req.cookies)) {
    renewed = await refreshTokens(req.cookies);
    if (renewed) token = renewed.access_token;
  }

  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = req.headers.get(name);
    if (value) headers.set(name, value);
  }
  if (token) headers.set("authorization", `Bearer ${token}`);

  const hasBody = !["GET", "HEAD"].includes(req.method);
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: req.method,
      headers,
      body: hasBody ? req.body : undefined,
      // Streams the request body (uploads) instead of buffering it.
      ...(hasBody ? { duplex: "half" } : {}),
      redirect: "manual",
      cache: "no-store",
      signal: req.signal,
    } as RequestInit);
  } catch (err) {
    return NextResponse.json(
      { detail: `The console cannot reach the API at ${apiBase()} (${(err as Error).message}). Is \`hub up\` running?` },
      { status: 502 },
    );
  }

  const out = new NextResponse(upstream.body, { status: upstream.status });
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) out.headers.set(name, value);
  }
  if (upstream.headers.get("content-type")?.startsWith("text/event-stream")) {
    out.headers.set("cache-control", "no-cache, no-transform");
    out.headers.set("x-accel-buffering", "no");
  }
  if (renewed) setSessionCookies(out, renewed, isSecureRequest(req.url, req.headers.get("x-forwarded-proto")));
  return out;
}

export const GET = proxy;
export const POST = proxy;
export const PUT = proxy;
export const PATCH = proxy;
export const DELETE = proxy;
