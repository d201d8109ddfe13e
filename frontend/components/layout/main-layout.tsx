"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";
import {
  Activity,
  Bot,
  FileText,
  GitBranch,
  LayoutDashboard,
  LogOut,
  Menu,
  Boxes,
  Settings,
  X,
} from "lucide-react";
import { cn } from "@/lib/utils";
import { Button } from "@/components/ui/button";
import { logout, useAuth } from "@/components/auth/auth-gate";

export const NAV = [
  { href: "/", label: "Dashboard", icon: LayoutDashboard },
  { href: "/apps", label: "Apps", icon: Boxes },
  { href: "/agents", label: "Agents", icon: Bot },
  { href: "/orchestration", label: "Orchestration", icon: GitBranch },
  { href: "/prompts", label: "Prompts & artifacts", icon: FileText },
  { href: "/observability", label: "Observability", icon: Activity },
  { href: "/settings", label: "Settings", icon: Settings },
];

function isActive(pathname: string, href: string): boolean {
  if (href === "/") return pathname === "/";
  return pathname === href || pathname.startsWith(href + "/") || (href === "/apps" && pathname.startsWith("/runs/"));
}

function NavLinks({ onNavigate }: { onNavigate?: () => void }) {
  const pathname = usePathname();
  return (
    <ul className="grid gap-1">
      {NAV.map(({ href, label, icon: Icon }) => {
        const active = isActive(pathname, href);
        return (
          <li key={href}>
            <Link
              href={href}
              onClick={onNavigate}
              aria-current={active ? "page" : undefined}
              className={cn(
                "flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium text-muted-foreground hover:bg-accent hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none",
                active && "bg-accent text-foreground",
              )}
            >
              <Icon className="size-4" aria-hidden />
              {label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

function Who() {
  const auth = useAuth();
  if (!auth.subject) return null;
  return (
    <div className="mt-auto border-t pt-3 text-xs text-muted-foreground">
      <p className="truncate" title={auth.subject}>
        {auth.subject} · {auth.role}
      </p>
      {auth.authRequired ? (
        <Button variant="ghost" size="sm" className="mt-2 w-full justify-start px-2" onClick={() => void logout()}>
          <LogOut aria-hidden /> Log out
        </Button>
      ) : (
        <p className="mt-1 text-destructive">Authentication is disabled</p>
      )}
    </div>
  );
}

export function MainLayout({ children }: { children: React.ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="flex min-h-screen flex-col md:flex-row">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-background focus:p-2"
      >
        Skip to content
      </a>
      <header className="flex items-center justify-between border-b px-4 py-2 md:hidden">
        <Link href="/" className="font-semibold">
          Agentic Hub
        </Link>
        <Button variant="ghost" size="icon" aria-label={open ? "Close menu" : "Open menu"} aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? <X /> : <Menu />}
        </Button>
      </header>
      {open ? (
        <nav aria-label="Main" className="border-b bg-sidebar p-3 md:hidden">
          <NavLinks onNavigate={() => setOpen(false)} />
        </nav>
      ) : null}
      <aside className="hidden w-60 shrink-0 flex-col border-r bg-sidebar p-3 md:flex">
        <Link href="/" className="mb-4 px-3 py-2 text-lg font-semibold tracking-tight">
          Agentic Hub
        </Link>
        <nav aria-label="Main">
          <NavLinks />
        </nav>
        <Who />
      </aside>
      <main id="main" className="min-w-0 flex-1 p-4 md:p-8">
        {children}
      </main>
    </div>
  );
}
