import { expect, test } from "@playwright/test";
import { expectAccessible, login, screenshot } from "./helpers";
import { stack } from "./stack";

test("the onboarding wizard takes a new app to a completed run with its memo", async ({ page }) => {
  await login(page, "/apps");
  await page.getByRole("button", { name: "Guided setup" }).first().click();
  await expect(page).toHaveURL(/\/apps\/new\/onboarding/);

  await page.getByLabel("Name").fill("Wizard Credit Memo");
  await page.getByLabel("Description").fill("Made by the onboarding test");
  await screenshot(page, "onboarding-name");
  await page.getByRole("button", { name: "Next: agents" }).click();

  await expect(page.getByRole("heading", { name: "Choose agents from the library" })).toBeVisible();
  for (const type of ["extractor", "mapper", "analyzer", "summarizer"]) {
    await expect(page.getByRole("checkbox", { name: new RegExp(`\\(${type}\\)`) })).toBeChecked();
  }
  await screenshot(page, "onboarding-agents");
  await page.getByRole("button", { name: "Next: orchestration" }).click();

  const yaml = page.getByLabel("Orchestration (YAML)");
  await expect(yaml).toHaveValue(/type: "summarizer"/);
  await screenshot(page, "onboarding-orchestration");
  await page.getByRole("button", { name: "Save and continue" }).click();

  await expect(page.getByRole("heading", { name: "Deploy", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Deploy", exact: true }).click();

  await expect(page.getByRole("heading", { name: "First run" })).toBeVisible();
  await page.getByLabel("document (document)").setInputFiles(stack().samplePdf);
  await screenshot(page, "onboarding-first-run");
  await page.getByRole("button", { name: "Start run" }).click();

  await expect(page).toHaveURL(/\/runs\/run-/);
  await expect(page.locator("[data-status]").first()).toHaveAttribute("data-status", "completed", { timeout: 60_000 });
  for (const step of ["1", "2", "3", "4"]) {
    await expect(page.locator(`tr[data-step="${step}"]`)).toHaveAttribute("data-state", "completed");
  }
  const memo = page.getByTestId("memo");
  await expect(memo).toBeVisible();
  await expect(memo).toContainText(/Acme/i);
  await expect(memo.locator("h1, h2").first()).toBeVisible(); // HTML, not Markdown source
  await screenshot(page, "run-completed", true);
  await expectAccessible(page);
});
