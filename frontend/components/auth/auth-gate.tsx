"use client";
import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import { useSWRConfig } from "swr";
import { KeyRound, LogIn } from "lucide-react";
import { applySession, getAuthState, renewDelayMs, setAuthState, subscribeAuth, type SessionAnswer } from "@/lib/auth-store";
import { errorMessage, fieldErrors, toApiError } from "@/lib/errors";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/input";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { LoadingState } from "@/components/shared/states";

export function useAuth() {
  return useSyncExternalStore(subscribeAuth, getAuthState, getAuthState);
}

async function fetchSession(init?: RequestInit): Promise<SessionAnswer> {
  const res = await fetch("/session", { cache: "no-store", ...init });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw toApiError(res.status, body);
  return body as SessionAnswer;
}

function LoginForm({ onDone }: { onDone?: () => void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const { mutate } = useSWRConfig();
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await fetchSession({
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ api_key: key }),
      });
      applySession(answer);
      setKey("");
      onDone?.();
      await mutate(() => true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const fieldError = fieldErrors(error)["api_key"];
  return (
    <form onSubmit={submit} className="grid gap-4" aria-label="Log in">
      <Field
        id="api-key"
        label="API key"
        error={fieldError ?? (error ? errorMessage(error) : undefined)}
        hint="hub up prints the admin key once and saves it in HUB_HOME/admin.key."
      >
        <Input
          id="api-key"
          name="api_key"
          type="password"
          autoComplete="off"
          value={key}
          onChange={(e) => setKey(e.target.value)}
          aria-invalid={!!error}
          aria-describedby={error ? "api-key-error" : undefined}
          required
        />
      </Field>
      <Button type="submit" disabled={busy || !key.trim()}>
        {busy ? "Logging in…" : "Log in"}
      </Button>
    </form>
  );
}

interface OidcConfig {
  enabled: boolean;
  display_name?: string | null;
}

/** The hub's OIDC sign-in settings, or null when it has none (or they cannot be read). */
function useOidcConfig(): { config: OidcConfig | null; loaded: boolean } {
  const [state, setState] = useState<{ config: OidcConfig | null; loaded: boolean }>({ config: null, loaded: false });
  useEffect(() => {
    let live = true;
    fetch("/api/auth/oidc", { cache: "no-store" })
      .then((res) => (res.ok ? res.json() : null))
      .catch(() => null)
      .then((body: OidcConfig | null) => live && setState({ config: body, loaded: true }));
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/** "Sign in with <issuer>" when the hub has an OIDC issuer and client id; else nothing. */
function OidcSignIn({ config }: { config: OidcConfig | null }) {
  // Rendered only in the browser (after the session check), so the URL can be read here.
  const [loginError] = useState<string | null>(() =>
    typeof window === "undefined" ? null : new URL(window.location.href).searchParams.get("login_error"),
  );
  useEffect(() => {
    const url = new URL(window.location.href);
    if (url.searchParams.has("login_error")) {
      url.searchParams.delete("login_error");
      window.history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
  }, []);
  const next = typeof window === "undefined" ? "/" : window.location.pathname + window.location.search;
  return (
    <>
      {loginError ? (
        <p role="alert" className="mb-4 rounded-md border border-destructive/40 p-2 text-sm text-destructive">
          {loginError}
        </p>
      ) : null}
      {config?.enabled ? (
        <div className="mb-4 grid gap-3">
          <Button asChild variant="outline">
            <a href={`/session/oidc?next=${encodeURIComponent(next)}`}>
              <LogIn aria-hidden /> Sign in with {config.display_name ?? "your identity provider"}
            </a>
          </Button>
          <p className="text-center text-xs text-muted-foreground">or</p>
        </div>
      ) : null}
    </>
  );
}

/**
 * The login page. The form shows once the OIDC settings are known, so the sign-in button
 * does not appear above it later and move "Log in" from under a pointer about to click it.
 */
function LoginScreen() {
  const oidc = useOidcConfig();
  return (
    <main className="flex min-h-screen items-center justify-center bg-muted/40 p-4">
      <div className="w-full max-w-sm rounded-lg border bg-background p-6 shadow-sm">
        <div className="mb-4 flex items-center gap-2">
          <KeyRound className="size-5" aria-hidden />
          <h1 className="text-xl font-semibold">Agentic Hub</h1>
        </div>
        <p className="mb-4 text-sm text-muted-foreground">Sign in, or paste an API key, to open the console.</p>
        {oidc.loaded ? (
          <>
            <OidcSignIn config={oidc.config} />
            <LoginForm />
          </>
        ) : (
          <LoadingState label="Connecting to the hub…" className="justify-center py-8" />
        )}
      </div>
    </main>
  );
}

export function AuthGate({ children, assumeSession = false }: { children: React.ReactNode; assumeSession?: boolean }) {
  const auth = useAuth();

  const check = useCallback(async () => {
    try {
      applySession(await fetchSession());
    } catch (err) {
      setAuthState({ status: "unreachable", message: errorMessage(err) });
    }
  }, []);

  useEffect(() => {
    void check();
  }, [check]);

  // Renew the tokens a minute before the access token expires, even on an idle page.
  useEffect(() => {
    if (auth.status !== "authenticated" || !auth.authRequired) return;
    const delay = renewDelayMs(auth.expiresAt);
    if (delay == null) return;
    const timer = setTimeout(() => void check(), delay);
    return () => clearTimeout(timer);
  }, [auth.status, auth.authRequired, auth.expiresAt, check]);

  if (auth.status === "checking" && !assumeSession)
    return <LoadingState label="Connecting to the hub…" className="justify-center py-24" />;
  if (auth.status === "unreachable")
    return (
      <main className="mx-auto max-w-md p-8" role="alert">
        <h1 className="mb-2 text-xl font-semibold">The API cannot be reached</h1>
        <p className="text-sm text-muted-foreground">{auth.message}</p>
        <Button className="mt-4" onClick={() => void check()}>
          Try again
        </Button>
      </main>
    );
  if (auth.status === "login") return <LoginScreen />;
  return (
    <>
      {children}
      <Dialog open={auth.status === "expired"}>
        <DialogContent onEscapeKeyDown={(e) => e.preventDefault()} onInteractOutside={(e) => e.preventDefault()}>
          <DialogHeader>
            <DialogTitle>Your session has ended</DialogTitle>
            <DialogDescription>
              Log in again to go on: the page stays as it is, with what you typed.
            </DialogDescription>
          </DialogHeader>
          <LoginForm />
        </DialogContent>
      </Dialog>
    </>
  );
}

export async function logout(): Promise<void> {
  applySession(await fetchSession({ method: "DELETE" }));
}
