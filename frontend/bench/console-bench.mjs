// The browser half of `make bench`'s console section (bench/console.py starts the stack,
// reads Temporal history and prints the figures). Input: a JSON file (argv[2]); output:
// JSON on stdout. Uses Debian's chromium through Playwright, like the browser tests.
import { chromium } from "@playwright/test";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const cfg = JSON.parse(readFileSync(process.argv[2], "utf8"));
const log = (m) => process.stderr.write(`  console: ${m}\n`);

async function api(path, init = {}) {
  const res = await fetch(cfg.apiUrl + path, {
    ...init,
    headers: { authorization: `Bearer ${cfg.token}`, "content-type": "application/json", ...(init.headers ?? {}) },
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const out = { first_load_ms: [], warm_load_ms: [], step_on_screen: [], js_per_route: {}, builder_tti_ms: [], builder_drag_frame_ms: [], builder_first_paint_js: null };
try {
  // Log in once; every context below starts from this session's cookies.
  const login = await browser.newContext();
  const page = await login.newPage();
  await page.goto(cfg.consoleUrl + "/");
  await page.getByLabel("API key").fill(cfg.adminKey);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { name: "Dashboard" }).waitFor();
  const cookies = await login.cookies();
  await login.close();
  const fresh = async () => {
    const c = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await c.addCookies(cookies);
    return c;
  };

  // Run page: navigation → steps visible, in a fresh context (nothing cached) and again warm.
  const runUrl = `${cfg.consoleUrl}/runs/${cfg.completedRunId}`;
  for (let i = 0; i < cfg.loads; i++) {
    const c = await fresh();
    const p = await c.newPage();
    let t = Date.now();
    await p.goto(runUrl, { waitUntil: "commit" });
    await p.locator('tr[data-step][data-state="completed"]').first().waitFor();
    out.first_load_ms.push(Date.now() - t);
    t = Date.now();
    await p.goto(runUrl, { waitUntil: "commit" });
    await p.locator('tr[data-step][data-state="completed"]').first().waitFor();
    out.warm_load_ms.push(Date.now() - t);
    await c.close();
  }
  log(`run page loads measured (${cfg.loads} cold, ${cfg.loads} warm)`);

  // A step on screen: each run waits at its approval with the page open; the approval
  // lets the memo step run, and the page notes (wall clock) when its row turns completed.
  const c = await fresh();
  for (let i = 0; i < cfg.runs; i++) {
    const { run_id } = await api(`/apps/${cfg.appId}/runs`, { method: "POST", body: JSON.stringify({ inputs: { document: cfg.document } }) });
    const p = await c.newPage();
    await p.goto(`${cfg.consoleUrl}/runs/${run_id}`);
    await p.locator(`tr[data-step="${cfg.gateStep}"][data-state="waiting_approval"]`).waitFor({ timeout: 60_000 });
    await p.evaluate((step) => {
      const w = window;
      w.__seen = null;
      const check = () => {
        const row = document.querySelector(`tr[data-step="${step}"]`);
        if (!w.__seen && row && row.getAttribute("data-state") === "completed") w.__seen = Date.now();
      };
      new MutationObserver(check).observe(document.body, { subtree: true, attributes: true, childList: true, attributeFilter: ["data-state"] });
      check();
    }, cfg.measuredStep);
    await api(`/runs/${run_id}/approvals`, { method: "POST", body: JSON.stringify({ step_id: cfg.gateStep, approved: true, payload: { limit: 1 } }) });
    await p.waitForFunction(() => window.__seen, null, { timeout: 60_000 });
    out.step_on_screen.push({ run_id, screen_epoch_ms: await p.evaluate(() => window.__seen) });
    await p.close();
  }
  await c.close();
  log(`${cfg.runs} runs followed live`);

  // The builder with a 200-node plan: navigation → canvas interactive (nodes on screen and
  // a frame painted after them), then frame intervals while a node is dragged.
  if (cfg.builderAppId) {
    const builderUrl = `${cfg.consoleUrl}/apps/${cfg.builderAppId}?tab=orchestration`;
    for (let i = 0; i < cfg.builderLoads; i++) {
      const bc = await fresh();
      const p = await bc.newPage();
      // the scripts the canvas needed: those fetched before it was interactive
      const scripts = [];
      p.on("response", (r) => {
        if (r.request().resourceType() === "script") scripts.push([r.url(), r.body().catch(() => Buffer.alloc(0))]);
      });
      const t = Date.now();
      await p.goto(builderUrl, { waitUntil: "commit" });
      await p.locator(".react-flow__node[data-id]").first().waitFor({ timeout: 60_000 });
      await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      out.builder_tti_ms.push(Date.now() - t);
      if (i === 0) {
        // requested before the builder's `builder:canvas-ready` mark (CodeMirror comes after it)
        await p.waitForFunction(() => performance.getEntriesByName("builder:canvas-ready").length > 0, null, { timeout: 30_000 });
        const early = new Set(
          await p.evaluate(() => {
            const ready = performance.getEntriesByName("builder:canvas-ready")[0].startTime;
            return performance
              .getEntriesByType("resource")
              .filter((r) => r.initiatorType === "script" && r.startTime < ready)
              .map((r) => r.name);
          }),
        );
        const before = await Promise.all(scripts.filter(([url]) => early.has(url)).map(([, body]) => body));
        out.builder_first_paint_js = {
          files: before.length,
          raw_kb: before.reduce((n, b) => n + b.length, 0) / 1024,
          gzip_kb: before.reduce((n, b) => n + gzipSync(b).length, 0) / 1024,
        };
      }
      if (i === cfg.builderLoads - 1) {
        // drag a node on screen along a path, 120 pointer moves; rAF intervals meanwhile
        const target = p.locator(".react-flow__node[data-id]").nth(3);
        const box = await target.boundingBox();
        await p.evaluate(() => {
          window.__frames = [];
          let last = performance.now();
          window.__stopFrames = false;
          const tick = (now) => {
            window.__frames.push(now - last);
            last = now;
            if (!window.__stopFrames) requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        });
        await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await p.mouse.down();
        for (let k = 1; k <= 120; k++) {
          await p.mouse.move(box.x + box.width / 2 + k * 3, box.y + box.height / 2 + Math.sin(k / 10) * 60);
        }
        await p.mouse.up();
        const frames = await p.evaluate(() => {
          window.__stopFrames = true;
          return window.__frames.slice(2);
        });
        out.builder_drag_frame_ms.push(...frames);
      }
      await bc.close();
    }
    log(`builder measured (${cfg.builderLoads} loads, ${out.builder_drag_frame_ms.length} frames while dragging)`);
  }

  // JavaScript each route ships (every script response, gzip-compressed here).
  for (const [name, path] of Object.entries(cfg.routes)) {
    const rc = await fresh();
    const p = await rc.newPage();
    const bodies = [];
    p.on("response", (r) => {
      if (r.request().resourceType() === "script") bodies.push(r.body().catch(() => Buffer.alloc(0)));
    });
    await p.goto(cfg.consoleUrl + path, { waitUntil: "networkidle" });
    const buffers = await Promise.all(bodies);
    out.js_per_route[name] = {
      files: buffers.length,
      raw_kb: buffers.reduce((n, b) => n + b.length, 0) / 1024,
      gzip_kb: buffers.reduce((n, b) => n + gzipSync(b).length, 0) / 1024,
    };
    await rc.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
