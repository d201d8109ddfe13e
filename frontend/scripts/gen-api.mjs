// Generates lib/api-schema.ts from the API's OpenAPI document (`python -m hub.openapi`).
// `--check` regenerates into memory and fails when the committed file differs (make lint).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const python = process.env.HUB_PYTHON ?? join(root, "..", ".venv", "bin", "python");
const specFile = join(mkdtempSync(join(tmpdir(), "hub-openapi-")), "openapi.json");
execFileSync(python, ["-m", "hub.openapi", specFile], { cwd: join(root, ".."), stdio: "inherit" });
const spec = JSON.parse(readFileSync(specFile, "utf8"));
const header =
  "// Generated from the API's OpenAPI by scripts/gen-api.mjs (npm run gen:api). Do not edit.\n";
const text = header + astToString(await openapiTS(spec, { defaultNonNullable: false }));
const target = join(root, "lib", "api-schema.ts");
if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {}
  if (current !== text) {
    console.error("lib/api-schema.ts is stale: run `npm run gen:api` in frontend/ (or `make console-api`).");
    process.exit(1);
  }
  console.log("lib/api-schema.ts is up to date.");
} else {
  writeFileSync(target, text);
  console.log("wrote lib/api-schema.ts");
}
