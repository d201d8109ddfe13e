import { expect, test, type APIRequestContext } from "@playwright/test";
import { apiAs, createGatedApp, expectAccessible, login, ok, screenshot } from "./helpers";

let api: APIRequestContext;
let appId: string;
let agentId: string;

test.beforeAll(async () => {
  api = await apiAs();
  ({ appId } = await createGatedApp(api, `Pages ${Date.now()}`));
  agentId = (await ok<{ id: string }[]>(api.get(`/apps/${appId}/agents`)))[0].id;
  await ok(api.post(`/apps/${appId}/deploy`)); // a second release for the history
});
test.afterAll(async () => {
  await api.dispose();
});

/** Every page: it renders its heading at desktop and phone width, and axe finds nothing serious. */
const PAGES: { name: string; path: () => string; heading: string | RegExp }[] = [
  { name: "dashboard", path: () => "/", heading: "Dashboard" },
  { name: "agents", path: () => "/agents", heading: "Agent library" },
  { name: "orchestration", path: () => `/orchestration?app=${appId}`, heading: "Orchestration" },
  { name: "prompts", path: () => "/prompts", heading: "Prompts & artifacts" },
  { name: "observability", path: () => "/observability", heading: "Observability" },
  { name: "settings", path: () => "/settings", heading: "Settings" },
  { name: "app-overview", path: () => `/apps/${appId}`, heading: /^Pages / },
  { name: "app-agents", path: () => `/apps/${appId}?tab=agents`, heading: /^Pages / },
  { name: "app-observability", path: () => `/apps/${appId}?tab=observability`, heading: /^Pages / },
  { name: "app-settings", path: () => `/apps/${appId}?tab=settings`, heading: /^Pages / },
  { name: "app-agent-library", path: () => `/apps/${appId}/agent-library`, heading: "Add agents" },
  { name: "app-agent-new", path: () => `/apps/${appId}/agents/new`, heading: "New agent" },
  { name: "app-agent-config", path: () => `/apps/${appId}/agents/${agentId}`, heading: "extractor" },
];

test("every page renders, at 1280 px and at phone width, with no serious accessibility violation", async ({ page }) => {
  await login(page);
  for (const p of PAGES) {
    await page.goto(new URL(p.path(), page.url()).toString());
    await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Loading" })).toHaveCount(0);
    await screenshot(page, p.name, true);
    await expectAccessible(page);
  }
  // The overview's release history: both releases, newest first, and a diff between them.
  await page.goto(new URL(`/apps/${appId}`, page.url()).toString());
  const history = page.getByRole("table", { name: "Release history" });
  await expect(history.getByRole("row")).toHaveCount(3);
  await expect(history.getByRole("row").nth(1)).toContainText("1.1.0");
  await expect(history.getByRole("row").nth(1)).toContainText("current");
  await expect(page.getByLabel("Orchestration diff between releases")).toContainText("workflow:");
  await expect(page.getByText("Same orchestration in both releases.")).toBeVisible();
  // The observability page breaks cost down by model.
  await page.goto(new URL("/observability", page.url()).toString());
  await expect(page.getByText("Cost by model")).toBeVisible();
  // Artifacts: an upload shows in the list.
  await page.goto(new URL("/prompts?tab=artifacts", page.url()).toString());
  await page.getByLabel("File").setInputFiles({ name: "listed.txt", mimeType: "text/plain", buffer: Buffer.from("listed") });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("table", { name: "Artifacts" }).getByRole("row").nth(1)).toContainText("listed.txt");
  await screenshot(page, "prompts-artifacts");
  await expectAccessible(page);
  // The prompts page with a prompt open (versions and the diff).
  await page.goto(new URL("/prompts", page.url()).toString());
  await page.getByRole("button", { name: /extractor-system/ }).first().click();
  await expect(page.getByLabel(/Diff of/)).toBeVisible();
  // A new version is registered in MLflow, and the diff shows what changed.
  const template = page.getByLabel("New version");
  await template.fill((await template.inputValue()) + "\nCite the page of every figure.");
  await page.getByLabel("Commit message").fill("ask for page numbers");
  await page.getByRole("button", { name: "Register version" }).click();
  await expect(page.getByText(/extractor-system v\d+ registered/)).toBeVisible();
  await expect(page.getByLabel(/Diff of/)).toContainText("+ Cite the page of every figure.");
  await screenshot(page, "prompts-detail");
  await expectAccessible(page);
  // Settings: the price table; a bad price is refused on its cell, a good one saved, then reset.
  await page.goto(new URL("/settings", page.url()).toString());
  const prices = page.getByRole("table", { name: "Prices per million tokens" });
  await expect(prices).toBeVisible();
  await prices.getByLabel("input of row 1", { exact: true }).fill("-1");
  await page.getByRole("button", { name: "Save prices" }).click();
  await expect(prices.getByText(/greater than or equal to 0/)).toBeVisible();
  await prices.getByLabel("input of row 1", { exact: true }).fill("1.25");
  await page.getByRole("button", { name: "Save prices" }).click();
  await expect(page.getByText(/Set through the console by/)).toBeVisible();
  await screenshot(page, "settings-prices");
  await expectAccessible(page);
  await page.getByRole("button", { name: "Reset to the price file" }).click();
  await expect(page.getByText(/From the price file/)).toBeVisible();
  // Settings: a key is created and shown once.
  await page.goto(new URL("/settings", page.url()).toString());
  await page.getByLabel("Name").fill("console test key");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("new-key")).toContainText("hubk_");
  await screenshot(page, "settings-new-key");
  await page.getByRole("button", { name: "Done" }).click();
  await page.getByRole("button", { name: "Revoke console test key" }).click();
  await expect(page.getByRole("row", { name: /console test key/ }).getByText("revoked")).toBeVisible();
});
