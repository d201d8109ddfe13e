/**
 * Prompt URIs as agent configs write them, and a line diff between two prompt versions.
 *   mlflow:/prompts/extractor-system-v1 → the prompt "extractor-system-v1", or else
 *                                          version 1 of "extractor-system"
 *   prompts:/name/3                     → version 3 of "name"
 *   prompts:/name@production            → "name" at the alias "production"
 */
export interface PromptRef {
  name: string;
  version?: number;
  alias?: string;
}

export function promptRefs(uri: string): PromptRef[] {
  const mlflow = /^mlflow:\/prompts\/(.+)$/.exec(uri);
  if (mlflow) {
    const whole = mlflow[1];
    const versioned = /^(.*)-v(\d+)$/.exec(whole);
    return versioned ? [{ name: whole }, { name: versioned[1], version: Number(versioned[2]) }] : [{ name: whole }];
  }
  const registry = /^prompts:\/([^/@]+)(?:\/(\d+)|@(.+))?$/.exec(uri);
  if (registry) {
    const [, name, version, alias] = registry;
    return [{ name, version: version ? Number(version) : undefined, alias }];
  }
  return [];
}

export type DiffLine = { kind: "same" | "added" | "removed"; text: string };

/** Line diff (longest common subsequence), good for prompts of a few hundred lines. */
export function diffLines(before: string, after: string): DiffLine[] {
  return diffLineLists(before.split("\n"), after.split("\n"));
}

/** The same diff over lines already split (the builder diffs YAML documents with it). */
export function diffLineLists(a: string[], b: string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: "same", text: a[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push({ kind: "removed", text: a[i++] });
    else out.push({ kind: "added", text: b[j++] });
  }
  while (i < n) out.push({ kind: "removed", text: a[i++] });
  while (j < m) out.push({ kind: "added", text: b[j++] });
  return out;
}

export function templateText(template: string | Record<string, unknown>[]): string {
  return typeof template === "string" ? template : JSON.stringify(template, null, 2);
}
