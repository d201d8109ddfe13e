"use client";
import { useMemo } from "react";
import DOMPurify from "dompurify";

/**
 * The memo's HTML, sanitised. DOMPurify needs the browser's DOM, so the run page loads
 * this in the browser only (next/dynamic, ssr: false): on the server `sanitize` does not
 * exist, and calling it failed the whole server render of a finished run's page.
 */
export function MemoView({ html }: { html: string }) {
  const clean = useMemo(() => DOMPurify.sanitize(html, { USE_PROFILES: { html: true } }), [html]);
  return <article className="memo rounded-md border bg-background p-4 text-sm" data-testid="memo" dangerouslySetInnerHTML={{ __html: clean }} />;
}
