import type { Metadata, Viewport } from "next";
import { cookies } from "next/headers";
import { GeistSans } from "geist/font/sans";
import { GeistMono } from "geist/font/mono";
import "./globals.css";
import { Providers } from "./providers";

export const metadata: Metadata = {
  title: { default: "Agentic Hub", template: "%s · Agentic Hub" },
  description: "Build, run and watch AI agent pipelines.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // With a session cookie the page renders at once, while the session is checked beside
  // its own data calls (no extra round trip before the first paint); without one, the login.
  const jar = await cookies();
  const hasSession = jar.has("hub_access") || jar.has("hub_refresh");
  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`}>
      <body className="font-sans">
        <Providers hasSession={hasSession}>{children}</Providers>
      </body>
    </html>
  );
}
