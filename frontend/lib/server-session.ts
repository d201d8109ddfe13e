import "server-only";
import type { NextResponse } from "next/server";

/**
 * The console's session, kept by the console's server (never by the browser's script):
 * the API's access and refresh tokens live in httpOnly cookies, and the /api/* proxy
 * adds `Authorization: Bearer` to every call. The access token is renewed with the
 * refresh token shortly before it expires, so a user who keeps working stays logged in.
 */

export const ACCESS_COOKIE = "hub_access";
export const REFRESH_COOKIE = "hub_refresh";
/** Epoch seconds at which the access token expires (httpOnly too: the browser needs none of it). */
export const EXPIRES_COOKIE = "hub_access_exp";
/** Renew this many seconds before the access token expires. */
export const REFRESH_MARGIN_SECONDS = 60;

export interface TokenPair {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_expires_in: number;
}

export interface CookieReader {
  get(name: string): { value: string } | undefined;
}

/** Where the API is: `hub up` passes HUB_API_URL to the console's server. */
export function apiBase(): string {
  return (process.env.HUB_API_URL ?? "http://127.0.0.1:8000").replace(/\/+$/, "");
}

export function setSessionCookies(res: NextResponse, pair: TokenPair, secure: boolean): void {
  const base = { httpOnly: true, sameSite: "strict" as const, path: "/", secure };
  const now = Math.floor(Date.now() / 1000);
  res.cookies.set(ACCESS_COOKIE, pair.access_token, { ...base, maxAge: pair.refresh_expires_in });
  res.cookies.set(EXPIRES_COOKIE, String(now + pair.expires_in), { ...base, maxAge: pair.refresh_expires_in });
  res.cookies.set(REFRESH_COOKIE, pair.refresh_token, { ...base, maxAge: pair.refresh_expires_in });
}

export function clearSessionCookies(res: NextResponse): void {
  for (const name of [ACCESS_COOKIE, REFRESH_COOKIE, EXPIRES_COOKIE]) res.cookies.delete(name);
}

/** True when the access token expires within the margin (or its expiry is unknown). */
export function needsRefresh(cookies: CookieReader, nowSeconds = Date.now() / 1000): boolean {
  const exp = Number(cookies.get(EXPIRES_COOKIE)?.value ?? "0");
  return !exp || exp - nowSeconds < REFRESH_MARGIN_SECONDS;
}

/**
 * Refreshes in flight or just done, by the refresh token they used. Refresh tokens are
 * single-use, and a page fires several calls at once: they all share one refresh, and
 * calls that arrive a little later (still carrying the old cookie) get the same new pair.
 */
const refreshes = new Map<string, Promise<TokenPair | null>>();
const SHARED_REFRESH_MS = 30_000;

/** A new token pair from the refresh cookie, or null when there is none or the API refused it. */
export async function refreshTokens(cookies: CookieReader): Promise<TokenPair | null> {
  const refresh = cookies.get(REFRESH_COOKIE)?.value;
  if (!refresh) return null;
  let pending = refreshes.get(refresh);
  if (!pending) {
    pending = fetch(`${apiBase()}/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: refresh }),
      cache: "no-store",
    })
      .then(async (res) => (res.ok ? ((await res.json()) as TokenPair) : null))
      .catch(() => null);
    refreshes.set(refresh, pending);
    setTimeout(() => refreshes.delete(refresh), SHARED_REFRESH_MS).unref?.();
  }
  return pending;
}

export function isSecureRequest(url: string, forwardedProto: string | null): boolean {
  return (forwardedProto ?? new URL(url).protocol.replace(":", "")) === "https";
}
