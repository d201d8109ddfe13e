import { expect, test, type APIRequestContext } from "@playwright/test";
import { apiAs, createGatedApp, expectAccessible, login, ok, screenshot, startRun } from "./helpers";

let api: APIRequestContext;
let appId: string;

test.beforeAll(async () => {
  api = await apiAs();
  ({ appId } = await createGatedApp(api, `Gated ${Date.now()}`));
});

test.afterAll(async () => {
  await api.dispose();
});

async function waitForStep(runId: string, stepId: string, state: string) {
  await expect
    .poll(async () => (await ok<{ steps: { step_id: string; state: string }[] }>(api.get(`/runs/${runId}`))).steps.find((s) => s.step_id === stepId)?.state, {
      timeout: 60_000,
    })
    .toBe(state);
}

test("the run page follows the steps live; an approval from its form lets the run finish; re-run from a step", async ({ page }) => {
  const runId = await startRun(api, appId);
  await login(page, `/runs/${runId}`);
  // Opened while the run is in flight: the page follows the event stream.
  await expect(page.getByTestId("live-mode")).toContainText("live");
  await expect(page.locator('tr[data-step="sign_off"]')).toHaveAttribute("data-state", "waiting_approval", { timeout: 60_000 });
  for (const step of ["extract", "map", "analyze"]) await expect(page.locator(`tr[data-step="${step}"]`)).toHaveAttribute("data-state", "completed");
  // While the run waits, the finished steps already show their model and prompt versions.
  await expect(page.locator('tr[data-step="extract"]')).toContainText("system_prompt");
  const approval = page.getByRole("form", { name: "Approval of sign_off" });
  await expect(approval).toContainText("A credit officer signs the analysis off");
  await screenshot(page, "run-waiting-approval", true);
  await expectAccessible(page);

  // The server checks the payload against the approval's schema: its message shows on the field.
  await approval.getByLabel("limit *").fill("-5");
  await approval.getByRole("button", { name: "Approve" }).click();
  await expect(approval.locator("[data-field-error]")).toBeVisible();

  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  await approval.getByLabel("limit *").fill("1500000");
  await approval.getByLabel("Comment").fill("Within policy");
  await approval.getByRole("button", { name: "Approve" }).click();
  // No reload: the same document sees the remaining steps arrive.
  await expect(page.locator('tr[data-step="sign_off"]')).toHaveAttribute("data-state", "completed");
  await expect(page.locator('tr[data-step="report"]')).toHaveAttribute("data-state", "completed", { timeout: 60_000 });
  await expect(page.locator("[data-status]").first()).toHaveAttribute("data-status", "completed");
  await expect(page.getByTestId("memo")).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // Re-run from the memo step: the steps before it keep their results, the memo is made again.
  const before = (await ok<{ steps: { step_id: string; ended_at: string }[] }>(api.get(`/runs/${runId}`))).steps.find((s) => s.step_id === "report")!.ended_at;
  await page.getByLabel("Re-run from step").selectOption("report");
  await page.getByRole("button", { name: "Re-run" }).click();
  await expect(page.getByText("Re-running from report")).toBeVisible();
  await expect
    .poll(async () => (await ok<{ status: string; steps: { step_id: string; ended_at: string }[] }>(api.get(`/runs/${runId}`))).steps.find((s) => s.step_id === "report")?.ended_at, {
      timeout: 60_000,
    })
    .not.toBe(before);
  await expect(page.locator("[data-status]").first()).toHaveAttribute("data-status", "completed");
  await expect(page.locator('tr[data-step="report"]')).toHaveAttribute("data-state", "completed");
  await expect(page.getByTestId("memo")).toBeVisible();
});

test("a waiting run is cancelled from its page", async ({ page }) => {
  const runId = await startRun(api, appId);
  await waitForStep(runId, "sign_off", "waiting_approval");
  await login(page, `/runs/${runId}`);
  await page.getByRole("button", { name: "Cancel run" }).click();
  await expect(page.locator("[data-status]").first()).toHaveAttribute("data-status", "canceled", { timeout: 60_000 });
  await expect(page.getByRole("button", { name: "Cancel run" })).toBeHidden();
  await screenshot(page, "run-canceled");
});

