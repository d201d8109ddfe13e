"use client";
import { SWRConfig } from "swr";
import { ApiError } from "@/lib/errors";
import { AuthGate } from "@/components/auth/auth-gate";
import { MainLayout } from "@/components/layout/main-layout";
import { Toaster } from "@/components/shared/toaster";

export function Providers({ children, hasSession }: { children: React.ReactNode; hasSession: boolean }) {
  return (
    <SWRConfig
      value={{
        revalidateOnFocus: false,
        // A 4xx will not change by asking again; the API's message is shown instead.
        shouldRetryOnError: (err) => !(err instanceof ApiError && err.status < 500),
      }}
    >
      <AuthGate assumeSession={hasSession}>
        <MainLayout>{children}</MainLayout>
      </AuthGate>
      <Toaster />
    </SWRConfig>
  );
}
