import { expect, test } from "@playwright/test";
import { expectAccessible, login, screenshot } from "./helpers";
import { stack } from "./stack";

test("login: a wrong key is refused on the form, the right one opens the console", async ({ page }) => {
  await page.goto(stack().consoleUrl + "/");
  await expect(page.getByRole("heading", { name: "Agentic Hub" })).toBeVisible();
  await screenshot(page, "login", true);
  await expectAccessible(page);
  await page.getByLabel("API key").fill("hubk_not-a-key");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.locator("[data-field-error=api-key]")).toContainText(/unknown or has been revoked/);
  await page.getByLabel("API key").fill(stack().adminKey);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  // The tokens are httpOnly cookies: the page's script cannot read them, nor find them in storage.
  expect(await page.evaluate(() => document.cookie)).toBe("");
  expect(await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage))).not.toContain("ey");
  const names = (await page.context().cookies()).map((c) => [c.name, c.httpOnly]);
  expect(names).toEqual(expect.arrayContaining([["hub_access", true], ["hub_refresh", true]]));
});

test("an expired session asks to log in again over the page, keeping what was typed", async ({ page, context }) => {
  await login(page, "/apps");
  await page.getByRole("button", { name: "New app" }).click();
  const name = `Typed before expiry ${Date.now()}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Description").fill("This text must survive the login.");
  // The session ends (tokens expired and the refresh token gone).
  await context.clearCookies();
  await page.getByRole("button", { name: "Create" }).click();
  const relogin = page.getByRole("dialog", { name: "Your session has ended" });
  await expect(relogin).toBeVisible();
  await screenshot(page, "session-expired");
  await relogin.getByLabel("API key").fill(stack().adminKey);
  await relogin.getByRole("button", { name: "Log in" }).click();
  await expect(relogin).toBeHidden();
  await expect(page.getByLabel("Name")).toHaveValue(name);
  await expect(page.getByLabel("Description")).toHaveValue("This text must survive the login.");
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.locator('a[href^="/apps/app-"]', { hasText: name })).toBeVisible();
  await expect(page.locator('a[href^="/apps/pending-"]')).toHaveCount(0);
});

test("an expired access token is renewed with the refresh token, once for a page's many calls", async ({ page, context }) => {
  await login(page, "/apps");
  const before = (await context.cookies()).find((c) => c.name === "hub_access")!.value;
  // The access token is no longer good and due: the dashboard's calls (several at once)
  // must all go through on one renewal (refresh tokens are single-use).
  const url = stack().consoleUrl;
  await context.addCookies([
    { name: "hub_access", value: "expired.token.value", url, httpOnly: true, sameSite: "Strict" },
    { name: "hub_access_exp", value: String(Math.floor(Date.now() / 1000)), url, httpOnly: true, sameSite: "Strict" },
  ]);
  const refused: string[] = [];
  page.on("response", (r) => {
    if (r.status() === 401) refused.push(r.url());
  });
  await page.goto(url + "/");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByText("Apps draft")).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Loading" })).toHaveCount(0);
  expect(refused).toEqual([]);
  await expect(page.getByRole("dialog", { name: "Your session has ended" })).toBeHidden();
  const after = (await context.cookies()).find((c) => c.name === "hub_access")!.value;
  expect(after).not.toBe(before);
  expect(after).not.toBe("expired.token.value");
  const exp = Number((await context.cookies()).find((c) => c.name === "hub_access_exp")!.value);
  expect(exp).toBeGreaterThan(Date.now() / 1000 + 60);
});

test("sign in with the OIDC issuer (authorization code + PKCE) opens the console as the issuer's user", async ({ page }) => {
  await page.goto(stack().consoleUrl + "/apps");
  const signIn = page.getByRole("link", { name: "Sign in with Test IdP" });
  await expect(signIn).toBeVisible();
  await signIn.click();
  // The issuer signs the test user in at once and sends the browser back with a code.
  await expect(page.getByRole("heading", { level: 1, name: "Intelligent apps" })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe("/apps");
  const session = await (await page.request.get(stack().consoleUrl + "/session")).json();
  expect(session.me).toMatchObject({ subject: "oidc:alice", role: "editor", teams: ["risk"] });
  expect(await page.evaluate(() => document.cookie)).toBe("");
  // A callback that does not match the sign-in started here is refused on the login page.
  await page.context().clearCookies();
  await page.goto(stack().consoleUrl + "/session/oidc/callback?code=forged&state=forged");
  await expect(page.getByRole("alert").filter({ hasText: /sign in again/ })).toBeVisible();
  await screenshot(page, "login-oidc");
  await expectAccessible(page);
});