test("a deep link reloads to the same page", async ({ page }) => {
  const runId = await startRun(api, appId);
  await login(page, `/runs/${runId}`);
  await expect(page.getByRole("heading", { name: `Run ${runId}` })).toBeVisible();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  // The reloaded page comes from the server with the run's steps already in its HTML.
  const html = await (await page.request.get(page.url())).text();
  expect(html).toContain('data-step="extract"');
  await page.reload();
  await expect(page.getByRole("heading", { name: `Run ${runId}` })).toBeVisible();
  await expect(page.locator('tr[data-step="extract"]')).toBeVisible();
  expect(errors.filter((e) => /hydrat/i.test(e))).toEqual([]);
  await page.goto(page.url().replace(/\/runs\/.*/, `/apps/${appId}?tab=orchestration`));
  await expect(page.getByLabel("Orchestration (YAML)")).toContainText("step: sign_off");
  await page.reload();
  await expect(page.getByRole("tab", { name: "Orchestration" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByLabel("Orchestration (YAML)")).toContainText("step: sign_off");
  await ok(api.post(`/runs/${runId}/cancel`));
});

test("the app's schema violations name the run each happened in", async ({ page }) => {
  // A terse memo, written here, that states no loan term, rate or collateral: the mapper
  // and the analyzer record those fields as not found, the same fields in each run.
  const memo = "Credit memo. Borrower: Harbour Lane Bakeries Ltd. Annual revenue GBP 2,400,000.";
  const runIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    const started = await ok<{ run_id: string }>(api.post(`/apps/${appId}/runs`, { data: { inputs: { document: memo } } }));
    runIds.push(started.run_id);
    await waitForStep(started.run_id, "sign_off", "waiting_approval");
  }
  // The tab shows the app's newest ten (recorded once the step's result is written).
  type Item = { run_id: string; step_id: string; pointer: string };
  let items: Item[] = [];
  await expect
    .poll(async () => {
      ({ items } = await ok<{ items: Item[] }>(api.get(`/observability/violations?app_id=${appId}&limit=10`)));
      return items.some((v) => v.run_id === runIds[1]);
    }, { timeout: 30_000 })
    .toBe(true);
  await login(page, `/apps/${appId}?tab=observability`);
  const rows = page.getByRole("table", { name: "Schema violations" }).locator("tbody tr");
  await expect(rows).toHaveCount(items.length);
  // Each row links to the run it happened in, so one field failing in two runs is two
  // rows that can be told apart.
  for (const [i, v] of items.entries()) {
    await expect(rows.nth(i).locator("a")).toHaveAttribute("href", `/runs/${v.run_id}`);
    await expect(rows.nth(i)).toContainText(v.pointer || "/");
  }
  for (const runId of runIds) await ok(api.post(`/runs/${runId}/cancel`));
});

test("a waiting run's approval form is the one of the release it was started with", async ({ page }) => {
  const runId = await startRun(api, appId);
  await waitForStep(runId, "sign_off", "waiting_approval");
  // The stored orchestration changes after the run started: another prompt, another form.
  const stored = await ok<{ yaml: string }>(api.get(`/orchestration/${appId}`));
  const changed = stored.yaml
    .replace("A credit officer signs the analysis off", "Changed after the run started")
    .replace("required: [limit]", "required: [ceiling]")
    .replace("properties: {limit:", "properties: {ceiling:");
  expect(changed).not.toBe(stored.yaml);
  await ok(api.put(`/orchestration/${appId}`, { data: changed, headers: { "content-type": "application/yaml" } }));
  try {
    await login(page, `/runs/${runId}`);
    const approval = page.getByRole("form", { name: "Approval of sign_off" });
    await expect(approval).toContainText("A credit officer signs the analysis off");
    await expect(approval.getByLabel("limit *")).toBeVisible();
    await expect(approval).not.toContainText("Changed after the run started");
  } finally {
    await ok(api.put(`/orchestration/${appId}`, { data: stored.yaml, headers: { "content-type": "application/yaml" } }));
    await ok(api.post(`/runs/${runId}/cancel`));
  }
});
