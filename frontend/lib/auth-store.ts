/**
 * Whether the console has a session, shared by every component without a context:
 * the API client marks it expired on a 401, and the AuthGate shows the login form
 * over the page (the page stays mounted, so nothing typed is lost).
 */

export type AuthStatus = "checking" | "authenticated" | "login" | "expired" | "unreachable";

export interface AuthState {
  status: AuthStatus;
  authRequired: boolean;
  subject: string | null;
  role: string | null;
  expiresAt: number | null;
  message: string | null;
}

let state: AuthState = {
  status: "checking",
  authRequired: true,
  subject: null,
  role: null,
  expiresAt: null,
  message: null,
};
const listeners = new Set<() => void>();

export function getAuthState(): AuthState {
  return state;
}

export function setAuthState(next: Partial<AuthState>): void {
  state = { ...state, ...next };
  for (const listener of listeners) listener();
}

export function subscribeAuth(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A call answered 401: the session is gone (expired or revoked). */
export function markSessionExpired(): void {
  if (state.status === "authenticated" || state.status === "checking") {
    setAuthState({ status: state.status === "checking" ? "login" : "expired" });
  }
}

export interface SessionAnswer {
  authenticated: boolean;
  auth_required: boolean;
  me: { subject: string; role: string } | null;
  expires_at: number | null;
}

export function applySession(answer: SessionAnswer): void {
  setAuthState({
    status: answer.authenticated ? "authenticated" : state.status === "expired" ? "expired" : "login",
    authRequired: answer.auth_required,
    subject: answer.me?.subject ?? null,
    role: answer.me?.role ?? null,
    expiresAt: answer.expires_at,
    message: null,
  });
}

/** Milliseconds until the session should be renewed (a minute before expiry, at least 5 s). */
export function renewDelayMs(expiresAt: number | null, nowMs = Date.now()): number | null {
  if (!expiresAt) return null;
  return Math.max(5000, expiresAt * 1000 - nowMs - 60_000);
}
