import { expect, test, type APIRequestContext } from "@playwright/test";
import { apiAs, createGatedApp, expectAccessible, login, ok, screenshot } from "./helpers";

let api: APIRequestContext;
const tag = `t${Date.now()}`;

test.beforeAll(async () => {
  api = await apiAs();
});
test.afterAll(async () => {
  await api.dispose();
});

test("apps table: create, filter, sort, page, edit, archive, delete; a refused deploy is rolled back with the API's message", async ({ page }) => {
  for (let i = 0; i < 11; i++) await ok(api.post("/apps", { data: { name: `${tag} bulk ${String(i).padStart(2, "0")}` } }));
  await login(page, "/apps");
  // The search is debounced: wait for its answer, or a fresh hub's unfiltered list (the
  // same 11 apps) passes the first check and "Next" races the debounce.
  const searched = page.waitForResponse((r) => r.url().includes(`q=${tag}`));
  await page.getByLabel("Search").fill(tag);
  await searched;
  await expect(page.getByText(/1–10 of 11/)).toBeVisible();
  await page.getByRole("button", { name: "Next" }).click();
  await expect(page.getByText(/11–11 of 11/)).toBeVisible();
  await page.getByRole("button", { name: "Previous" }).click();
  await page.getByRole("button", { name: /^Name/ }).click(); // ascending by name
  await expect(page.locator("tbody tr").first()).toContainText(`${tag} bulk 00`);
  await page.getByRole("button", { name: /^Name/ }).click(); // descending
  await expect(page.locator("tbody tr").first()).toContainText(`${tag} bulk 10`);

  // Create: 422 on the field, then created.
  await page.getByRole("button", { name: "New app" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Create" }).click();
  await expect(page.getByRole("dialog").locator('[data-field-error="app-name"]')).toBeVisible();
  await page.getByRole("dialog").getByLabel("Name").fill(`${tag} solo`);
  await page.getByRole("dialog").getByRole("button", { name: "Create" }).click();
  const row = page.locator("tbody tr", { hasText: `${tag} solo` });
  await expect(row.locator('a[href^="/apps/app-"]')).toBeVisible();
  await screenshot(page, "apps", true);
  await expectAccessible(page);

  // Deploy without an orchestration: the API says 409; the row shows "deployed" at once, then goes back.
  await row.getByRole("button", { name: /Actions for/ }).click();
  await page.getByRole("menuitem", { name: "Deploy" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "failed" })).toContainText(/orchestration/i);
  await expect(row.locator("[data-status]")).toHaveAttribute("data-status", "draft");

  // Edit.
  await row.getByRole("button", { name: /Actions for/ }).click();
  await page.getByRole("menuitem", { name: "Edit" }).click();
  await page.getByRole("dialog").getByLabel("Description").fill("edited in the table");
  await page.getByRole("dialog").getByRole("button", { name: "Save" }).click();
  await expect(row).toContainText("edited in the table");

  // Archive, then filter by status.
  await row.getByRole("button", { name: /Actions for/ }).click();
  await page.getByRole("menuitem", { name: "Archive" }).click();
  await expect(row.locator("[data-status]")).toHaveAttribute("data-status", "archived");
  await page.getByLabel("Status").selectOption("archived");
  await expect(page.locator("tbody tr")).toHaveCount(1);
  await page.getByLabel("Status").selectOption("");

  // Delete.
  await row.getByRole("button", { name: /Actions for/ }).click();
  await page.getByRole("menuitem", { name: "Delete" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
  await expect(row).toHaveCount(0);
  await page.reload();
  await page.getByLabel("Search").fill(`${tag} solo`);
  await expect(page.getByText("No app matches")).toBeVisible();
});

test("agent configuration: the API's 422 is shown on the field it names, and a valid change is saved", async ({ page }) => {
  const { appId } = await createGatedApp(api, `${tag} config`);
  const agents = await ok<{ id: string; type: string }[]>(api.get(`/apps/${appId}/agents`));
  const analyzer = agents.find((a) => a.type === "analyzer")!;
  await login(page, `/apps/${appId}/agents/${analyzer.id}`);
  await page.getByLabel("Temperature").fill("7");
  await page.getByRole("button", { name: "Save configuration" }).click();
  const fieldError = page.locator('[data-field-error="model-temperature"]');
  await expect(fieldError).toBeVisible();
  await expect(fieldError).toContainText(/2/);
  await expect(page.getByLabel("Temperature")).toHaveAttribute("aria-invalid", "true");
  await screenshot(page, "agent-config-422", true);
  await expectAccessible(page);
  await page.getByLabel("Temperature").fill("0.3");
  await page.getByRole("button", { name: "Save configuration" }).click();
  await expect(fieldError).toHaveCount(0);
  await expect.poll(async () => (await ok<{ model: { temperature: number } }>(api.get(`/agents/${analyzer.id}/config`))).model.temperature).toBe(0.3);
  // Prompt versions from MLflow, with the diff view.
  await page.getByRole("button", { name: /Versions of/ }).first().click();
  await expect(page.getByLabel(/Diff of/)).toBeVisible();
  // Schemas: view the type's output schema; register one, use it, save (the server resolves it).
  await page.getByRole("button", { name: "View schema" }).nth(1).click();
  await expect(page.getByLabel("Schema of schema-output")).toContainText('"properties"');
  await page.getByRole("button", { name: "Register a schema" }).first().click();
  const schemaName = `${tag}-input`;
  await page.getByLabel("Schema name").fill(schemaName);
  await page.getByLabel("JSON Schema").fill('{"type": "object"}');
  await page.getByRole("button", { name: "Register and use" }).click();
  await expect(page.getByLabel("Input schema URI")).toHaveValue(new RegExp(`^schema:${schemaName}`));
  await page.getByRole("button", { name: "Save configuration" }).click();
  await expect
    .poll(async () => (await ok<{ schemas: { input_schema_uri: string } }>(api.get(`/agents/${analyzer.id}/config`))).schemas.input_schema_uri)
    .toMatch(new RegExp(`^schema:${schemaName}`));
});

test("orchestration tab: the server's problems are shown at their line and column", async ({ page }) => {
  const { appId } = await createGatedApp(api, `${tag} yaml`);
  const stored = await ok<{ yaml: string }>(api.get(`/orchestration/${appId}`));
  await login(page, `/apps/${appId}?tab=orchestration`);
  const editor = page.getByLabel("Orchestration (YAML)");
  await expect(editor).toContainText("step: sign_off");
  // Replace the whole text as typed in the editor (CodeMirror): validation is live.
  await editor.click();
  await page.keyboard.press("ControlOrMeta+a");
  await page.keyboard.insertText(stored.yaml.replace("source: map, field: mapped_data", "source: nowhere, field: mapped_data"));
  const issue = page.locator("[data-yaml-issue]").filter({ hasText: "nowhere" }).first();
  await expect(issue).toContainText(/nowhere/);
  await expect(issue.getByRole("button", { name: /line \d+, column \d+/ })).toBeVisible();
  await screenshot(page, "app-orchestration-error");
  await expectAccessible(page);
});
