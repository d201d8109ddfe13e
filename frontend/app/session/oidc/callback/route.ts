import { NextResponse, type NextRequest } from "next/server";
import { apiBase, isSecureRequest, setSessionCookies, type TokenPair } from "@/lib/server-session";
import { OIDC_COOKIE, OIDC_COOKIE_PATH, consoleOrigin, readPending, safeNext } from "@/lib/oidc";

/**
 * GET /session/oidc/callback?code&state ← the issuer. The state must match the pending
 * sign-in's; the API redeems the code with the PKCE verifier and answers hub tokens,
 * which go to the same httpOnly cookies as an API-key login's.
 */
export const dynamic = "force-dynamic";

/**
 * A page that moves on by itself: the session cookies are SameSite=Strict, and a
 * redirect answering the issuer's (cross-site) navigation would not send them yet.
 */
function page(location: string, init?: ResponseInit) {
  const href = location.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  return new NextResponse(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><title>Signing in…</title></head><body><p>Signing in… <a href="${href}">Continue</a></p></body></html>`,
    { ...init, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "referrer-policy": "no-referrer" } },
  );
}

function failed(message: string) {
  const out = page(`/?login_error=${encodeURIComponent(message)}`);
  out.cookies.set(OIDC_COOKIE, "", { path: OIDC_COOKIE_PATH, maxAge: 0 });
  return out;
}

export async function GET(req: NextRequest) {
  const params = req.nextUrl.searchParams;
  const pending = readPending(req.cookies.get(OIDC_COOKIE)?.value);
  if (params.get("error")) return failed(`The identity provider refused the sign-in: ${params.get("error_description") ?? params.get("error")}.`);
  if (!pending) return failed("The sign-in took too long or was started in another browser; sign in again.");
  if (!params.get("code") || params.get("state") !== pending.state) return failed("The sign-in answer does not match the sign-in started here; sign in again.");
  let res: Response;
  try {
    res = await fetch(`${apiBase()}/auth/oidc/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        code: params.get("code"),
        code_verifier: pending.verifier,
        redirect_uri: `${consoleOrigin(req.headers, req.url)}/session/oidc/callback`,
        nonce: pending.nonce,
      }),
      cache: "no-store",
    });
  } catch (err) {
    return failed(`The console cannot reach the API (${(err as Error).message}).`);
  }
  const body = await res.json().catch(() => null);
  if (!res.ok) return failed(typeof body?.detail === "string" ? body.detail : `Sign-in failed (${res.status}).`);
  const out = page(safeNext(pending.next));
  setSessionCookies(out, body as TokenPair, isSecureRequest(req.url, req.headers.get("x-forwarded-proto")));
  out.cookies.set(OIDC_COOKIE, "", { path: OIDC_COOKIE_PATH, maxAge: 0 });
  return out;
}
