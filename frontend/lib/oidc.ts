import "server-only";
import { createHash, randomBytes } from "node:crypto";

/**
 * Sign-in with the hub's OIDC issuer (authorization code + PKCE, RFC 7636), run by the
 * console's server: the verifier, state and nonce stay in a short-lived httpOnly cookie,
 * and the code is redeemed by the API (POST /auth/oidc/token), which answers the hub's
 * own token pair, kept like an API-key login's.
 */
export const OIDC_COOKIE = "hub_oidc";
export const OIDC_COOKIE_PATH = "/session/oidc";
export const OIDC_COOKIE_MAX_AGE = 600;

export interface OidcPending {
  state: string;
  verifier: string;
  nonce: string;
  next: string;
}

const b64url = (buf: Buffer) => buf.toString("base64url");

export function newPending(next: string): OidcPending {
  return { state: b64url(randomBytes(24)), verifier: b64url(randomBytes(48)), nonce: b64url(randomBytes(24)), next: safeNext(next) };
}

/** S256 code challenge of a verifier. */
export function challengeOf(verifier: string): string {
  return b64url(createHash("sha256").update(verifier).digest());
}

/** Only a path on the console itself (never `//host` or a full URL) is followed after sign-in. */
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

/** The console's own origin as the browser sees it (the redirect URI must match exactly). */
export function consoleOrigin(headers: Headers, url: string): string {
  const configured = process.env.HUB_CONSOLE_PUBLIC_URL;
  if (configured) return configured.replace(/\/+$/, "");
  const host = headers.get("x-forwarded-host") ?? headers.get("host") ?? new URL(url).host;
  const proto = headers.get("x-forwarded-proto") ?? new URL(url).protocol.replace(":", "");
  return `${proto}://${host}`;
}

export function readPending(raw: string | undefined): OidcPending | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as OidcPending;
    return value.state && value.verifier && value.nonce ? value : null;
  } catch {
    return null;
  }
}

export function writePending(pending: OidcPending): string {
  return Buffer.from(JSON.stringify(pending), "utf8").toString("base64url");
}
