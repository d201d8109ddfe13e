import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { apiAs, createGatedApp, login, ok, screenshot, startRun } from "./helpers";

let api: APIRequestContext;

test.beforeAll(async () => {
  api = await apiAs();
});

test.afterAll(async () => {
  await api.dispose();
});

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const edge = (page: Page, id: string) => page.getByTestId(`edge-${id}`);

/** A locator's box once the viewport has settled (the canvas refits after a step is added). */
async function settledBox(page: Page, locator: ReturnType<Page["locator"]>) {
  let last = await locator.boundingBox();
  let same = 0;
  for (;;) {
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const now = await locator.boundingBox();
    same = now && last && now.x === last.x && now.y === last.y && now.width === last.width ? same + 1 : 0;
    if (same >= 4) return now!;
    last = now;
  }
}

/** Drags from one node's output handle to another node's input handle. */
async function connect(page: Page, source: string, target: string) {
  const from = node(page, source).locator(".react-flow__handle.source");
  const to = node(page, target).locator(".react-flow__handle.target");
  const a = await settledBox(page, from);
  const b = await settledBox(page, to);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

async function draft(appId: string): Promise<{ yaml: string; version: number }> {
  return ok(api.get(`/orchestration/${appId}/draft`));
}

test("build the credit-memo pipeline by dragging; a bad binding turns its edge red at its YAML line; fix, deploy, run, overlay", async ({ page }) => {
  test.setTimeout(180_000);
  const app = await ok<{ id: string }>(api.post("/apps", { data: { name: `Builder ${Date.now()}` } }));
  for (const type of ["extractor", "mapper", "analyzer", "summarizer"]) await ok(api.post(`/apps/${app.id}/agents`, { data: { name: type, type } }));
  await login(page, `/apps/${app.id}?tab=orchestration`);
  const canvas = page.getByTestId("builder-canvas");
  await expect(canvas).toBeVisible({ timeout: 60_000 });

  // Drag each agent from the palette onto the canvas, then wire them up handle to handle.
  for (const type of ["extractor", "mapper", "analyzer", "summarizer"]) {
    await page.getByTestId(`palette-agent-${type}`).dragTo(canvas);
    await expect(node(page, type)).toBeVisible();
  }
  await connect(page, "trigger", "extractor");
  await connect(page, "extractor", "mapper");
  await connect(page, "mapper", "analyzer");
  await connect(page, "analyzer", "summarizer");
  const last = "analyzer.risk_analysis->summarizer.risk_analysis";
  await expect(edge(page, last)).toHaveAttribute("data-fit", "fits");
  await expect(edge(page, "extractor.extracted_data->mapper.extracted_data")).toHaveAttribute("data-fit", "fits");
  await expect(edge(page, "trigger.document->extractor.document")).toHaveAttribute("data-fit", "cannot_tell");
  await expect(page.getByTestId("validation-status")).toHaveText("✓ valid");

  // Bind the analyzer's risk grade (a string) to the summarizer's risk_analysis (an object).
  await edge(page, last).click();
  await page.getByLabel("upstream output field").selectOption("risk_grade");
  const bad = edge(page, "analyzer.risk_grade->summarizer.risk_analysis");
  await expect(bad).toHaveAttribute("data-fit", "does_not_fit");
  await expect(bad).toHaveAttribute("title", /does not fit: .*risk_analysis/);
  const problem = page.locator("[data-yaml-issue]").filter({ hasText: "edge analyzer.risk_grade → summarizer" }).first();
  await expect(problem).toBeVisible();
  const where = await problem.getByRole("button", { name: /line \d+, column \d+/ }).innerText();
  const line = Number(/line (\d+)/.exec(where)![1]);
  // the line the problem names is the binding's line in the YAML editor
  const yamlLine = page.locator(".cm-content .cm-line").nth(line - 1);
  await expect(yamlLine).toContainText("source: analyzer");
  await expect(page.locator(".cm-lintRange-error").first()).toBeVisible();
  await screenshot(page, "builder-red-edge");

  // Fix it: back to the whole risk analysis; the extra output the pick added goes away.
  await page.getByLabel("upstream output field").selectOption("risk_analysis");
  await expect(edge(page, last)).toHaveAttribute("data-fit", "fits");
  await expect(page.getByTestId("validation-status")).toHaveText("✓ valid");
  await expect(page.getByTestId("draft-status")).toContainText("Draft saved");

  // Deploy with the diff against the (absent) release, then run and watch the overlay.
  await page.getByRole("button", { name: "Deploy…" }).click();
  await expect(page.getByTestId("deploy-diff")).toContainText("+   - step: summarizer");
  await expect(page.getByTestId("changed-steps")).toContainText("extractor, mapper, analyzer, summarizer");
  await page.getByRole("dialog").getByRole("button", { name: "Deploy", exact: true }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  await expect.poll(async () => (await ok<{ status: string }>(api.get(`/apps/${app.id}`))).status).toBe("deployed");

  const runId = await startRun(api, app.id);
  await page.goto(page.url().replace(/\/apps\/.*/, `/runs/${runId}`));
  const overlay = page.getByTestId("run-overlay");
  for (const step of ["extractor", "mapper", "analyzer", "summarizer"])
    await expect(overlay.getByTestId(`node-${step}`)).toHaveAttribute("data-state", "completed", { timeout: 90_000 });
  await expect(overlay.getByTestId("overlay-extractor")).toContainText(/\d+(\.\d)? (ms|s)/);
  await screenshot(page, "run-overlay");
  await node(page, "analyzer").click();
  await expect(page.getByTestId("attempts-dialog")).toContainText("Step analyzer: attempts");
  await expect(page.getByTestId("attempt").first()).toBeVisible();
});

test("two editors on one app: the second save gets the conflict and merges, no edit lost; a comment survives graph edits", async ({ browser }) => {
  test.setTimeout(120_000);
  const { appId } = await createGatedApp(api, `Conflict ${Date.now()}`);
  const stored = await ok<{ yaml: string }>(api.get(`/orchestration/${appId}`));
  const commented = stored.yaml.replace("workflow:\n", "workflow:  # reviewed by the credit desk\n");
  await ok(api.put(`/orchestration/${appId}`, { data: commented, headers: { "content-type": "application/yaml" } }));

  const [alice, bob] = await Promise.all([browser.newContext(), browser.newContext()]);
  const [a, b] = await Promise.all([alice.newPage(), bob.newPage()]);
  await login(a, `/apps/${appId}?tab=orchestration`);
  await login(b, `/apps/${appId}?tab=orchestration`);
  await expect(node(a, "map")).toBeVisible({ timeout: 60_000 });
  await expect(node(b, "extract")).toBeVisible({ timeout: 60_000 });

  // Alice sets a timeout on "map" from the side panel; autosave stores draft version 1.
  await node(a, "map").click();
  await a.getByLabel("timeout").fill("45s");
  await expect(a.getByTestId("draft-status")).toContainText("Draft saved (version 1)");

  // Bob, still on version 0, sets retries on "extract": his save is refused, his edit stays.
  await node(b, "extract").click();
  await b.getByLabel("retry: max attempts").fill("5");
  await expect(b.getByTestId("draft-conflict")).toBeVisible();
  await expect(b.getByTestId("draft-status")).toContainText("someone else saved first");
  await expect(b.locator(".cm-content")).toContainText("max_attempts: 5");
  expect((await draft(appId)).yaml).not.toContain("max_attempts: 5");

  await b.getByRole("button", { name: "Merge theirs and mine" }).click();
  await expect(b.getByTestId("draft-status")).toContainText("Draft saved (version 2)");
  const merged = (await draft(appId)).yaml;
  expect(merged).toContain("timeout: 45s");
  expect(merged).toContain("max_attempts: 5");
  // the comment is where it was, through two graph edits and a merge
  expect(merged).toContain("workflow:  # reviewed by the credit desk\n");
  await Promise.all([alice.close(), bob.close()]);
});

test("the run overlay draws the orchestration of the run's release, not what was stored or deployed after it", async ({ page }) => {
  test.setTimeout(120_000);
  const { appId } = await createGatedApp(api, `Overlay ${Date.now()}`);
  const runId = await startRun(api, appId);
  const run = await ok<{ release_id: string | null }>(api.get(`/runs/${runId}`));
  expect(run.release_id).toMatch(/^rel/);

  // After the run started: "analyze" becomes "assess", stored and deployed as a new release.
  const stored = await ok<{ yaml: string }>(api.get(`/orchestration/${appId}`));
  const renamed = stored.yaml.replace("step: analyze", "step: assess").replaceAll("source: analyze", "source: assess");
  await ok(api.put(`/orchestration/${appId}`, { data: renamed, headers: { "content-type": "application/yaml" } }));
  await ok(api.post(`/apps/${appId}/deploy`));

  await login(page, `/runs/${runId}`);
  const overlay = page.getByTestId("run-overlay");
  await expect(overlay.getByTestId("node-analyze")).toBeVisible({ timeout: 60_000 });
  await expect(overlay.getByTestId("node-assess")).toHaveCount(0);
  await expect(page.getByTestId("run-overlay-source")).toContainText("release 1.0.0");
  await expect(overlay.getByTestId("node-sign_off")).toHaveAttribute("data-state", "waiting_approval", { timeout: 90_000 });
  await ok(api.post(`/runs/${runId}/cancel`));
});
