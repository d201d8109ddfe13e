"use client";
import { X } from "lucide-react";
import { dismiss, useToasts } from "@/hooks/use-toast";
import { cn } from "@/lib/utils";

export function Toaster() {
  const toasts = useToasts();
  return (
    <div aria-live="polite" className="pointer-events-none fixed right-4 bottom-4 z-[60] flex w-[calc(100%-2rem)] max-w-sm flex-col gap-2">
      {toasts.map((t) => (
        <div
          key={t.id}
          role={t.variant === "destructive" ? "alert" : "status"}
          className={cn(
            "pointer-events-auto flex items-start gap-3 rounded-md border bg-background p-3 text-sm shadow-lg",
            t.variant === "destructive" && "border-destructive/50 bg-red-50 dark:bg-red-950",
          )}
        >
          <div className="min-w-0 flex-1">
            <p className="font-medium">{t.title}</p>
            {t.description ? <p className="mt-0.5 break-words text-muted-foreground">{t.description}</p> : null}
          </div>
          <button className="rounded-sm opacity-70 hover:opacity-100" onClick={() => dismiss(t.id)} aria-label="Dismiss">
            <X className="size-4" />
          </button>
        </div>
      ))}
    </div>
  );
}
