/** Finds the memo among a run's outputs: an output with an `html` (or `markdown`) field. */
export function findMemo(outputs: Record<string, Record<string, unknown>> | null | undefined) {
  for (const [step, values] of Object.entries(outputs ?? {})) {
    for (const [name, value] of Object.entries(values ?? {})) {
      if (value && typeof value === "object" && "html" in value && typeof (value as { html: unknown }).html === "string") {
        return { step, name, html: (value as { html: string }).html, title: (value as { title?: string }).title };
      }
    }
  }
  return null;
}
