import { expect, request, type APIRequestContext, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { mkdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { stack } from "./stack";

export const SCREENSHOTS = resolve(import.meta.dirname, "..", "..", "..", "docs", "console");

/** Logs in through the login page with the stack's admin key. */
export async function login(page: Page, path = "/") {
  const { consoleUrl, adminKey } = stack();
  await page.goto(consoleUrl + path);
  await page.getByLabel("API key").fill(adminKey);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("navigation", { name: "Main" }).first()).toBeVisible();
}

/** The API itself, with a bearer token from the admin key: for setting up what a test needs. */
export async function apiAs(): Promise<APIRequestContext> {
  const { apiUrl, adminKey } = stack();
  const anonymous = await request.newContext({ baseURL: apiUrl });
  const token = await (await anonymous.post("/auth/token", { data: { api_key: adminKey } })).json();
  await anonymous.dispose();
  return request.newContext({ baseURL: apiUrl, extraHTTPHeaders: { authorization: `Bearer ${token.access_token}` } });
}

export async function ok<T>(response: Promise<import("@playwright/test").APIResponse>): Promise<T> {
  const r = await response;
  if (!r.ok()) throw new Error(`${r.url()} answered ${r.status()}: ${await r.text()}`);
  return (r.status() === 204 ? null : await r.json()) as T;
}

/** The built-in pipeline with a human gate before the memo (as tests/e2e/test_api_orchestrator_crash.py). */
export async function createGatedApp(api: APIRequestContext, name: string): Promise<{ appId: string }> {
  const app = await ok<{ id: string }>(api.post("/apps", { data: { name } }));
  const ids: Record<string, string> = {};
  for (const type of ["extractor", "mapper", "analyzer", "summarizer"]) {
    const agent = await ok<{ id: string }>(api.post(`/apps/${app.id}/agents`, { data: { name: type, type } }));
    ids[type] = agent.id;
  }
  const yaml = `version: "1.0"
app_id: "${app.id}"
name: "${name}"
agents:
  - {id: "${ids.extractor}", type: extractor}
  - {id: "${ids.mapper}", type: mapper}
  - {id: "${ids.analyzer}", type: analyzer}
  - {id: "${ids.summarizer}", type: summarizer}
workflow:
  - step: extract
    agent_id: "${ids.extractor}"
    inputs: [{source: trigger, field: document}]
    outputs: [{name: extracted_data}]
  - step: map
    agent_id: "${ids.mapper}"
    inputs: [{source: extract, field: extracted_data}]
    outputs: [{name: mapped_data}]
  - step: analyze
    agent_id: "${ids.analyzer}"
    inputs: [{source: map, field: mapped_data}]
    outputs: [{name: risk_analysis}]
  - step: sign_off
    inputs: [{source: analyze, field: risk_analysis}]
    outputs: [{name: decision}]
    approval:
      prompt: "A credit officer signs the analysis off"
      input_schema:
        type: object
        required: [limit]
        properties: {limit: {type: number, minimum: 0}}
  - step: report
    agent_id: "${ids.summarizer}"
    inputs:
      - {source: analyze, field: risk_analysis}
      - {source: sign_off, field: decision}
    outputs: [{name: final_report}]
`;
  await ok(api.put(`/orchestration/${app.id}`, { data: yaml, headers: { "content-type": "application/yaml" } }));
  await ok(api.post(`/apps/${app.id}/deploy`));
  return { appId: app.id };
}

/** Uploads the sample credit-memo PDF and starts a run of the app on it; returns its id. */
export async function startRun(api: APIRequestContext, appId: string): Promise<string> {
  const pdf = stack().samplePdf;
  const artifact = await ok<{ uri: string }>(
    api.post("/artifacts", { multipart: { file: { name: basename(pdf), mimeType: "application/pdf", buffer: readFileSync(pdf) } } }),
  );
  const started = await ok<{ run_id: string }>(api.post(`/apps/${appId}/runs`, { data: { inputs: { document: artifact.uri } } }));
  return started.run_id;
}

/** A full-page screenshot into docs/console/, at desktop and (optionally) phone width. */
export async function screenshot(page: Page, name: string, phone = false) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  if (phone) {
    const size = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
    if (size) await page.setViewportSize(size);
  }
}

/** axe-core on the current page: no serious or critical violation. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`)).toEqual([]);
}
