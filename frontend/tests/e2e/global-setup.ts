import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { STACK_FILE, type StackInfo } from "./stack";

const REPO = resolve(import.meta.dirname, "..", "..", "..");
const HUB = process.env.HUB_BIN ?? join(REPO, ".venv", "bin", "hub");
const PYTHON = join(REPO, ".venv", "bin", "python");
const START_TIMEOUT_MS = 300_000;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => ok(port));
    });
  });
}

/** Starts `hub up` (its own HUB_HOME, free ports) and waits until it prints the console's URL. */
export default async function globalSetup() {
  if (process.env.HUB_E2E_STACK_FILE && existsSync(process.env.HUB_E2E_STACK_FILE)) return; // a stack started by hand
  const home = mkdtempSync(join(tmpdir(), "hub-console-e2e-"));
  const [api, temporal, ui, agents, consolePort, idpPort] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  // A local OpenID Connect provider (the identity provider is an edge we do not own).
  const idpLog = join(home, "oidc-provider.log");
  const idp = spawn(PYTHON, ["-m", "tests.oidc_provider", "--port", String(idpPort), "--client-id", "hub-console"], {
    cwd: REPO,
    stdio: ["ignore", openSync(idpLog, "a"), openSync(idpLog, "a")],
    detached: true,
  });
  idp.unref();
  const issuer = `http://127.0.0.1:${idpPort}`;
  for (const started = Date.now(); !readFileSync(idpLog, "utf8").includes(issuer); ) {
    if (idp.exitCode !== null || Date.now() - started > 30_000) throw new Error(`the OIDC provider did not start:\n${readFileSync(idpLog, "utf8")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const log = join(home, "hub-up.log");
  const out = openSync(log, "a");
  const child = spawn(
    HUB,
    ["up", "--api-port", String(api), "--temporal-port", String(temporal), "--ui-port", String(ui), "--agents-port", String(agents), "--console-port", String(consolePort)],
    {
      cwd: REPO,
      env: {
        ...process.env,
        HUB_HOME: home,
        HUB_ACCESS_TOKEN_TTL_SECONDS: "300",
        HUB_OIDC_ISSUER: issuer,
        HUB_OIDC_CLIENT_ID: "hub-console",
        HUB_OIDC_DISPLAY_NAME: "Test IdP",
      },
      stdio: ["ignore", out, out],
      detached: true,
    },
  );
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const text = readFileSync(log, "utf8");
    if (text.includes("Press Ctrl-C to stop.")) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      try {
        process.kill(-child.pid!, "SIGTERM");
        process.kill(-idp.pid!, "SIGTERM");
      } catch {}
      throw new Error(`hub up did not start (exit ${child.exitCode}); its output:\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  if (!readFileSync(log, "utf8").includes(`Console       http://127.0.0.1:${consolePort}`)) {
    throw new Error(`hub up did not print the console line:\n${readFileSync(log, "utf8")}`);
  }
  // A sample credit-memo PDF, made by the same generator as the demo's.
  const samples = join(home, "samples");
  execFileSync(PYTHON, ["-c", `from agents.demo.samples import generate_samples; print(generate_samples(${JSON.stringify(samples)})[0].filename)`], {
    cwd: REPO,
  });
  const first = execFileSync("sh", ["-c", `ls ${samples}/*.pdf | head -1`]).toString().trim();
  const info: StackInfo = {
    consoleUrl: `http://127.0.0.1:${consolePort}`,
    apiUrl: `http://127.0.0.1:${api}`,
    adminKey: readFileSync(join(home, "admin.key"), "utf8").trim(),
    home,
    pid: child.pid!,
    idpPid: idp.pid!,
    samplePdf: first,
  };
  writeFileSync(STACK_FILE, JSON.stringify(info));
}
