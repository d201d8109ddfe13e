import { NextResponse, type NextRequest } from "next/server";
import {
  ACCESS_COOKIE,
  EXPIRES_COOKIE,
  REFRESH_COOKIE,
  apiBase,
  clearSessionCookies,
  isSecureRequest,
  needsRefresh,
  refreshTokens,
  setSessionCookies,
  type TokenPair,
} from "@/lib/server-session";

/**
 * The console's login session.
 *   GET    → {authenticated, auth_required, me, expires_at}  (renews the tokens when due)
 *   POST   {api_key} → exchanges the key at the API's /auth/token; tokens go to httpOnly cookies
 *   DELETE → revokes the refresh token and clears the cookies
 */
export const dynamic = "force-dynamic";

async function whoAmI(token: string | undefined) {
  const res = await fetch(`${apiBase()}/auth/me`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    cache: "no-store",
  });
  return { status: res.status, body: res.ok ? await res.json() : null };
}

export async function GET(req: NextRequest) {
  let token = req.cookies.get(ACCESS_COOKIE)?.value;
  let renewed: TokenPair | null = null;
  if (req.cookies.get(REFRESH_COOKIE) && (!token || needsRefresh(req.cookies))) {
    renewed = await refreshTokens(req.cookies);
    if (renewed) token = renewed.access_token;
  }
  let me;
  try {
    me = await whoAmI(token);
  } catch (err) {
    return NextResponse.json(
      { detail: `The console cannot reach the API at ${apiBase()} (${(err as Error).message}).` },
      { status: 502 },
    );
  }
  if (me.status === 200 && !token) {
    // The API answered without a token: HUB_AUTH_MODE=disabled.
    return NextResponse.json({ authenticated: true, auth_required: false, me: me.body, expires_at: null });
  }
  const out = NextResponse.json({
    authenticated: me.status === 200,
    auth_required: true,
    me: me.body,
    expires_at: renewed
      ? Math.floor(Date.now() / 1000) + renewed.expires_in
      : Number(req.cookies.get(EXPIRES_COOKIE)?.value ?? 0) || null,
  });
  if (renewed) setSessionCookies(out, renewed, isSecureRequest(req.url, req.headers.get("x-forwarded-proto")));
  return out;
}

export async function POST(req: NextRequest) {
  let apiKey = "";
  try {
    apiKey = String(((await req.json()) as { api_key?: unknown }).api_key ?? "");
  } catch {}
  if (!apiKey.trim()) {
    return NextResponse.json(
      { detail: [{ loc: ["body", "api_key"], msg: "Paste an API key.", type: "missing" }] },
      { status: 422 },
    );
  }
  let res: Response;
  try {
    res = await fetch(`${apiBase()}/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ api_key: apiKey.trim() }),
      cache: "no-store",
    });
  } catch (err) {
    return NextResponse.json({ detail: `The console cannot reach the API (${(err as Error).message}).` }, { status: 502 });
  }
  if (!res.ok) return NextResponse.json(await res.json().catch(() => ({ detail: "Login failed." })), { status: res.status });
  const pair = (await res.json()) as TokenPair;
  const me = await whoAmI(pair.access_token);
  const out = NextResponse.json({
    authenticated: true,
    auth_required: true,
    me: me.body,
    expires_at: Math.floor(Date.now() / 1000) + pair.expires_in,
  });
  setSessionCookies(out, pair, isSecureRequest(req.url, req.headers.get("x-forwarded-proto")));
  return out;
}

export async function DELETE(req: NextRequest) {
  const access = req.cookies.get(ACCESS_COOKIE)?.value;
  const refresh = req.cookies.get(REFRESH_COOKIE)?.value;
  if (access && refresh) {
    await fetch(`${apiBase()}/auth/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${access}` },
      body: JSON.stringify({ token: refresh }),
      cache: "no-store",
    }).catch(() => undefined);
  }
  const out = NextResponse.json({ authenticated: false, auth_required: true, me: null, expires_at: null });
  clearSessionCookies(out);
  return out;
}
