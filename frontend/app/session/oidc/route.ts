import { NextResponse, type NextRequest } from "next/server";
import { apiBase, isSecureRequest } from "@/lib/server-session";
import { OIDC_COOKIE, OIDC_COOKIE_MAX_AGE, OIDC_COOKIE_PATH, challengeOf, consoleOrigin, newPending, writePending } from "@/lib/oidc";

/** GET /session/oidc?next=/path → the issuer's authorization endpoint (code + PKCE S256). */
export const dynamic = "force-dynamic";

function back(origin: string, message: string) {
  return NextResponse.redirect(`${origin}/?login_error=${encodeURIComponent(message)}`, 303);
}

export async function GET(req: NextRequest) {
  const origin = consoleOrigin(req.headers, req.url);
  let config: { enabled: boolean; authorization_endpoint?: string | null; client_id?: string | null; scopes?: string[] };
  try {
    const res = await fetch(`${apiBase()}/auth/oidc`, { cache: "no-store" });
    config = await res.json();
    if (!res.ok) return back(origin, (config as { detail?: string }).detail ?? "Sign-in with the issuer is unavailable.");
  } catch (err) {
    return back(origin, `The console cannot reach the API (${(err as Error).message}).`);
  }
  if (!config.enabled || !config.authorization_endpoint || !config.client_id) return back(origin, "Sign-in with an identity provider is not configured on this hub.");
  const pending = newPending(req.nextUrl.searchParams.get("next") ?? "/");
  const target = new URL(config.authorization_endpoint);
  target.searchParams.set("response_type", "code");
  target.searchParams.set("client_id", config.client_id);
  target.searchParams.set("redirect_uri", `${origin}/session/oidc/callback`);
  target.searchParams.set("scope", (config.scopes ?? ["openid"]).join(" "));
  target.searchParams.set("state", pending.state);
  target.searchParams.set("nonce", pending.nonce);
  target.searchParams.set("code_challenge", challengeOf(pending.verifier));
  target.searchParams.set("code_challenge_method", "S256");
  const out = NextResponse.redirect(target.toString(), 303);
  // Lax, not Strict: the issuer's redirect back is a cross-site navigation.
  out.cookies.set(OIDC_COOKIE, writePending(pending), {
    httpOnly: true,
    sameSite: "lax",
    path: OIDC_COOKIE_PATH,
    maxAge: OIDC_COOKIE_MAX_AGE,
    secure: isSecureRequest(req.url, req.headers.get("x-forwarded-proto")),
  });
  return out;
}
