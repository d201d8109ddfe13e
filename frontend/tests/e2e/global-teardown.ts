import { existsSync, rmSync } from "node:fs";
import { STACK_FILE, stack } from "./stack";

/** Stops the `hub up` the setup started (SIGTERM to its process group) and removes its home. */
export default async function globalTeardown() {
  if (process.env.HUB_E2E_STACK_FILE || !existsSync(STACK_FILE)) return;
  const info = stack();
  try {
    process.kill(-info.pid, "SIGTERM");
  } catch {}
  try {
    if (info.idpPid) process.kill(-info.idpPid, "SIGTERM");
  } catch {}
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      process.kill(info.pid, 0);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    process.kill(-info.pid, "SIGKILL");
  } catch {}
  rmSync(STACK_FILE, { force: true });
  if (!process.env.HUB_E2E_KEEP_HOME) rmSync(info.home, { recursive: true, force: true });
}
