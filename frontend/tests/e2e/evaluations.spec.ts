import { expect, test, type APIRequestContext } from "@playwright/test";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { apiAs, expectAccessible, login, ok, screenshot } from "./helpers";
import { stack } from "./stack";

let api: APIRequestContext;
let appId: string;
let documentUri: string;

/** Extractor → mapper, deployed: the sample memo's borrower comes out in mapped_data. */
test.beforeAll(async () => {
  api = await apiAs();
  const app = await ok<{ id: string }>(api.post("/apps", { data: { name: `Evaluated ${Date.now()}` } }));
  appId = app.id;
  const ids: Record<string, string> = {};
  for (const type of ["extractor", "mapper"]) ids[type] = (await ok<{ id: string }>(api.post(`/apps/${appId}/agents`, { data: { name: type, type } }))).id;
  const yaml = `version: "1.0"
app_id: "${appId}"
workflow:
  - {step: extract, agent_id: "${ids.extractor}", inputs: [{source: trigger, field: document}], outputs: [{name: extracted_data}]}
  - {step: map, agent_id: "${ids.mapper}", inputs: [{source: extract, field: extracted_data}], outputs: [{name: mapped_data}]}
`;
  await ok(api.put(`/orchestration/${appId}`, { data: yaml, headers: { "content-type": "application/yaml" } }));
  await ok(api.post(`/apps/${appId}/deploy`));
  const pdf = stack().samplePdf;
  documentUri = (
    await ok<{ uri: string }>(api.post("/artifacts", { multipart: { file: { name: basename(pdf), mimeType: "application/pdf", buffer: readFileSync(pdf) } } }))
  ).uri;
});

test.afterAll(async () => {
  await api.dispose();
});

test("a dataset made in the editor is evaluated; the table, the report and the comparison show its scores", async ({ page }) => {
  await login(page, `/apps/${appId}/datasets/new`);
  await page.getByLabel("Dataset name").fill("sample memo");
  await page.getByLabel("Item 0 inputs").fill(JSON.stringify({ document: documentUri }));
  await page.getByLabel("Item 0 expected").fill(JSON.stringify({ "mapped_data.borrower_name": { present: true }, "mapped_data.currency": { one_of: ["USD", "EUR", "GBP"] } }));
  await page.getByRole("button", { name: "Create dataset" }).click();
  await expect(page).toHaveURL(/\/datasets\/ds-/);
  await expect(page.getByRole("heading", { name: "sample memo v1" })).toBeVisible();
  await screenshot(page, "dataset-editor");

  await page.goto(`${stack().consoleUrl}/apps/${appId}?tab=evaluations`);
  const run = page.getByRole("form", { name: "Run an evaluation" });
  await run.getByRole("button", { name: "Run evaluation" }).click();
  const row = page.getByRole("table", { name: "Evaluations" }).locator("tbody tr").first();
  await expect(row.locator("[data-status]")).toHaveAttribute("data-status", "completed", { timeout: 90_000 });
  await expect(row.locator("[data-score]")).toHaveText(/^\d\.\d{3}$/);
  await screenshot(page, "evaluations-table");
  await expectAccessible(page);

  // The report: per field, per item with its run.
  await row.getByRole("link").first().click();
  await expect(page.getByRole("table", { name: "Items" }).getByRole("link", { name: /^run-/ })).toBeVisible();
  await expect(page.getByRole("table", { name: "Field scores" })).toContainText("mapped_data.borrower_name");
  await screenshot(page, "evaluation-detail");

  // A second evaluation of the same release, then both compared.
  await page.goto(`${stack().consoleUrl}/apps/${appId}?tab=evaluations`);
  await page.getByRole("form", { name: "Run an evaluation" }).getByRole("button", { name: "Run evaluation" }).click();
  const rows = page.getByRole("table", { name: "Evaluations" }).locator("tbody tr");
  await expect(rows).toHaveCount(2);
  for (const i of [0, 1]) await expect(rows.nth(i).locator("[data-status]")).toHaveAttribute("data-status", "completed", { timeout: 90_000 });
  await rows.nth(0).getByRole("checkbox").check();
  await rows.nth(1).getByRole("checkbox").check();
  await page.getByRole("button", { name: "Compare selected" }).click();
  await expect(page.getByRole("table", { name: "Field comparison" })).toContainText("mapped_data.borrower_name");
  await screenshot(page, "evaluation-compare");

  // The release gate on the Settings tab.
  await page.goto(`${stack().consoleUrl}/apps/${appId}?tab=settings`);
  const gate = page.getByRole("form", { name: "Release gate" });
  await gate.getByLabel("Minimum score").fill("0.8");
  await gate.getByRole("button", { name: "Save gate" }).click();
  await expect(gate.getByRole("button", { name: "Remove gate" })).toBeVisible();
  expect((await ok<{ min_score: number }>(api.get(`/apps/${appId}/gate`))).min_score).toBe(0.8);
  await screenshot(page, "app-settings-gate");
});
