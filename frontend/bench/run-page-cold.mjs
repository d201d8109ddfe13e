// Cold and warm run-page loads (navigation → first completed step row visible) against a
// running console, plus what the first HTML already holds and the page's JS. A quick
// check of the bench's "run page" figure without starting a stack:
//   node bench/run-page-cold.mjs <console-url> <admin-key> <run-id> [loads]
import { chromium } from "@playwright/test";

const [consoleUrl, adminKey, runId, loadsArg] = process.argv.slice(2);
const loads = Number(loadsArg ?? 10);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.round(p * (xs.length - 1)))];
try {
  const login = await browser.newContext();
  const page = await login.newPage();
  await page.goto(consoleUrl + "/");
  await page.getByLabel("API key").fill(adminKey);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  const cookies = await login.cookies();
  await login.close();
  const cold = [];
  const warm = [];
  let firstHtmlSteps = 0;
  let jsBytes = 0;
  let requests = 0;
  const url = `${consoleUrl}/runs/${runId}`;
  for (let i = 0; i < loads; i++) {
    const c = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await c.addCookies(cookies);
    const p = await c.newPage();
    let js = 0;
    let n = 0;
    p.on("response", async (r) => {
      n += 1;
      if (r.url().endsWith(".js")) js += (await r.body().catch(() => Buffer.alloc(0))).length;
    });
    let t = Date.now();
    const nav = await p.goto(url, { waitUntil: "commit" });
    await p.locator('tr[data-step][data-state="completed"]').first().waitFor();
    cold.push(Date.now() - t);
    if (i === 0) {
      const html = await nav.text();
      firstHtmlSteps = (html.match(/data-state="completed"/g) ?? []).length;
      await p.waitForLoadState("networkidle");
      jsBytes = js;
      requests = n;
    }
    t = Date.now();
    await p.goto(url, { waitUntil: "commit" });
    await p.locator('tr[data-step][data-state="completed"]').first().waitFor();
    warm.push(Date.now() - t);
    await c.close();
  }
  console.log(
    JSON.stringify({
      loads,
      cold_ms: { p50: pct(cold, 0.5), p95: pct(cold, 0.95), all: cold },
      warm_ms: { p50: pct(warm, 0.5), p95: pct(warm, 0.95) },
      completed_rows_in_first_html: firstHtmlSteps,
      first_load_js_raw_kb: Math.round(jsBytes / 1024),
      first_load_requests: requests,
    }),
  );
} finally {
  await browser.close();
}
