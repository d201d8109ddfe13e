/** What the global setup started, shared with the tests through a JSON file. */
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface StackInfo {
  consoleUrl: string;
  apiUrl: string;
  adminKey: string;
  home: string;
  pid: number;
  /** The local OIDC provider's process (tests/oidc_provider.py). */
  idpPid?: number;
  samplePdf: string;
}

export const STACK_FILE = process.env.HUB_E2E_STACK_FILE ?? join(tmpdir(), `hub-console-e2e-${process.getuid?.() ?? 0}.json`);

export function stack(): StackInfo {
  return JSON.parse(readFileSync(STACK_FILE, "utf8")) as StackInfo;
}
